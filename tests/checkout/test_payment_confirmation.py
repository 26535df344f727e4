"""order_payment_confirm: the provider's signed confirmation captures an order's external payment."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_fsm_log.models import StateLog

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.exceptions import OrderNotFound, OrderPaymentNotUpdated
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.models import Order
from checkout.payment_confirmation import order_payment_confirm
from checkout.placement import Shopper, order_place
from checkout.services import order_apply_staff_transition, payment_refund
from payments.exceptions import PaymentConfirmationInvalid
from payments.providers.redirect import redirect_confirmation_hash
from shipping.exceptions import InsufficientStock
from shipping.models import StockItem

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
    invoice_order = Order.objects.filter(reference="DE--1").get()
    with pytest.raises(OrderPaymentNotUpdated):
        order_payment_confirm(payment_identifier="DE--1", payload=confirmation(order),
                              owner={"customer": invoice_order.customer})


# --- a confirmation after the order was canceled: the money is recorded as owed -----------------


def cancel(order, how: str, boss) -> None:
    """Cancel the order as staff do, or as cancel_stale_orders does with an order it gave up on."""
    if how == "staff":
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)
    else:
        Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=2))
        call_command("cancel_stale_orders", "--older-than", "24h", stdout=StringIO())


def on_hand(order) -> int:
    """What the order's item has on hand, over every stock location."""
    return sum(StockItem.objects.filter(variant=order.line_items.get().variant).values_list("count_on_hand", flat=True))


@pytest.mark.parametrize("how", ["staff", "cancel_stale_orders"])
def test_a_confirmation_after_the_order_was_canceled_records_the_money_as_owed_to_the_customer(
        order, superuser, how):
    cancel(order, how, superuser)
    payment = order.payments.get()
    payment.refresh_from_db()
    assert payment.state == "void"
    released = on_hand(order)

    confirmed = order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)

    order.refresh_from_db()
    assert (confirmed.pk, confirmed.state, confirmed.captured_amount) == (payment.pk, "completed", order.grand_total)
    assert (order.state, order.payment_state, order.payment_total) == ("canceled", "credit_owed", order.grand_total)
    assert on_hand(order) == released  # the stock stays on sale: the order is not put back by itself
    [log] = StateLog.objects.for_(payment).filter(transition="confirm")
    assert (log.source_state, log.state, log.by) == ("void", "completed", None)
    assert f"after order {order} was canceled" in log.description

    # Repeated, the confirmation changes nothing and answers the same.
    again = order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    assert (again.pk, again.state, again.captured_amount) == (payment.pk, "completed", order.grand_total)
    assert StateLog.objects.for_(payment).filter(transition="confirm").count() == 1


def test_money_owed_for_a_canceled_order_is_refunded_by_staff_and_a_repeated_confirmation_changes_nothing(
        order, superuser):
    cancel(order, "staff", superuser)
    order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)

    payment_refund(payment=order.payments.get(), by=superuser)

    order.refresh_from_db()
    payment = order.payments.get()
    assert (payment.state, payment.refunded_amount) == ("refunded", order.grand_total)
    assert (order.state, order.payment_state, order.payment_total) == ("canceled", "void", 0)
    again = order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    assert (again.state, again.captured_amount, again.refunded_amount) == ("refunded", order.grand_total,
                                                                            order.grand_total)
    order.refresh_from_db()
    assert order.payment_state == "void"


def test_an_order_confirmed_after_its_cancel_is_resumed_by_staff_when_the_stock_is_still_there(order, superuser):
    cancel(order, "staff", superuser)
    order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    released = on_hand(order)

    order_apply_staff_transition(order_id=order.pk, transition="resume", by=superuser)

    order.refresh_from_db()
    assert (order.state, order.payment_state, order.payment_total) == ("complete", "paid", order.grand_total)
    assert on_hand(order) == released - 1


def test_an_order_confirmed_after_its_cancel_stays_owed_when_its_stock_was_sold_meanwhile(order, superuser):
    cancel(order, "staff", superuser)
    order_payment_confirm(payment_identifier=order.reference, payload=confirmation(order), owner=OWNER)
    StockItem.objects.filter(variant=order.line_items.get().variant).update(count_on_hand=0, backorderable=False)

    with pytest.raises(InsufficientStock):
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=superuser)

    order.refresh_from_db()
    assert (order.state, order.payment_state, order.payment_total) == ("canceled", "credit_owed", order.grand_total)


def test_a_forged_confirmation_of_a_canceled_order_is_refused_and_records_nothing(order, superuser):
    cancel(order, "staff", superuser)
    with pytest.raises(PaymentConfirmationInvalid):
        order_payment_confirm(payment_identifier=order.reference, owner=OWNER,
                              payload=[{"type": "payment-confirmation", "hash": "0" * 64}])
    order.refresh_from_db()
    assert (order.payment_state, order.payments.get().state, order.payment_total) == ("void", "void", 0)
