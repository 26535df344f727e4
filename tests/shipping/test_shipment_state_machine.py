"""A shipment's state machine (shipping/models.py): pending → ready → shipped, canceled and back."""

import pytest
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm
from django_fsm_log.models import StateLog

from shipping.models import Shipment, ShipmentState
from tests.factories import ShipmentFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

SS = ShipmentState

# Where each transition goes and the only states it may start from.
MOVES = {
    "ready": (SS.READY, {SS.PENDING}),
    "pend": (SS.PENDING, {SS.READY}),
    "ship": (SS.SHIPPED, {SS.READY}),
    "cancel": (SS.CANCELED, {SS.PENDING, SS.READY}),
    "resume": (SS.PENDING, {SS.CANCELED}),
}
CASES = [
    pytest.param(name, state, state in sources,
                 id=f"{name}-from-{state}-{'allowed' if state in sources else 'refused'}")
    for name, (_, sources) in MOVES.items() for state in ShipmentState
]


def test_the_table_names_every_shipment_transition():
    assert {name for name, member in vars(Shipment).items() if hasattr(member, "_django_fsm")} == set(MOVES)


@pytest.mark.parametrize(("transition", "state", "is_allowed"), CASES)
def test_a_shipment_transition_is_allowed_only_from_its_source_states(transition, state, is_allowed):
    shipment = ShipmentFactory(state=state)  # with a method, so no condition stands in the way
    move = getattr(shipment, transition)

    assert can_proceed(move) is is_allowed
    if is_allowed:
        move()
        shipment.save()
        assert Shipment.objects.get(pk=shipment.pk).state == MOVES[transition][0]
    else:
        with pytest.raises(TransitionNotAllowed):
            move()
        assert Shipment.objects.get(pk=shipment.pk).state == state


@pytest.mark.parametrize("transition", ["ready", "ship"])
def test_a_shipment_without_a_method_cannot_get_ready_or_ship(transition):
    shipment = ShipmentFactory(method=None, state=SS.PENDING if transition == "ready" else SS.READY)
    move = getattr(shipment, transition)
    assert not can_proceed(move)
    with pytest.raises(TransitionNotAllowed):
        move()
    assert Shipment.objects.get(pk=shipment.pk).state == shipment.state


def test_shipping_sets_the_tracking_number_and_the_shipping_time():
    shipment = ShipmentFactory(state=SS.READY)
    before = timezone.now()

    shipment.ship(tracking="1Z999AA10123456784")
    shipment.save()

    shipment = Shipment.objects.get(pk=shipment.pk)
    assert (shipment.state, shipment.tracking) == (SS.SHIPPED, "1Z999AA10123456784")
    assert before <= shipment.shipped_at <= timezone.now()


def test_shipping_without_a_tracking_number_keeps_the_one_already_known():
    shipment = ShipmentFactory(state=SS.READY, tracking="KNOWN-1")
    shipment.ship()
    shipment.save()
    shipment = Shipment.objects.get(pk=shipment.pk)
    assert shipment.tracking == "KNOWN-1"
    assert shipment.shipped_at is not None


def test_a_refused_ship_sets_neither_tracking_nor_shipping_time():
    shipment = ShipmentFactory(state=SS.PENDING)
    with pytest.raises(TransitionNotAllowed):
        shipment.ship(tracking="1Z")
    assert (shipment.tracking, shipment.shipped_at) == ("", None)


def test_shipping_needs_the_ship_permission():
    shipment = ShipmentFactory(state=SS.READY)
    assert not has_transition_perm(shipment.ship, staff_user())
    assert not has_transition_perm(shipment.ship, staff_user("shipping.ship_shipment"))
    assert has_transition_perm(shipment.ship, staff_user("checkout.change_order", "shipping.ship_shipment"))
    assert has_transition_perm(shipment.ship, UserFactory(superuser=True))


@pytest.mark.parametrize("transition", list(MOVES))
def test_every_shipment_transition_made_by_a_user_is_recorded(transition):
    target, sources = MOVES[transition]
    source = sorted(sources)[0]
    shipment = ShipmentFactory(state=source)
    user = UserFactory(staff=True)
    getattr(shipment, transition)(by=user)
    shipment.save()
    log = StateLog.objects.for_(shipment).get()
    assert (log.source_state, log.state, log.transition, log.by) == (source, target, transition, user)
    assert log.timestamp is not None


def test_a_shipment_state_cannot_be_assigned():
    shipment = Shipment.objects.get(pk=ShipmentFactory().pk)
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        shipment.state = SS.SHIPPED
    shipment.save()
    assert Shipment.objects.get(pk=shipment.pk).state == SS.PENDING


def test_a_stale_shipment_cannot_be_saved_over_a_newer_state():
    shipment = ShipmentFactory(state=SS.READY)
    stale = Shipment.objects.get(pk=shipment.pk)
    shipment.ship(tracking="1Z")
    shipment.save()

    stale.cancel()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Shipment.objects.get(pk=shipment.pk).state == SS.SHIPPED
