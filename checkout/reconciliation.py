"""Finding and repairing what a crash or a lost race can leave behind (``manage.py reconcile_checkouts``).

    payments without an order   provider calls journalled (PaymentAttempt) that hold money but
                                never became an order's payment → voided with the provider
    provider calls without an outcome
                                an order's payment still marked with a capture, refund or void
                                asked of its provider minutes ago (the process died during the
                                call or before recording it) → reported only: whether the money
                                moved is for staff to check with the provider
    money owed to customers     orders whose customer is owed money back (payment_state
                                credit_owed), e.g. a redirect payment the provider confirmed
                                after its order was canceled → reported only: refunding it or
                                resuming the order is for staff to decide, on the order page
    orders stuck in checkout    orders idle in a checkout step (cart … confirm); those holding
                                stock give it back (they are never deleted)
    reservations past their time
                                stock still held for canceled or returned orders → given back;
                                rental bookings whose rental has ended → closed
    stale checkout claims       claims of placements that crashed (older than the claim
                                timeout), which keep a cart from being checked out → removed,
                                unless the cart has money held that is not voided yet
    idempotency keys of requests that died
                                keys still "started" whose request's claim is no longer live
                                (the rule that takes over a stale claim), which answer every
                                retry with 409 → released, so that a retry is a new request

Every repair takes its rows with ``SELECT … FOR UPDATE SKIP LOCKED`` and re-checks them under
the lock, so several machines may run it at once and rows busy right now are left for the
next run. Nothing that holds an authorised payment is deleted; nothing is deleted but claims
and the keys of requests that died.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from checkout.idempotency import idempotency_keys_abandoned, idempotency_release
from checkout.models import CHECKOUT_STEPS, CheckoutClaim, Order, OrderState
from checkout.placement import CLAIM_TIMEOUT
from checkout.selectors import order_credit_owed, orders_owing_credit
from core.money import format_money
from payments.models import Payment, PaymentAttempt, PaymentAttemptStatus
from payments.services import HELD, PROVIDER_CALL_GRACE, payment_attempt_void
from shipping.models import RentalBooking, StockAllocation
from shipping.services import stock_release

logger = logging.getLogger(__name__)

# An attempt younger than this may belong to a placement still running (it holds its claim
# for at most CLAIM_TIMEOUT): leave it alone.
ATTEMPT_GRACE = timedelta(minutes=15)
UNPAID_ATTEMPT = (PaymentAttemptStatus.STARTED, *HELD)
RELEASED_STATES = (OrderState.CANCELED, OrderState.RETURNED)


@dataclass
class Finding:
    kind: str
    title: str
    found: list[str] = field(default_factory=list)
    fixed: int = 0
    failed: list[str] = field(default_factory=list)


def attempts_without_order(now: datetime):
    return PaymentAttempt.objects.filter(order__isnull=True, status__in=UNPAID_ATTEMPT,
                                         created_at__lt=now - ATTEMPT_GRACE).select_related("method")


def payments_with_provider_call_unfinished(now: datetime):
    return (Payment.objects.filter(provider_call_started_at__lt=now - PROVIDER_CALL_GRACE)
            .select_related("order", "method__provider"))


def orders_stuck_in_checkout(now: datetime, stuck_after: timedelta):
    return Order.objects.filter(state__in=CHECKOUT_STEPS, updated_at__lt=now - stuck_after)


def _holds_stock(prefix: str = "") -> Q:
    live = Q(**{f"{prefix}stock_allocations__released_at__isnull": True}) & Q(
        **{f"{prefix}stock_allocations__isnull": False})
    booked = Q(**{f"{prefix}rental_bookings__released_at__isnull": True}) & Q(
        **{f"{prefix}rental_bookings__isnull": False})
    return live | booked


def allocations_past_their_time():
    return StockAllocation.objects.filter(released_at__isnull=True, line_item__order__state__in=RELEASED_STATES)


def rentals_ended(now: datetime):
    return RentalBooking.objects.filter(released_at__isnull=True, ends_at__lt=now)


def stale_claims(now: datetime):
    held = PaymentAttempt.objects.filter(cart_uuid=OuterRef("cart_uuid"), order__isnull=True, status__in=UNPAID_ATTEMPT)
    return CheckoutClaim.objects.filter(claimed_at__lt=now - CLAIM_TIMEOUT).annotate(money_held=Exists(held))


def checkouts_reconcile(*, fix: bool = False, stuck_after: timedelta = timedelta(hours=24),
                        now: datetime | None = None,
                        progress: Callable[[str], None] | None = None) -> list[Finding]:
    now = now or timezone.now()
    say = progress or (lambda message: None)
    findings = [
        _payments_without_order(now, fix, say),
        _provider_calls_unfinished(now),
        _money_owed(),
        _orders_stuck(now, stuck_after, fix, say),
        _reservations(now, fix, say),
        _claims(now, fix, say),
        _keys_abandoned(now, fix, say),
    ]
    return findings


def _payments_without_order(now, fix, say) -> Finding:
    finding = Finding("payments_without_order", "Payments without an order")
    for attempt in attempts_without_order(now).order_by("pk"):
        finding.found.append(f"attempt {attempt.uuid}: {attempt} for cart {attempt.cart_uuid}, "
                             f"since {attempt.created_at:%Y-%m-%d %H:%M}")
        if not fix:
            continue
        try:
            # The journal row stays locked across the provider's void: a placement finishing late
            # cannot attach it meanwhile (it would then find it voided and roll back, voiding again).
            with transaction.atomic():
                locked = (PaymentAttempt.objects.select_for_update(skip_locked=True)
                          .filter(pk=attempt.pk, order__isnull=True, status__in=UNPAID_ATTEMPT).first())
                if locked is None:
                    continue
                payment_attempt_void(attempt=locked)
            finding.fixed += 1
            say(f"  voided payment attempt {attempt.uuid}")
        except Exception as error:  # noqa: BLE001 - reported, and the run goes on with the next one
            logger.exception("Voiding payment attempt %s failed", attempt.uuid)
            finding.failed.append(f"attempt {attempt.uuid}: {error}")
    return finding


def _provider_calls_unfinished(now) -> Finding:
    # Never repaired here: retrying could move money twice, clearing could lose money that moved.
    finding = Finding("provider_calls_unfinished", "Payment provider calls without a recorded outcome")
    for payment in payments_with_provider_call_unfinished(now).order_by("provider_call_started_at", "pk"):
        finding.found.append(
            f"payment {payment.uuid} of order {payment.order}: {payment.get_provider_call_display().lower()} of "
            f"{format_money(payment.amount, payment.currency)} asked of {payment.method} "
            f"(transaction {payment.transaction_id or '-'}) since {payment.provider_call_started_at:%Y-%m-%d %H:%M}, "
            f"payment still {payment.get_state_display().lower()}; check with the provider")
    return finding


def _money_owed() -> Finding:
    # Never repaired here: whether the customer gets the money back or the order is resumed is staff's call.
    finding = Finding("money_owed", "Money owed to customers")
    for order in orders_owing_credit().prefetch_related("payments__method__provider").order_by("pk"):
        taken_by = ", ".join(str(p.method) for p in order.payments.all() if p.captured_amount > p.refunded_amount)
        remedy = "refund it or resume the order" if order.state == OrderState.CANCELED else "refund it"
        finding.found.append(f"order {order} ({order.get_state_display().lower()}): "
                             f"{format_money(order_credit_owed(order), order.currency)} taken by {taken_by}, "
                             f"owed to the customer; {remedy}")
    return finding


def _orders_stuck(now, stuck_after, fix, say) -> Finding:
    finding = Finding("orders_stuck_in_checkout", f"Orders stuck in checkout for more than {stuck_after}")
    holding = Exists(Order.objects.filter(pk=OuterRef("pk")).filter(_holds_stock("line_items__")))
    for order in orders_stuck_in_checkout(now, stuck_after).annotate(holds_stock=holding).order_by("pk"):
        note = ", holds stock" if order.holds_stock else ""
        finding.found.append(f"order {order.number} in {order.state} since {order.updated_at:%Y-%m-%d %H:%M}{note}")
        if not (fix and order.holds_stock):
            continue
        with transaction.atomic():
            locked = (Order.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(pk=order.pk, state__in=CHECKOUT_STEPS).first())
            if locked is None:
                continue
            stock_release(line_item_ids=list(locked.line_items.values_list("pk", flat=True)))
            Order.objects.filter(pk=locked.pk).update(stock_reserved_at=None)
        finding.fixed += 1
        say(f"  gave back the stock held by order {order.number}")
    return finding


def _reservations(now, fix, say) -> Finding:
    finding = Finding("reservations_past_their_time", "Stock held past its time")
    for allocation in allocations_past_their_time().select_related("line_item__order", "stock_item__variant"):
        order = allocation.line_item.order
        finding.found.append(f"{allocation.quantity} × {allocation.stock_item.variant.sku} still held for "
                             f"{order.get_state_display().lower()} order {order}")
    for booking in rentals_ended(now).select_related("line_item__order", "stock_item__variant"):
        finding.found.append(f"rental of {booking.stock_item.variant.sku} for order {booking.line_item.order} "
                             f"ended {booking.ends_at:%Y-%m-%d}, booking still open")
    if not fix:
        return finding
    order_ids = sorted(set(allocations_past_their_time().values_list("line_item__order_id", flat=True)))
    for order_id in order_ids:
        with transaction.atomic():
            locked = (Order.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(pk=order_id, state__in=RELEASED_STATES).first())
            if locked is None:
                continue
            lines = list(locked.line_items.values_list("pk", flat=True))
            released = allocations_past_their_time().filter(line_item_id__in=lines).count()
            stock_release(line_item_ids=lines)
        finding.fixed += released
        say(f"  gave back the stock still held for order {locked}")
    with transaction.atomic():
        ended = list(rentals_ended(now).select_for_update(skip_locked=True).values_list("pk", flat=True))
        closed = RentalBooking.objects.filter(pk__in=ended, released_at__isnull=True).update(released_at=now)
    if closed:
        finding.fixed += closed
        say(f"  closed {closed} rental bookings whose rental has ended")
    return finding


def _claims(now, fix, say) -> Finding:
    finding = Finding("stale_checkout_claims", "Checkout claims of placements that did not finish")
    for claim in stale_claims(now).order_by("pk"):
        note = " (money held for it: left until its payment is voided)" if claim.money_held else ""
        finding.found.append(f"cart {claim.cart_uuid} claimed since {claim.claimed_at:%Y-%m-%d %H:%M}{note}")
    if not fix:
        return finding
    with transaction.atomic():
        ids = list(stale_claims(now).filter(money_held=False).select_for_update(skip_locked=True, of=("self",))
                   .values_list("pk", flat=True))
        # A claim taken over meanwhile has a new claimed_at: the cutoff keeps it.
        removed, _ = CheckoutClaim.objects.filter(pk__in=ids, claimed_at__lt=now - CLAIM_TIMEOUT).delete()
    if removed:
        finding.fixed += removed
        say(f"  removed {removed} stale checkout claims")
    return finding


def _keys_abandoned(now, fix, say) -> Finding:
    finding = Finding("idempotency_keys_abandoned", "Idempotency keys of requests that died")
    for record in idempotency_keys_abandoned(now=now).order_by("pk"):
        finding.found.append(f"key {record.key!r} of {record.scope} ({record.operation}) "
                             f"started {record.created_at:%Y-%m-%d %H:%M}")
    if not fix:
        return finding
    with transaction.atomic():
        ids = list(idempotency_keys_abandoned(now=now).select_for_update(skip_locked=True)
                   .values_list("pk", flat=True))
        released = idempotency_release(ids=ids, now=now)  # re-checked: one completed meanwhile stays
    if released:
        finding.fixed += released
        say(f"  released {released} idempotency keys of requests that died")
    return finding
