"""cart_price: the one service that prices a cart, with or without shipments, for every caller."""

from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.cart_pricing import ShipmentToPrice, cart_price, is_priced
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.placement import Shopper, order_place
from checkout.shipment_methods import shipment_methods_for

pytestmark = pytest.mark.django_db

GUEST = Shopper(anonymous_id="guest-pricing")
BERLIN = AddressInput(salutation="Mr", first_name="Spencor", last_name="Hopkin", address1="Julie-Wolfthorn-Straße",
                      address2="1", zip_code="10115", city="Berlin", iso2_code="DE")
INVOICE = {"paymentProviderName": "DummyPayment", "paymentMethodName": "Invoice",
           "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}


@pytest.fixture(autouse=True)
def shop(db):
    call_command("seed_demo", stdout=StringIO())


def cart_with(items: dict[str, int], *, store: str = "DE") -> Cart:
    the_store = Store.objects.get(code=store)
    cart = Cart.objects.create(store=the_store, anonymous_id=GUEST.anonymous_id, currency=the_store.default_currency,
                               price_mode=the_store.price_mode)
    for sku, quantity in items.items():
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=quantity)
    return cart


def test_a_cart_priced_with_its_shipment_is_what_placement_charges():
    cart = cart_with({"066_23294028": 1})  # 393.53: 10 % off above 100 EUR, Standard free above 50 EUR
    standard = shipment_methods_for(cart=cart, currency="EUR", ids=[1])[1]

    without = cart_price(cart=cart)
    shipped = cart_price(cart=cart, shipments=[ShipmentToPrice(method=standard, cost=standard.cost_here,
                                                               country_id=cart.store.country_id)])
    order = order_place(cart_uuid=cart.uuid, shopper=GUEST, data=CheckoutData(
        customer=CustomerInput(email="spencor@example.com", first_name="Spencor", last_name="Hopkin"),
        billing_address=BERLIN, shipments=(ShipmentInput(address=BERLIN, method_id=1),), payments=(INVOICE,),
    )).order

    assert (without.discount_total, without.expense_total, without.grand_total) == (3935, 0, 35418)
    assert (shipped.discount_total, shipped.expense_total, shipped.grand_total) == (3935 + 490, 490, 35418)
    assert (order.discount_total, order.expense_total, order.tax_total, order.grand_total) == (
        shipped.discount_total, shipped.expense_total, shipped.tax_total, shipped.grand_total)


def test_an_item_without_a_price_in_the_carts_currency_counts_zero_in_a_read():
    cart = cart_with({"078_24602396": 1, "066_23294028": 1}, store="US")  # the first is priced in EUR only

    priced = cart_price(cart=cart)

    lines = {line.sku: line for line in priced.lines}
    assert (lines["078_24602396"].sum_subtotal, lines["078_24602396"].sum_tax) == (0, 0)
    assert priced.subtotal == lines["066_23294028"].sum_subtotal > 0
    assert [is_priced(line.item, cart.price_mode) for line in priced.lines] == [
        line.sku != "078_24602396" for line in priced.lines]
