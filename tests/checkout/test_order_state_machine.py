"""The order's three state machines (checkout/models.py).

Every transition is allowed from exactly the states its decorator names and refused from
every other one; each step rule (checkout/flow.py) refuses on its own; every transition is
recorded; and no state field can be assigned by hand or saved over a newer one.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed
from django_fsm_log.models import StateLog

from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from customers.models import Country
from payments.models import PaymentState
from shipping.models import Shipment, ShipmentState
from tests.factories import (
    CountryFactory,
    LineItemFactory,
    OrderAddressFactory,
    OrderFactory,
    PaymentFactory,
    RegionFactory,
    ShipmentFactory,
    ShipmentMethodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = OrderState
P = OrderPaymentState
SH = OrderShipmentState

# --- the checkout flow and the after-sale states: the whole table --------------------------

# Where each transition goes, and the only states it may start from (as the flow is specified;
# the tests below check the decorators agree).
FLOW = {
    "to_cart": (S.CART, {S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM}),
    "to_address": (S.ADDRESS, {S.CART, S.DELIVERY, S.PAYMENT, S.CONFIRM}),
    "to_delivery": (S.DELIVERY, {S.ADDRESS, S.PAYMENT, S.CONFIRM}),
    "to_payment": (S.PAYMENT, {S.ADDRESS, S.DELIVERY, S.CONFIRM}),
    "to_confirm": (S.CONFIRM, {S.ADDRESS, S.DELIVERY, S.PAYMENT}),
    "complete": (S.COMPLETE, {S.CONFIRM}),
    "cancel": (S.CANCELED, {S.CONFIRM, S.COMPLETE}),
    "resume": (S.COMPLETE, {S.CANCELED}),
    "authorize_return": (S.AWAITING_RETURN, {S.COMPLETE}),
    "receive_return": (S.RETURNED, {S.AWAITING_RETURN}),
    "cancel_return": (S.COMPLETE, {S.AWAITING_RETURN}),
}
ALLOWED = [
    pytest.param(name, state, id=f"{name}-from-{state}")
    for name, (_, sources) in FLOW.items() for state in OrderState if state in sources
]
REFUSED = [
    pytest.param(name, state, id=f"{name}-from-{state}")
    for name, (_, sources) in FLOW.items() for state in OrderState if state not in sources
]


def order_meeting_every_rule(state: str, transition: str) -> Order:
    """An order in ``state`` whose contents satisfy every step rule ``transition`` checks:
    line items, valid addresses, a shipment with a method, a covering payment, reserved
    stock, and a shipment already shipped for the one transition that needs one."""
    shipped = transition == "authorize_return"
    return OrderFactory(
        state=state, contents="complete", stock_reserved_at=timezone.now(),
        contents__shipment_state=ShipmentState.SHIPPED if shipped else ShipmentState.READY,
    )


def test_the_table_names_every_transition_and_every_state():
    transitions = {
        name for name, member in vars(Order).items()
        if hasattr(member, "_django_fsm") and member._django_fsm.field.name == "state"
    }
    assert transitions == set(FLOW)
    assert len(ALLOWED) + len(REFUSED) == len(FLOW) * len(OrderState)


@pytest.mark.parametrize(("transition", "state"), ALLOWED)
def test_a_transition_is_allowed_from_its_source_states(transition, state):
    order = order_meeting_every_rule(state, transition)
    move = getattr(order, transition)

    assert can_proceed(move)
    move()
    order.save()

    assert Order.objects.get(pk=order.pk).state == FLOW[transition][0]


@pytest.mark.parametrize(("transition", "state"), REFUSED)
def test_a_transition_is_refused_from_every_other_state(transition, state):
    order = order_meeting_every_rule(state, transition)
    move = getattr(order, transition)

    assert not can_proceed(move)
    with pytest.raises(TransitionNotAllowed):
        move()

    assert order.state == state
    assert Order.objects.get(pk=order.pk).state == state
    assert not StateLog.objects.for_(order).exists()


# --- each step rule on its own ----------------------------------------------------------------


def allowed(order: Order, transition: str) -> bool:
    return can_proceed(getattr(order, transition))


def refused_and_unchanged(order: Order, transition: str) -> bool:
    """The transition is refused by can_proceed and by calling it, and the state stays put."""
    before = order.state
    if can_proceed(getattr(order, transition)):
        return False
    with pytest.raises(TransitionNotAllowed):
        getattr(order, transition)()
    return order.state == before


def test_to_address_is_refused_while_the_cart_has_no_line_items():
    order = OrderFactory()
    assert refused_and_unchanged(order, "to_address")

    LineItemFactory(order=order)
    order.to_address()
    assert order.state == S.ADDRESS


def test_to_address_from_a_later_step_is_refused_once_the_last_line_item_is_gone():
    order = OrderFactory(at_payment=True)
    order.line_items.all().delete()
    assert refused_and_unchanged(order, "to_address")
    order.to_cart()
    assert order.state == S.CART


def addressed_order(**kwargs) -> Order:
    """An order in the address step with line items and valid addresses, not yet shipped anywhere."""
    order = OrderFactory(at_address=True, **kwargs)
    order.bill_address = OrderAddressFactory()
    order.ship_address = OrderAddressFactory()
    order.save()
    return order


def test_to_delivery_is_allowed_with_line_items_and_valid_addresses():
    order = addressed_order()
    order.to_delivery()
    order.save()
    assert Order.objects.get(pk=order.pk).state == S.DELIVERY


def test_to_delivery_is_refused_without_line_items():
    order = addressed_order()
    order.line_items.all().delete()
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_without_a_bill_address():
    order = addressed_order()
    order.bill_address = None
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_without_a_ship_address_when_no_shipment_has_one():
    order = addressed_order()
    order.ship_address = None
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_when_the_bill_address_zip_code_does_not_match_the_country():
    order = addressed_order()
    order.bill_address = OrderAddressFactory(zip_code="1234")
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_when_the_zip_code_does_not_match_the_country():
    order = addressed_order()
    order.ship_address = OrderAddressFactory(zip_code="1011")  # Germany: five digits
    assert refused_and_unchanged(order, "to_delivery")


@pytest.mark.parametrize("zip_code", ["", "   ", "101155", "1O115", "10115x"])
def test_to_delivery_is_refused_for_a_zip_code_missing_or_malformed_where_the_country_requires_one(zip_code):
    order = addressed_order()
    order.ship_address = OrderAddressFactory(zip_code=zip_code)
    assert refused_and_unchanged(order, "to_delivery")


def test_a_zip_code_is_checked_against_the_country_of_its_address():
    order = addressed_order()
    order.ship_address = OrderAddressFactory(country=CountryFactory(austria=True), zip_code="10115")
    assert refused_and_unchanged(order, "to_delivery")

    order.ship_address = OrderAddressFactory(country=Country.objects.get(iso2_code="AT"), zip_code="1010")
    assert allowed(order, "to_delivery")


def test_to_delivery_accepts_an_address_without_zip_code_in_a_country_without_postal_codes():
    order = addressed_order()
    order.ship_address = OrderAddressFactory(country=CountryFactory(without_postal_codes=True), zip_code="")
    assert allowed(order, "to_delivery")


def test_to_delivery_checks_each_shipment_address_rather_than_the_order_ship_address():
    order = addressed_order()
    order.ship_address = OrderAddressFactory(zip_code="bad")
    shipment = ShipmentFactory(order=order, address=OrderAddressFactory(zip_code="10115"))
    assert allowed(order, "to_delivery")

    ShipmentFactory(order=order, address=OrderAddressFactory(zip_code="999"))
    assert refused_and_unchanged(order, "to_delivery")

    Shipment.objects.exclude(pk=shipment.pk).delete()
    assert allowed(order, "to_delivery")


def test_a_shipment_without_its_own_address_goes_to_the_order_ship_address():
    order = addressed_order()
    ShipmentFactory(order=order, address=None)
    order.ship_address = OrderAddressFactory(zip_code="999")
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_when_the_country_requires_a_region_and_the_address_has_none():
    order = addressed_order()
    order.ship_address = OrderAddressFactory(country=CountryFactory(us=True), zip_code="94107", region=None)
    assert refused_and_unchanged(order, "to_delivery")


def test_to_delivery_is_refused_when_the_address_region_belongs_to_another_country():
    order = addressed_order()
    texas = RegionFactory(country=CountryFactory(us=True), iso2_code="TX", name="Texas")
    order.ship_address = OrderAddressFactory(region=texas)  # a German address
    assert refused_and_unchanged(order, "to_delivery")


def test_to_payment_is_refused_while_a_shipment_has_no_method():
    order = OrderFactory(at_delivery=True)  # rates offered, none selected
    assert refused_and_unchanged(order, "to_payment")

    Shipment.objects.filter(order=order).update(method=ShipmentMethodFactory())
    order.to_payment()
    assert order.state == S.PAYMENT


def test_to_payment_is_refused_while_one_of_two_shipments_has_no_method():
    order = OrderFactory(state=S.DELIVERY, contents="payment")
    ShipmentFactory(order=order, method=None)
    assert refused_and_unchanged(order, "to_payment")


def test_to_payment_is_refused_while_a_line_item_is_in_no_shipment():
    order = OrderFactory(state=S.DELIVERY, contents="payment")
    assert allowed(order, "to_payment")

    LineItemFactory(order=order, shipment=None)
    assert refused_and_unchanged(order, "to_payment")


def test_to_payment_is_refused_without_any_shipment():
    order = OrderFactory(state=S.DELIVERY, contents="payment")
    order.line_items.update(shipment=None)
    Shipment.objects.filter(order=order).delete()
    assert refused_and_unchanged(order, "to_payment")


def test_to_payment_still_checks_the_addresses():
    order = OrderFactory(state=S.DELIVERY, contents="payment")
    order.bill_address = OrderAddressFactory(zip_code="1")
    assert refused_and_unchanged(order, "to_payment")


def test_to_payment_from_address_skips_delivery_when_every_shipment_has_its_method():
    order = OrderFactory(state=S.ADDRESS, contents="payment")
    order.to_payment()
    order.save()
    assert Order.objects.get(pk=order.pk).state == S.PAYMENT


def test_to_confirm_is_refused_while_payments_do_not_cover_the_grand_total():
    order = OrderFactory(at_payment=True)
    PaymentFactory(order=order, amount=order.grand_total - 1)
    assert refused_and_unchanged(order, "to_confirm")

    PaymentFactory(order=order, amount=1)  # two payments together cover it
    order.to_confirm()
    assert order.state == S.CONFIRM


def test_to_confirm_is_refused_without_any_payment_for_a_total_above_zero():
    order = OrderFactory(at_payment=True)
    assert order.grand_total > 0
    assert refused_and_unchanged(order, "to_confirm")


def test_to_confirm_skips_payment_for_a_zero_total_without_any_payment():
    order = OrderFactory(at_payment=True, discount_total=5500)
    order.grand_total = 0
    order.to_confirm()
    order.save()
    assert Order.objects.get(pk=order.pk).state == S.CONFIRM


def test_to_confirm_from_delivery_skips_the_payment_step_for_a_zero_total():
    order = OrderFactory(state=S.DELIVERY, contents="payment", discount_total=5500)
    order.grand_total = 0
    order.to_confirm()
    assert order.state == S.CONFIRM


@pytest.mark.parametrize("payment_state", [PaymentState.FAILED, PaymentState.VOID, PaymentState.INVALID,
                                           PaymentState.REFUNDED])
def test_to_confirm_does_not_count_payments_that_are_dead(payment_state):
    order = OrderFactory(at_payment=True)
    PaymentFactory(order=order, state=payment_state)
    assert refused_and_unchanged(order, "to_confirm")


@pytest.mark.parametrize("payment_state", [PaymentState.CHECKOUT, PaymentState.PROCESSING, PaymentState.PENDING,
                                           PaymentState.COMPLETED])
def test_to_confirm_counts_payments_that_are_alive(payment_state):
    order = OrderFactory(at_payment=True)
    PaymentFactory(order=order, state=payment_state)
    assert allowed(order, "to_confirm")


def test_to_confirm_from_address_takes_addresses_and_payment_in_one_go():
    order = OrderFactory(state=S.ADDRESS, contents="confirm")
    order.to_confirm()
    order.save()
    assert Order.objects.get(pk=order.pk).state == S.CONFIRM


def test_to_confirm_from_address_is_refused_while_a_shipment_has_no_method():
    order = OrderFactory(state=S.ADDRESS, contents="confirm")
    Shipment.objects.filter(order=order).update(method=None)
    assert refused_and_unchanged(order, "to_confirm")


def test_complete_is_refused_until_stock_is_reserved():
    order = OrderFactory(at_confirm=True)
    assert order.stock_reserved_at is None
    assert refused_and_unchanged(order, "complete")

    order.stock_reserved_at = timezone.now()
    order.complete()
    assert order.state == S.COMPLETE


def test_complete_is_refused_when_the_payment_failed_after_confirm():
    order = OrderFactory(at_confirm=True, stock_reserved_at=timezone.now())
    order.payments.all().delete()
    PaymentFactory(order=order, state=PaymentState.FAILED)
    assert refused_and_unchanged(order, "complete")


def test_cancel_is_refused_once_a_shipment_is_shipped():
    order = OrderFactory(at_complete=True)
    assert allowed(order, "cancel")

    ShipmentFactory(order=order, shipped=True)  # one of two shipments shipped
    assert refused_and_unchanged(order, "cancel")


def test_cancel_is_allowed_with_shipments_pending_ready_or_already_canceled():
    order = OrderFactory(at_complete=True)
    ShipmentFactory(order=order, state=ShipmentState.PENDING)
    ShipmentFactory(order=order, state=ShipmentState.CANCELED)
    order.cancel()
    assert order.state == S.CANCELED


def test_authorize_return_needs_a_shipped_shipment():
    order = OrderFactory(at_complete=True)  # its shipment is ready, not shipped
    assert refused_and_unchanged(order, "authorize_return")

    ShipmentFactory(order=order, shipped=True)
    order.authorize_return()
    assert order.state == S.AWAITING_RETURN


def test_resume_clears_the_cancellation_time():
    # Stock is taken again by the service before it resumes (tests/checkout/test_order_services.py).
    order = OrderFactory(at_canceled=True)
    order.resume()
    order.save()
    order = Order.objects.get(pk=order.pk)
    assert (order.state, order.canceled_at) == (S.COMPLETE, None)


# --- payment_state and shipment_state -------------------------------------------------------

PAYMENT_STATE_MOVES = {
    "mark_balance_due": (P.BALANCE_DUE, {None, P.PAID, P.FAILED, P.CREDIT_OWED, P.VOID}),
    "mark_paid": (P.PAID, {None, P.BALANCE_DUE, P.FAILED, P.CREDIT_OWED}),
    "mark_credit_owed": (P.CREDIT_OWED, {None, P.BALANCE_DUE, P.PAID, P.VOID}),
    "mark_payment_failed": (P.FAILED, {None, P.BALANCE_DUE}),
    "mark_payment_void": (P.VOID, {None, P.BALANCE_DUE, P.FAILED, P.CREDIT_OWED, P.PAID}),
}
SHIPMENT_STATE_MOVES = {
    "mark_shipments_pending": (SH.PENDING, {None, SH.READY, SH.BACKORDER, SH.CANCELED}),
    "mark_shipments_ready": (SH.READY, {None, SH.PENDING, SH.BACKORDER}),
    "mark_backordered": (SH.BACKORDER, {None, SH.PENDING, SH.READY}),
    "mark_partially_shipped": (SH.PARTIAL, {SH.PENDING, SH.READY, SH.BACKORDER}),
    "mark_shipped": (SH.SHIPPED, {SH.READY, SH.PARTIAL}),
    "mark_shipments_canceled": (SH.CANCELED, {None, SH.PENDING, SH.READY, SH.BACKORDER}),
}


def summary_cases(moves: dict, values) -> list:
    """Every (transition, starting value) pair, and whether the transition may start there."""
    return [
        pytest.param(name, value, value in sources,
                     id=f"{name}-from-{value}-{'allowed' if value in sources else 'refused'}")
        for name, (_, sources) in moves.items() for value in [None, *values]
    ]


@pytest.mark.parametrize(("transition", "value", "is_allowed"),
                         summary_cases(PAYMENT_STATE_MOVES, OrderPaymentState))
def test_payment_state_moves_only_along_its_edges(transition, value, is_allowed):
    order = OrderFactory(at_complete=True, payment_state=value)
    move = getattr(order, transition)
    assert can_proceed(move) is is_allowed
    if is_allowed:
        move()
        order.save()
        assert Order.objects.get(pk=order.pk).payment_state == PAYMENT_STATE_MOVES[transition][0]
    else:
        with pytest.raises(TransitionNotAllowed):
            move()
        assert Order.objects.get(pk=order.pk).payment_state == value
    assert order.state == S.COMPLETE  # the checkout state is a machine of its own


@pytest.mark.parametrize(("transition", "value", "is_allowed"),
                         summary_cases(SHIPMENT_STATE_MOVES, OrderShipmentState))
def test_shipment_state_moves_only_along_its_edges(transition, value, is_allowed):
    order = OrderFactory(at_complete=True, shipment_state=value)
    move = getattr(order, transition)
    assert can_proceed(move) is is_allowed
    if is_allowed:
        move()
        order.save()
        assert Order.objects.get(pk=order.pk).shipment_state == SHIPMENT_STATE_MOVES[transition][0]
    else:
        with pytest.raises(TransitionNotAllowed):
            move()
        assert Order.objects.get(pk=order.pk).shipment_state == value
    assert order.state == S.COMPLETE


def test_the_summary_tables_name_every_summary_transition():
    by_field = {}
    for name, member in vars(Order).items():
        if hasattr(member, "_django_fsm"):
            by_field.setdefault(member._django_fsm.field.name, set()).add(name)
    assert by_field["payment_state"] == set(PAYMENT_STATE_MOVES)
    assert by_field["shipment_state"] == set(SHIPMENT_STATE_MOVES)


# --- every transition is recorded -------------------------------------------------------------


def every_transition_from_one_of_its_sources() -> list:
    """Each transition of the three machines with one state it may start from (the first one
    listed; None for a summary machine means "not yet summarised")."""
    cases = []
    for field, moves in (("state", FLOW), ("payment_state", PAYMENT_STATE_MOVES),
                         ("shipment_state", SHIPMENT_STATE_MOVES)):
        for name, (target, sources) in moves.items():
            source = sorted(sources, key=lambda v: (v is not None, v or ""))[-1]
            cases.append(pytest.param(field, name, source, target, id=name))
    return cases


@pytest.mark.parametrize(("field", "transition", "source", "target"), every_transition_from_one_of_its_sources())
def test_every_transition_made_by_a_user_is_recorded_with_who_when_from_and_to(field, transition, source, target):
    if field == "state":
        order = order_meeting_every_rule(source, transition)
    else:
        order = OrderFactory(at_complete=True, **{field: source})
    user = UserFactory(staff=True)
    before = timezone.now()

    getattr(order, transition)(by=user)
    order.save()

    assert getattr(Order.objects.get(pk=order.pk), field) == target
    log = StateLog.objects.get(content_type=ContentType.objects.get_for_model(Order), object_id=order.pk)
    assert (log.source_state, log.state, log.transition, log.by) == (source, target, transition, user)
    assert before <= log.timestamp <= timezone.now()


def test_a_transition_made_without_a_user_is_recorded_without_one():
    order = OrderFactory(at_address=True, contents="payment")
    order.to_payment()
    order.save()
    log = StateLog.objects.for_(order).get()
    assert (log.transition, log.source_state, log.state, log.by) == ("to_payment", S.ADDRESS, S.PAYMENT, None)


def test_each_step_of_a_checkout_is_recorded_in_order():
    order = OrderFactory(state=S.CART, contents="complete", stock_reserved_at=timezone.now())
    user = UserFactory()
    for move in ("to_address", "to_delivery", "to_payment", "to_confirm", "complete"):
        getattr(order, move)(by=user)
        order.save()
    logs = StateLog.objects.for_(order).order_by("timestamp", "pk")
    assert [(log.source_state, log.state) for log in logs] == [
        (S.CART, S.ADDRESS), (S.ADDRESS, S.DELIVERY), (S.DELIVERY, S.PAYMENT), (S.PAYMENT, S.CONFIRM),
        (S.CONFIRM, S.COMPLETE),
    ]
    assert {log.by for log in logs} == {user}


def test_a_refused_transition_is_not_recorded():
    order = OrderFactory()
    with pytest.raises(TransitionNotAllowed):
        order.to_address(by=UserFactory())
    assert StateLog.objects.count() == 0


# --- state fields are protected ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("state", S.COMPLETE), ("payment_state", P.PAID), ("shipment_state", SH.SHIPPED)],
)
def test_an_order_state_field_cannot_be_assigned(field, value):
    order = Order.objects.get(pk=OrderFactory().pk)
    before = getattr(order, field)
    with pytest.raises(AttributeError, match=f"Direct {field} modification is not allowed"):
        setattr(order, field, value)
    assert getattr(order, field) == before
    order.save()
    assert getattr(Order.objects.get(pk=order.pk), field) == before


@pytest.mark.parametrize("make", [OrderFactory, ShipmentFactory, PaymentFactory], ids=lambda f: f.__name__)
def test_full_clean_validates_a_model_with_protected_state_fields(make):
    make().full_clean()


def test_refresh_from_db_still_loads_a_protected_state():
    order = OrderFactory()
    copy = Order.objects.get(pk=order.pk)
    LineItemFactory(order=order)
    order.to_address()
    order.save()

    copy.refresh_from_db()
    assert copy.state == S.ADDRESS


def test_a_stale_copy_cannot_save_a_transition_over_a_newer_state():
    order = OrderFactory(at_address=True, contents="payment")
    stale = Order.objects.get(pk=order.pk)

    order.to_payment()
    order.save()
    stale.to_delivery()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Order.objects.get(pk=order.pk).state == S.PAYMENT


def test_a_stale_copy_cannot_save_other_fields_over_a_newer_state():
    order = OrderFactory(at_complete=True)
    stale = Order.objects.get(pk=order.pk)

    order.cancel()
    order.save()
    stale.special_instructions = "Leave at the door"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.state, fresh.special_instructions) == (S.CANCELED, "")


def test_a_stale_copy_cannot_save_over_a_newer_payment_state():
    order = OrderFactory(at_complete=True, payment_state=P.PAID)
    stale = Order.objects.get(pk=order.pk)

    order.mark_credit_owed()
    order.save()
    stale.mark_payment_void()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Order.objects.get(pk=order.pk).payment_state == P.CREDIT_OWED


def test_a_stale_save_inside_a_transaction_leaves_no_state_log():
    order = OrderFactory(at_complete=True)
    stale = Order.objects.get(pk=order.pk)
    order.cancel()
    order.save()

    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.cancel()
        stale.save()

    assert [log.transition for log in StateLog.objects.for_(order)] == ["cancel"]


def test_a_copy_refreshed_after_the_change_saves_normally():
    order = OrderFactory(at_address=True, contents="payment")
    other = Order.objects.get(pk=order.pk)
    order.to_payment()
    order.save()

    other.refresh_from_db()
    other.to_delivery()
    other.save()
    assert Order.objects.get(pk=order.pk).state == S.DELIVERY
