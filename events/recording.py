"""Writing order events into the outbox, in the transaction of the change they report.

The order's state machines say what happened; the save says it was kept:

- a ``post_transition`` receiver notes the event on the order in memory (no I/O: the
  transition has not been saved yet and may still be refused or rolled back);
- a ``post_save`` receiver writes the noted events when the order row is saved, on the
  saving connection, so they commit or roll back with the change. Every service saves
  orders inside ``transaction.atomic()``; ConcurrentTransitionMixin refuses the save of a
  stale order before this runs, so a lost race writes no event.

Only the outbox row is written here (no business rule, no outside call); what a placed order
sends — the confirmation e-mail — is scheduled with ``transaction.on_commit`` and so never
goes out for a placement that rolls back. A database constraint keeps one ``order.placed``
and one ``order.shipped`` per order whatever retries or races do.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from core.request_log import request_log_note_order
from events.models import OrderEvent, OrderEventType

_PENDING = "_order_events_pending"
_PLACED_PARTS = "_order_parts_written"  # placement's rows, for the confirmation e-mail


def event_type_for(*, field: str, name: str, target) -> str | None:
    """Which event a transition of an order is, if any."""
    if field == "state" and name == "complete":  # resume also returns to complete: not a placement
        return OrderEventType.PLACED
    if field == "state" and target == OrderState.CANCELED:
        return OrderEventType.CANCELED
    if field == "payment_state" and target == OrderPaymentState.PAID:
        return OrderEventType.PAID
    if field == "shipment_state" and target == OrderShipmentState.SHIPPED:
        return OrderEventType.SHIPPED
    return None


@receiver(post_transition, sender=Order, dispatch_uid="events.note_order_event")
def _note(sender, instance: Order, name: str, field, target, **kwargs) -> None:
    if kwargs.get("exception") is not None:
        return
    kind = event_type_for(field=field.name, name=name, target=target)
    if kind is not None:
        instance.__dict__.setdefault(_PENDING, []).append((kind, field.attname))


@receiver(post_save, sender=Order, dispatch_uid="events.write_order_events")
def _write(sender, instance: Order, using: str, **kwargs) -> None:
    pending = instance.__dict__.pop(_PENDING, None)
    if pending and (kinds := _saved_changes(instance, pending)):
        order_events_record(order=instance, types=kinds, using=using)


def _saved_changes(instance: Order, pending: list[tuple[str, str]]) -> list[str]:
    """The noted events whose state this save really changed, each once.

    ConcurrentTransitionMixin keeps the states as last read or saved, and updates them only
    after post_save: a state that went there and back before the save, or a transition noted
    before a refused save and a refresh_from_db, changed nothing and writes no event.
    """
    before = getattr(instance, "_ConcurrentTransitionMixin__initial_states", None)
    changed = [kind for kind, attname in pending if before is None or before.get(attname) != getattr(instance, attname)]
    return list(dict.fromkeys(changed))


def order_parts_written(order: Order, *, line_items: list, shipments: list) -> None:
    """Placement hands over the rows it just wrote (shipments with address, country and method
    loaded), so that the confirmation e-mail after the commit need not read them again."""
    order.__dict__[_PLACED_PARTS] = (line_items, shipments)


def order_payload(order: Order) -> dict:
    """What a webhook receiver learns about the order: identifiers, states, totals (minor units)."""
    return {
        "id": str(order.uuid), "number": order.number, "reference": order.reference,
        "order_number": order.order_number, "external_ref": order.external_ref, "email": order.email,
        "state": order.state, "payment_state": order.payment_state, "shipment_state": order.shipment_state,
        "currency": order.currency, "item_total": order.item_total, "discount_total": order.discount_total,
        "expense_total": order.expense_total, "tax_total": order.tax_total, "grand_total": order.grand_total,
        "payment_total": order.payment_total,
        "completed_at": order.completed_at.isoformat() if order.completed_at else None,
        "canceled_at": order.canceled_at.isoformat() if order.canceled_at else None,
    }


def order_events_record(*, order: Order, types: list[str], using: str = "default") -> list[OrderEvent]:
    """Write the events of an order change; call it inside the transaction that saves the change.

    One INSERT. Schedules the confirmation e-mail of a placed order for after the commit.
    """
    payload = order_payload(order)
    events = OrderEvent.objects.using(using).bulk_create(
        [OrderEvent(order=order, type=kind, payload=payload) for kind in types])
    if OrderEventType.PLACED in types:
        from events.emails import order_confirmation_send

        order_id = order.pk
        placed = order.__dict__.get(_PLACED_PARTS)

        def order_confirmation_send_after_commit():  # a named function: Django logs a failure by its name
            order_confirmation_send(order_id=order_id, placed=(order, *placed) if placed else None)

        transaction.on_commit(order_confirmation_send_after_commit, using=using, robust=True)
    return events


@receiver(post_save, sender=Order, dispatch_uid="events.note_order_for_request_log")
def _note_for_request_log(sender, instance: Order, **kwargs) -> None:
    """The request that saved an order is about it: its log line names the order (core.request_log)."""
    request_log_note_order(instance.reference or instance.number)
