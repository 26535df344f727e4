"""order_payment_confirm: the provider's signed confirmation captures an order's external payment."""

from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.exceptions import OrderNotFound, OrderPaymentNotUpdated
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.payment_confirmation import order_payment_confirm
from checkout.placement import Shopper, order_place
from payments.exceptions import PaymentConfirmationInvalid
from payments.providers.redirect import redirect_confirmation_hash

pytestmark = pytest.mark.django_db
GUEST = Shopper(anonymous_id="guest-redirect")
OWNER = {"customer__anonymous_id": "guest-redirect"}


@pytest.fixture
def order(db):
    call_command("seed_demo", stdout=StringIO())
    store = Store.objects.get(code="DE")
    cart = Cart.objects.create(store=store, anonymous_id=GUEST.anonymous_id, currency="EUR")
    CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku="047_26408568"), quantity=1)
    address = AddressInput(first_name="A", last_name="B", address1="Street 1", zip_code="10115", city="Berlin",
                           iso2_code="DE")
    data = CheckoutData(customer=CustomerInput(email="a@example.com"), billing_address=address,
                        shipments=(ShipmentInput(address=address, method_id=1),),
                        payments=({"paymentProviderName": "DummyExternalPayment", "paymentMethodName": "redirect"},))
    return order_place(cart_uuid=cart.uuid, shopper=GUEST, data=data).order


def confirmation(order) -> list[dict]:
    payment = order.payments.get()
    return [{"type": "payment-confirmation", "hash": redirect_confirmation_hash(payment.transaction_id)}]


def test_a_signed_confirmation_captures_the_payment_and_the_order_is_paid(order):
    payment = order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    order.refresh_from_db()
    assert (payment.state, payment.captured_amount) == ("completed", order.grand_total)
    assert (order.payment_state, order.payment_total) == ("paid", order.grand_total)


def test_the_payment_uuid_works_as_identifier_and_a_second_confirmation_changes_nothing(order):
    payment = order.payments.get()
    order_payment_confirm(payment_identifier=str(payment.uuid), payload=confirmation(order), owner=OWNER)
    again = order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    assert again.state == "completed" and again.captured_amount == order.grand_total


@pytest.mark.parametrize("payload", [
    [], [{"type": "payment-confirmation", "hash": "0" * 64}], [{"type": "refund", "hash": "x"}], "garbage", None,
])
def test_an_unsigned_or_malformed_confirmation_is_refused_and_nothing_changes(order, payload):
    with pytest.raises(PaymentConfirmationInvalid):
        order_payment_confirm(payment_identifier=order.reference, payload=payload, owner=OWNER)
    order.refresh_from_db()
    assert (order.payment_state, order.payments.get().state) == ("balance_due", "processing")


def test_an_unknown_or_foreign_order_is_not_found(order):
    with pytest.raises(OrderNotFound):
        order_payment_confirm(payment_identifier="DE--999", payload=confirmation(order), owner=OWNER)
    with pytest.raises(OrderNotFound):
        order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order),
                              owner={"customer__anonymous_id": "someone-else"})


def test_an_order_paid_another_way_has_nothing_to_confirm(order):
    from checkout.models import Order

    invoice_order = Order.objects.filter(reference="DE--1").get()
    with pytest.raises(OrderPaymentNotUpdated):
        order_payment_confirm(payment_identifier="DE--1", payload=confirmation(order),
                              owner={"customer": invoice_order.customer})
