"""checkout_options: what a shopper may choose for a cart (Glue's /checkout-data), filtered by the addresses."""

from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.exceptions import AddressNotOwned, CartNotFound
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.options import checkout_options
from customers.models import Country, Customer
from payments.models import PaymentMethod
from shipping.models import Carrier, ShipmentMethod

pytestmark = pytest.mark.django_db

GUEST = {"anonymous_id": "guest-1", "customer__isnull": True}


@pytest.fixture(autouse=True)
def shop(db):
    call_command("seed_demo", stdout=StringIO())


def cart_with(*skus: str, store: str = "DE", customer: Customer | None = None) -> Cart:
    the_store = Store.objects.get(code=store)
    cart = Cart.objects.create(store=the_store, customer=customer, anonymous_id=None if customer else "guest-1",
                               currency=the_store.default_currency, price_mode=the_store.price_mode)
    for sku in skus:
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=1)
    return cart


def options(cart: Cart, data: CheckoutData | None = None, *, owner=GUEST, customer=None):
    return checkout_options(cart_uuid=cart.uuid, owner=owner, customer=customer, data=data or CheckoutData())


def test_a_german_cart_is_offered_the_seed_documents_shipment_methods_with_prices():
    offered = options(cart_with("066_23294028"))
    methods = [(m.method.pk, m.carrier_name, m.method.name, m.price) for m in offered.shipment_methods]
    assert methods == [
        (1, "Spryker Dummy Shipment", "Standard", 490), (2, "Spryker Dummy Shipment", "Express", 590),
        (3, "Spryker Drone Shipment", "Air Standard", 500), (4, "Spryker Drone Shipment", "Air Sonic", 1000),
        (5, "Spryker Drone Shipment", "Air Light", 1500),
    ]
    assert offered.shipment_methods[0].tax_rate == 19


def test_payment_providers_list_their_methods_and_required_request_data():
    offered = options(cart_with("066_23294028"))
    dummy = next(p for p in offered.payment_providers if p.provider.name == "DummyPayment")
    by_name = {m.name: m.required_request_data for m in dummy.methods}
    assert by_name["invoice"] == ["paymentMethod", "paymentProvider", "dummyPaymentInvoice.dateOfBirth"]
    assert "dummyPaymentCreditCard.cardNumber" in by_name["credit card"]


def test_invoice_is_not_offered_for_a_cart_with_a_gift_card():
    offered = options(cart_with("GC_050"))
    names = {m.name for p in offered.payment_providers for m in p.methods}
    assert "invoice" not in names and "credit card" in names


def test_methods_that_do_not_deliver_to_the_shipping_country_are_left_out():
    to_us = CheckoutData(shipments=(ShipmentInput(address=AddressInput(iso2_code="US")),))
    assert options(cart_with("066_23294028"), to_us).shipment_methods == []


def test_a_payment_method_refused_for_the_billing_country_is_left_out():
    invoice = PaymentMethod.objects.get(name="invoice")
    invoice.countries.set(Country.objects.filter(iso2_code="AT"))
    in_germany = CheckoutData(billing_address=AddressInput(iso2_code="DE"))
    names = {m.name for p in options(cart_with("066_23294028"), in_germany).payment_providers for m in p.methods}
    assert "invoice" not in names


def test_a_registered_customer_sees_their_addresses_and_business_unit_addresses():
    sonia = Customer.objects.get(email="sonia@spryker.com", user__isnull=False)
    offered = options(cart_with("066_23294028", customer=sonia), owner={"customer": sonia}, customer=sonia)
    assert [str(a.uuid) for a in offered.addresses] == ["f4cfa794-3c5d-58b9-8485-20d52c541d1d"]
    assert [str(a.uuid) for a in offered.business_unit_addresses] == ["19a55c0d-7bf0-580c-a9e8-6edacdc1ecde"]


def test_selected_methods_are_echoed():
    chosen = CheckoutData(shipments=(ShipmentInput(method_id=2),),
                          payments=({"paymentProviderName": "dummypayment", "paymentMethodName": "Invoice"},))
    offered = options(cart_with("066_23294028"), chosen)
    assert [m.method.name for m in offered.selected_shipment_methods] == ["Express"]
    assert [m.name for m in offered.selected_payment_methods] == ["invoice"]


def test_someone_elses_cart_and_address_ids_are_refused():
    with pytest.raises(CartNotFound):
        options(cart_with("066_23294028"), owner={"anonymous_id": "other", "customer__isnull": True})
    foreign = CheckoutData(shipments=(ShipmentInput(address=AddressInput(id="22d78681-9885-5b47-8916-42f9e72b29ff")),))
    with pytest.raises(AddressNotOwned):
        options(cart_with("066_23294028"), foreign)


def test_reading_options_writes_nothing_and_is_not_slower_with_more_methods(django_assert_max_num_queries):
    cart = cart_with("066_23294028")
    with django_assert_max_num_queries(14):
        options(cart)
    for n in range(10):
        method = ShipmentMethod.objects.create(carrier=Carrier.objects.get(name="UPS"), key=f"extra-{n}", name=f"Extra {n}")
        method.prices.create(currency="EUR", gross_amount=100, net_amount=84)
    with django_assert_max_num_queries(14):
        assert len(options(cart).shipment_methods) == 15
