"""checkout.services.order_apply_staff_transition: staff actions on placed orders.

A refused action raises a coded DomainError and leaves every row as it was; an allowed
one moves the order, its shipments, payments and stock together and records who did it.
"""

import pytest
from django_fsm_log.models import StateLog

from checkout.exceptions import OrderNotFound, OrderTransitionForbidden, OrderTransitionNotAllowed
from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from checkout.services import order_apply_staff_transition
from payments.models import Payment, PaymentState
from shipping.exceptions import InsufficientStock
from shipping.models import Shipment, ShipmentState, StockAllocation, StockItem
from tests.factories import (
    LineItemFactory,
    OrderFactory,
    PaymentFactory,
    ShipmentFactory,
    StockItemFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

S = OrderState


@pytest.fixture
def boss():
    return UserFactory(superuser=True)


def snapshot(order: Order) -> dict:
    """Every row a staff action may touch, as stored."""
    row = Order.objects.get(pk=order.pk)
    return {
        "order": {f.attname: getattr(row, f.attname) for f in Order._meta.concrete_fields},
        "shipments": list(Shipment.objects.filter(order=order).order_by("pk").values_list("pk", "state")),
        "payments": list(
            Payment.objects.filter(order=order).order_by("pk").values_list("pk", "state", "captured_amount")
        ),
        "stock": list(StockItem.objects.order_by("pk").values_list("pk", "count_on_hand")),
        "allocations": list(StockAllocation.objects.order_by("pk").values_list("pk", "quantity", "released_at")),
        "logs": StateLog.objects.count(),
    }


def stock_of(order: Order) -> int:
    """Units on hand of the order's (first) line item, at its shipment's warehouse."""
    item = order.line_items.select_related("shipment").first()
    return StockItem.objects.get(stock_location=item.shipment.stock_location_id, variant=item.variant_id).count_on_hand


def placed_order(**kwargs) -> Order:
    """A placed order: a ready shipment whose line holds 2 units (8 left on hand of 10), a captured
    payment, and a second shipment still pending."""
    order = OrderFactory(at_complete=True, **kwargs)
    ShipmentFactory(order=order, state=ShipmentState.PENDING)
    return order


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_as_a_superuser_cancels_the_order_its_unshipped_shipments_and_gives_the_stock_back(boss):
    order = placed_order()
    assert stock_of(order) == 8

    returned = order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    order = Order.objects.get(pk=order.pk)
    assert returned.state == order.state == S.CANCELED
    assert order.canceled_at is not None
    assert order.stock_reserved_at is None
    assert stock_of(order) == 10
    assert not StockAllocation.objects.filter(line_item__order=order, released_at__isnull=True).exists()
    assert set(order.shipments.values_list("state", flat=True)) == {ShipmentState.CANCELED}
    assert order.shipment_state == OrderShipmentState.CANCELED
    # The captured payment stays captured: the customer is owed the money back.
    assert list(order.payments.values_list("state", "captured_amount")) == [(PaymentState.COMPLETED, 5500)]
    assert (order.payment_state, order.payment_total) == (OrderPaymentState.CREDIT_OWED, 5500)


def test_cancel_records_who_canceled_the_order_and_each_shipment(boss):
    order = placed_order()
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    order_logs = StateLog.objects.for_(order)
    assert {(log.transition, log.source_state, log.state, log.by) for log in order_logs} == {
        ("cancel", S.COMPLETE, S.CANCELED, boss),
        ("mark_credit_owed", OrderPaymentState.PAID, OrderPaymentState.CREDIT_OWED, boss),
        ("mark_shipments_canceled", OrderShipmentState.READY, OrderShipmentState.CANCELED, boss),
    }
    for shipment in order.shipments.all():
        log = StateLog.objects.for_(shipment).get()
        assert (log.transition, log.state, log.by) == ("cancel", ShipmentState.CANCELED, boss)


def test_cancel_voids_payments_not_yet_captured(boss):
    order = placed_order(payment_state=OrderPaymentState.BALANCE_DUE)
    order.payments.all().delete()
    payment = PaymentFactory(order=order, authorized=True)

    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    payment = Payment.objects.get(pk=payment.pk)
    assert (payment.state, payment.captured_amount) == (PaymentState.VOID, 0)
    assert StateLog.objects.for_(payment).get().by == boss
    order = Order.objects.get(pk=order.pk)
    assert (order.payment_state, order.payment_total) == (OrderPaymentState.VOID, 0)


def test_cancel_by_staff_holding_the_cancel_permission_is_allowed():
    clerk = staff_user("checkout.change_order", "checkout.cancel_order")
    order = placed_order()
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=clerk)
    assert Order.objects.get(pk=order.pk).state == S.CANCELED
    assert StateLog.objects.for_(order).get(transition="cancel").by == clerk


