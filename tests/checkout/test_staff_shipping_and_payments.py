"""checkout.services.shipment_ship and payment_capture/refund/void: what staff do to a placed
order's shipments and payments. Each checks the order's state, the user's permission and the
shipment's or payment's own state machine, and brings the order's summary states in line; a
refusal is a coded DomainError and changes nothing."""

import pytest
from django_fsm_log.models import StateLog

from checkout.exceptions import OrderTransitionForbidden, OrderTransitionNotAllowed
from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from checkout.services import payment_capture, payment_refund, payment_void, shipment_ship
from payments.exceptions import PaymentTransactionNotAllowed
from payments.models import Payment, PaymentState
from shipping.models import Shipment, ShipmentState
from tests.factories import OrderFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return UserFactory(superuser=True)


def placed(**kwargs) -> Order:
    """Complete, paid (one captured payment), one shipment ready to ship."""
    return OrderFactory(at_complete=True, **kwargs)


def authorised(order: Order) -> Order:
    """The same order as if its payment were only authorised: balance due, its shipment waiting."""
    Payment.objects.filter(order=order).update(state=PaymentState.PENDING, captured_amount=0)
    Shipment.objects.filter(order=order).update(state=ShipmentState.PENDING)
    Order.objects.filter(pk=order.pk).update(payment_state=OrderPaymentState.BALANCE_DUE, payment_total=0,
                                             shipment_state=OrderShipmentState.PENDING)
    return Order.objects.get(pk=order.pk)


def test_ship_a_ready_shipment(boss):
    order = placed()
    shipment = order.shipments.get()
    shipped = shipment_ship(shipment=shipment, tracking=" 1Z1 ", by=boss)
    order.refresh_from_db()
    assert (shipped.state, shipped.tracking, order.shipment_state) == (
        ShipmentState.SHIPPED, "1Z1", OrderShipmentState.SHIPPED)
    assert StateLog.objects.for_(shipped).filter(transition="ship", by=boss).exists()


@pytest.mark.parametrize(("change", "refusal"), [
    ({"tracking": ""}, OrderTransitionNotAllowed),
    ({"by": "clerk"}, OrderTransitionForbidden),
    ({"by": None}, OrderTransitionForbidden),
    ({"order_state": OrderState.CANCELED}, OrderTransitionNotAllowed),
    ({"shipment_state": ShipmentState.SHIPPED}, OrderTransitionNotAllowed),
], ids=str)
def test_ship_refusals_change_nothing(boss, change, refusal):
    order = placed()
    shipment = order.shipments.get()
    if "order_state" in change:
        Order.objects.filter(pk=order.pk).update(state=change["order_state"])
    if "shipment_state" in change:
        Shipment.objects.filter(pk=shipment.pk).update(state=change["shipment_state"])
    by = boss if "by" not in change else change["by"] and staff_user("checkout.change_order")
    before = Shipment.objects.filter(pk=shipment.pk).values_list("state", "tracking").get()
    with pytest.raises(refusal):
        shipment_ship(shipment=shipment, tracking=change.get("tracking", "1Z1"), by=by)
    assert Shipment.objects.filter(pk=shipment.pk).values_list("state", "tracking").get() == before


def test_an_unpaid_orders_shipment_waits(boss):
    order = authorised(placed())
    with pytest.raises(OrderTransitionNotAllowed, match="capture it first"):
        shipment_ship(shipment=order.shipments.get(), tracking="1Z1", by=boss)


def test_capture_pays_the_order_and_readies_its_shipments(boss):
    order = authorised(placed())
    clerk = staff_user("checkout.change_order", "payments.capture_payment")
    payment = payment_capture(payment=order.payments.get(), by=clerk)
    order.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.COMPLETED, payment.amount)
    assert (order.payment_state, order.payment_total, order.shipment_state) == (
        OrderPaymentState.PAID, payment.amount, OrderShipmentState.READY)
    assert set(order.shipments.values_list("state", flat=True)) == {ShipmentState.READY}


def test_refund_gives_back_what_was_captured(boss):
    order = placed()
    payment = payment_refund(payment=order.payments.get(), by=boss)
    order.refresh_from_db()
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, payment.captured_amount)
    assert (order.payment_state, order.payment_total) == (OrderPaymentState.BALANCE_DUE, 0)


def test_void_releases_an_authorisation(boss):
    order = authorised(placed())
    payment = payment_void(payment=order.payments.get(), by=boss)
    assert payment.state == PaymentState.VOID
    assert StateLog.objects.for_(payment).filter(transition="void", by=boss).exists()


@pytest.mark.parametrize(("service", "permission"), [
    (payment_capture, "payments.refund_payment"),
    (payment_void, "payments.capture_payment"),
    (payment_refund, "payments.void_payment"),
], ids=lambda v: getattr(v, "__name__", v))
def test_each_payment_action_needs_its_own_permission(service, permission):
    order = placed() if service is payment_refund else authorised(placed())
    payment = order.payments.get()
    with pytest.raises(OrderTransitionForbidden):
        service(payment=payment, by=staff_user("checkout.change_order", permission))
    assert Payment.objects.get(pk=payment.pk).state == payment.state


def test_a_captured_payment_is_neither_captured_again_nor_voided(boss):
    payment = placed().payments.get()
    for service in (payment_capture, payment_void):
        with pytest.raises(PaymentTransactionNotAllowed):
            service(payment=payment, by=boss)
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.COMPLETED
