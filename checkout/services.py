"""Writes to orders. Each function is one transaction that row-locks what it changes."""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from checkout.exceptions import OrderTransitionForbidden, OrderTransitionNotAllowed
from checkout.models import Order
from checkout.selectors import order_get_for_update
from shipping.models import Shipment, ShipmentState

# What staff may do to a placed order, by transition name.
STAFF_TRANSITIONS = ("cancel", "resume", "authorize_return", "receive_return", "cancel_return")


def order_apply_staff_transition(*, order_id: int, transition: str, by) -> Order:
    """Apply a staff action (cancel, resume, returns) to an order, as ``by``.

    Raises OrderTransitionNotAllowed when the order's state or step rules refuse it and
    OrderTransitionForbidden when ``by`` lacks the transition's permission; nothing changes then.
    """
    if transition not in STAFF_TRANSITIONS:
        raise OrderTransitionNotAllowed(f"{transition!r} is not an order action.")
    with transaction.atomic():
        order = order_get_for_update(order_id=order_id)
        bound = getattr(order, transition)
        if not can_proceed(bound):
            raise OrderTransitionNotAllowed(
                f"Order {order} cannot {transition.replace('_', ' ')} while {order.get_state_display().lower()}.",
                meta={"state": order.state, "transition": transition},
            )
        if not has_transition_perm(bound, by):
            raise OrderTransitionForbidden(meta={"transition": transition})
        bound(by=by)
        _follow_with_shipments(order=order, transition=transition, by=by)
        order.save()
    return order


def _follow_with_shipments(*, order: Order, transition: str, by) -> None:
    """Canceling an order cancels its unshipped shipments; resuming brings them back."""
    if transition == "cancel":
        order.canceled_at = timezone.now()
        moves = {ShipmentState.PENDING: "cancel", ShipmentState.READY: "cancel"}
    elif transition == "resume":
        moves = {ShipmentState.CANCELED: "resume"}
    else:
        return
    shipments = Shipment.objects.select_for_update().filter(order=order).order_by("pk")
    for shipment in shipments:
        if move := moves.get(shipment.state):
            getattr(shipment, move)(by=by)
            shipment.save()