@pytest.mark.parametrize("permissions", [
    (), ("checkout.change_order", "checkout.resume_order", "checkout.return_order"),
    ("checkout.cancel_order",),  # acting on an order needs checkout.change_order too, as in the admin
])
def test_cancel_by_staff_lacking_the_cancel_permission_is_forbidden_and_changes_nothing(permissions):
    order = placed_order()
    before = snapshot(order)

    with pytest.raises(OrderTransitionForbidden) as refused:
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff_user(*permissions))

    assert (refused.value.code, refused.value.status) == ("transition_forbidden", 403)
    assert refused.value.meta == {"transition": "cancel"}
    assert snapshot(order) == before


def test_cancel_without_a_user_is_forbidden_and_changes_nothing():
    order = placed_order()
    before = snapshot(order)
    with pytest.raises(OrderTransitionForbidden):
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=None)
    assert snapshot(order) == before


def test_cancel_of_a_shipped_order_is_not_allowed_and_changes_nothing(boss):
    order = placed_order()
    ShipmentFactory(order=order, shipped=True)
    before = snapshot(order)

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
    assert refused.value.meta == {"state": S.COMPLETE, "transition": "cancel"}
    assert snapshot(order) == before


def test_a_refused_state_is_reported_before_a_missing_permission():
    order = placed_order()
    ShipmentFactory(order=order, shipped=True)
    with pytest.raises(OrderTransitionNotAllowed):
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff_user())


@pytest.mark.parametrize("transition", ["delete", "complete", "to_cart", "mark_paid", "save", "__init__", ""])
def test_an_action_that_is_not_a_staff_transition_is_refused_and_changes_nothing(boss, transition):
    order = placed_order()
    before = snapshot(order)

    with pytest.raises(OrderTransitionNotAllowed) as refused:
        order_apply_staff_transition(order_id=order.pk, transition=transition, by=boss)

    assert refused.value.code == "transition_not_allowed"
    assert snapshot(order) == before


def test_an_action_on_an_order_that_does_not_exist_is_not_found(boss):
    with pytest.raises(OrderNotFound) as missing:
        order_apply_staff_transition(order_id=987654, transition="cancel", by=boss)
    assert (missing.value.code, missing.value.status) == ("order_not_found", 404)


def test_cancel_of_an_order_in_confirm_cancels_it(boss):
    order = OrderFactory(at_confirm=True)
    assert order.payment_state is None

    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.payment_state) == (S.CANCELED, OrderPaymentState.VOID)


def test_cancel_of_a_partly_paid_order_owes_the_captured_money_back(boss):
    order = placed_order(payment_state=OrderPaymentState.BALANCE_DUE)
    order.payments.all().delete()
    PaymentFactory(order=order, amount=2000, captured=True)
    PaymentFactory(order=order, amount=3500, authorized=True)

    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.payment_state, order.payment_total) == (
        S.CANCELED, OrderPaymentState.CREDIT_OWED, 2000,
    )


# --- resume ------------------------------------------------------------------------------------


def test_resume_brings_the_canceled_shipments_back_and_takes_the_stock_again(boss):
    order = placed_order()
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)
    assert stock_of(order) == 10

    returned = order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)

    order = Order.objects.get(pk=order.pk)
    assert returned.state == order.state == S.COMPLETE
    assert (order.canceled_at, order.stock_reserved_at is not None) == (None, True)
    assert stock_of(order) == 8
    live = StockAllocation.objects.filter(line_item__order=order, released_at__isnull=True)
    assert list(live.values_list("quantity", flat=True)) == [2]
    assert set(order.shipments.values_list("state", flat=True)) == {ShipmentState.PENDING}
    assert (order.shipment_state, order.payment_state) == (OrderShipmentState.PENDING, OrderPaymentState.PAID)
    for shipment in order.shipments.all():
        assert StateLog.objects.for_(shipment).get(transition="resume").by == boss
    assert StateLog.objects.for_(order).get(transition="resume").by == boss


