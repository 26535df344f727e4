"""A payment's state machine (payments/models.py), after Spree's."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm
from django_fsm_log.models import StateLog

from payments.models import Payment, PaymentState
from tests.factories import PaymentFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

PS = PaymentState

# Where each transition goes and the only states it may start from.
MOVES = {
    "started_processing": (PS.PROCESSING, {PS.CHECKOUT, PS.PENDING}),
    "authorize": (PS.PENDING, {PS.CHECKOUT, PS.PROCESSING}),
    "capture": (PS.COMPLETED, {PS.CHECKOUT, PS.PROCESSING, PS.PENDING}),
    "confirm": (PS.COMPLETED, {PS.CHECKOUT, PS.PROCESSING, PS.PENDING, PS.VOID}),
    "failure": (PS.FAILED, {PS.CHECKOUT, PS.PROCESSING, PS.PENDING}),
    "void": (PS.VOID, {PS.CHECKOUT, PS.PROCESSING, PS.PENDING}),
    "invalidate": (PS.INVALID, {PS.CHECKOUT}),
    "refund": (PS.REFUNDED, {PS.COMPLETED}),
}
CASES = [
    pytest.param(name, state, state in sources,
                 id=f"{name}-from-{state}-{'allowed' if state in sources else 'refused'}")
    for name, (_, sources) in MOVES.items() for state in PaymentState
]


def test_the_table_names_every_payment_transition():
    assert {name for name, member in vars(Payment).items() if hasattr(member, "_django_fsm")} == set(MOVES)


@pytest.mark.parametrize(("transition", "state", "is_allowed"), CASES)
def test_a_payment_transition_is_allowed_only_from_its_source_states(transition, state, is_allowed):
    # Captured and fully refunded, so refund's condition holds wherever its source does.
    payment = PaymentFactory(state=state, amount=1000, captured_amount=1000, refunded_amount=1000)
    move = getattr(payment, transition)

    assert can_proceed(move) is is_allowed
    if is_allowed:
        move()
        payment.save()
        assert Payment.objects.get(pk=payment.pk).state == MOVES[transition][0]
    else:
        with pytest.raises(TransitionNotAllowed):
            move()
        assert Payment.objects.get(pk=payment.pk).state == state


@pytest.mark.parametrize("source", [PS.CHECKOUT, PS.PROCESSING, PS.PENDING])
def test_capture_captures_the_whole_amount(source):
    payment = PaymentFactory(state=source, amount=5500)
    assert payment.captured_amount == 0

    payment.capture()
    payment.save()

    payment = Payment.objects.get(pk=payment.pk)
    assert (payment.state, payment.captured_amount, payment.refunded_amount) == (PS.COMPLETED, 5500, 0)


def test_a_refused_capture_captures_nothing():
    payment = PaymentFactory(state=PS.FAILED, amount=5500)
    with pytest.raises(TransitionNotAllowed):
        payment.capture()
    assert payment.captured_amount == 0


@pytest.mark.parametrize("refunded", [0, 1, 4999])
def test_refund_is_refused_until_the_captured_amount_is_fully_refunded(refunded):
    payment = PaymentFactory(captured=True, amount=5000, refunded_amount=refunded)
    assert not can_proceed(payment.refund)
    with pytest.raises(TransitionNotAllowed):
        payment.refund()
    assert Payment.objects.get(pk=payment.pk).state == PS.COMPLETED


def test_refund_is_allowed_once_the_captured_amount_is_fully_refunded():
    payment = PaymentFactory(captured=True, amount=5000, refunded_amount=5000)
    payment.refund()
    payment.save()
    assert Payment.objects.get(pk=payment.pk).state == PS.REFUNDED


@pytest.mark.parametrize(
    ("transition", "permission"),
    [("capture", "payments.capture_payment"), ("void", "payments.void_payment"), ("refund", "payments.refund_payment")],
)
def test_money_moving_transitions_need_their_permission(transition, permission):
    payment = PaymentFactory(
        **({"captured": True, "refunded_amount": 1000, "amount": 1000} if transition == "refund" else {})
    )
    move = getattr(payment, transition)
    assert can_proceed(move)
    assert not has_transition_perm(move, staff_user())
    assert not has_transition_perm(move, staff_user(permission))  # acting on an order needs change_order too
    assert has_transition_perm(move, staff_user("checkout.change_order", permission))


@pytest.mark.parametrize("transition", list(MOVES))
def test_every_payment_transition_made_by_a_user_is_recorded(transition):
    target, sources = MOVES[transition]
    source = sorted(sources)[0]
    payment = PaymentFactory(state=source, amount=1000, captured_amount=1000, refunded_amount=1000)
    user = UserFactory(staff=True)
    getattr(payment, transition)(by=user)
    payment.save()
    log = StateLog.objects.for_(payment).get()
    assert (log.source_state, log.state, log.transition, log.by) == (source, target, transition, user)
    assert log.timestamp is not None


def test_a_payment_state_cannot_be_assigned():
    payment = Payment.objects.get(pk=PaymentFactory().pk)
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        payment.state = PS.COMPLETED
    payment.save()
    assert Payment.objects.get(pk=payment.pk).state == PS.CHECKOUT


def test_a_stale_payment_cannot_be_saved_over_a_newer_state():
    payment = PaymentFactory(authorized=True)
    stale = Payment.objects.get(pk=payment.pk)
    payment.capture()
    payment.save()

    stale.void()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    fresh = Payment.objects.get(pk=payment.pk)
    assert (fresh.state, fresh.captured_amount) == (PS.COMPLETED, fresh.amount)
