"""Canceling orders the shop gave up waiting for (``manage.py cancel_stale_orders``).

Stale are:
- orders stuck at ``confirm`` (the last checkout step) for longer than the age given, and
- placed orders still waiting for an external payment (a redirect payment never confirmed,
  nothing captured) that long after they were placed.
Canceling them is staff's cancel done by the system: unshipped shipments canceled, held stock
given back, payments not captured voided (an authorisation at its provider, once the cancel has
committed), an ``order.canceled`` event. Orders in earlier checkout steps are shoppers' open
carts (Spree) and cannot be canceled; reconcile_checkouts reports them.

Each order is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` and re-checked under the lock (it
may have been paid a moment ago), so several machines may run this at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_fsm import can_proceed

from checkout.models import Order, OrderPaymentState, OrderState
from checkout.services import _unwind, order_update_states, payments_void_at_provider
from payments.models import Payment, PaymentPlugin, PaymentState

AWAITED = (PaymentState.CHECKOUT, PaymentState.PROCESSING)


def stale(cutoff: datetime) -> Q:
    awaiting_redirect = Exists(Payment.objects.filter(order=OuterRef("pk"), state__in=AWAITED,
                                                      method__plugin=PaymentPlugin.EXTERNAL_REDIRECT))
    stuck_at_confirm = Q(state=OrderState.CONFIRM, updated_at__lt=cutoff)
    unpaid = Q(state=OrderState.COMPLETE, payment_state=OrderPaymentState.BALANCE_DUE, payment_total=0,
               completed_at__lt=cutoff) & Q(awaiting_redirect)
    return stuck_at_confirm | unpaid


def orders_stale(*, cutoff: datetime):
    return Order.objects.filter(stale(cutoff)).order_by("pk")


def order_cancel_stale(*, order_id: int, cutoff: datetime) -> Order | None:
    """Cancel the order if it is still stale; None when it is not (any more) or another run holds it.

    The canceled order is returned even when voiding a payment at its provider failed afterwards: the
    cancel stands, the payment keeps its mark and reconcile_checkouts reports it (the failure is logged)."""
    with transaction.atomic(durable=True):
        order = (Order.objects.select_for_update(skip_locked=True, of=("self",))
                 .filter(stale(cutoff), pk=order_id).first())
        if order is None or not can_proceed(order.cancel):
            return None
        order.cancel()
        voiding = _unwind(order, by=None)
        order_update_states(order=order)
        order.save()
    payments_void_at_provider(order=order, payments=voiding, by=None)
    return order