def test_resume_of_an_order_canceled_earlier_takes_its_stock_and_reopens_its_shipment(boss):
    order = OrderFactory(at_canceled=True)  # shipments canceled, stock given back
    assert stock_of(order) == 10

    order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)

    order = Order.objects.get(pk=order.pk)
    assert order.state == S.COMPLETE
    assert stock_of(order) == 8
    assert list(order.shipments.values_list("state", flat=True)) == [ShipmentState.PENDING]


def test_resume_by_staff_lacking_the_resume_permission_is_forbidden_and_takes_no_stock():
    order = OrderFactory(at_canceled=True)
    before = snapshot(order)

    with pytest.raises(OrderTransitionForbidden):
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=staff_user("checkout.cancel_order"))

    assert snapshot(order) == before


def test_resume_when_the_stock_is_gone_is_refused_and_changes_nothing(boss):
    order = OrderFactory(at_canceled=True)
    StockItem.objects.update(count_on_hand=1)  # 2 wanted
    before = snapshot(order)

    with pytest.raises(InsufficientStock) as refused:
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)

    assert refused.value.meta["requested"] == 2 and refused.value.meta["available"] == 1
    assert snapshot(order) == before


def test_resume_by_staff_lacking_the_resume_permission_is_forbidden_even_when_the_stock_is_gone():
    order = OrderFactory(at_canceled=True)
    StockItem.objects.update(count_on_hand=0)
    with pytest.raises(OrderTransitionForbidden):
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=staff_user())


@pytest.mark.parametrize("fixture", [{"at_complete": True}, {"at_returned": True}])
def test_resume_of_an_order_that_is_not_canceled_is_not_allowed(boss, fixture):
    order = OrderFactory(**fixture)
    before = snapshot(order)
    with pytest.raises(OrderTransitionNotAllowed):
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)
    assert snapshot(order) == before


# --- returns -----------------------------------------------------------------------------------


def test_a_return_is_authorized_received_and_recorded_by_staff_holding_the_return_permission():
    clerk = staff_user("checkout.change_order", "checkout.return_order")
    order = OrderFactory(at_complete=True, contents__shipment_state=ShipmentState.SHIPPED,
                         shipment_state=OrderShipmentState.SHIPPED)

    order_apply_staff_transition(order_id=order.pk, transition="authorize_return", by=clerk)
    assert Order.objects.get(pk=order.pk).state == S.AWAITING_RETURN
    order_apply_staff_transition(order_id=order.pk, transition="receive_return", by=clerk)
    assert Order.objects.get(pk=order.pk).state == S.RETURNED

    logs = StateLog.objects.for_(order).order_by("timestamp", "pk")
    assert [(log.transition, log.by) for log in logs] == [("authorize_return", clerk), ("receive_return", clerk)]


def test_a_return_can_be_called_off(boss):
    order = OrderFactory(at_awaiting_return=True)
    order_apply_staff_transition(order_id=order.pk, transition="cancel_return", by=boss)
    assert Order.objects.get(pk=order.pk).state == S.COMPLETE


def test_a_return_of_an_order_nothing_of_which_was_shipped_is_not_allowed(boss):
    order = OrderFactory(at_complete=True)
    before = snapshot(order)
    with pytest.raises(OrderTransitionNotAllowed) as refused:
        order_apply_staff_transition(order_id=order.pk, transition="authorize_return", by=boss)
    assert refused.value.meta == {"state": S.COMPLETE, "transition": "authorize_return"}
    assert snapshot(order) == before


def test_a_return_by_staff_lacking_the_return_permission_is_forbidden():
    order = OrderFactory(at_awaiting_return=True)
    before = snapshot(order)
    with pytest.raises(OrderTransitionForbidden):
        order_apply_staff_transition(
            order_id=order.pk, transition="receive_return", by=staff_user("checkout.cancel_order")
        )
    assert snapshot(order) == before


def test_staff_actions_do_not_touch_line_items(boss):
    order = placed_order()
    shipment = order.shipments.first()
    item = LineItemFactory(order=order, shipment=shipment)
    StockItemFactory(stock_location=shipment.stock_location, variant=item.variant)
    items = list(order.line_items.order_by("pk").values())
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)
    order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)
    assert list(order.line_items.order_by("pk").values()) == items
