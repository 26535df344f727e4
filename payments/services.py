"""Writes around payment provider calls. The provider is never called inside a transaction.

Placing an order pays before it commits the order, so every provider call is
journalled in a ``PaymentAttempt``: started (committed before the call), then
authorised / awaiting redirect / declined, then attached to the order inside the
order's transaction, or voided when the order could not be made. A crash between the
call and the order's commit leaves an attempt without an order, which reconciliation
finds and voids.

Capturing, refunding and voiding an order's payment later journal the call on the
payment itself (``Payment.provider_call``): see ``payment_call_start``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed
from django_fsm_log.helpers import FSMLogDescriptor
from django_fsm_log.models import StateLog

from core.errors import DomainError
from payments.exceptions import PaymentAttemptNotAttachable, PaymentTransactionNotAllowed
from payments.models import (
    Payment, PaymentAttempt, PaymentAttemptStatus, PaymentMethod, PaymentState, PaymentTransaction, ProviderCall,
    TransactionKind,
)
from payments.providers.base import AUTHORIZED, CAPTURED, REDIRECT, Authorization, PaymentRequest
from payments.providers.registry import plugin_for
from payments.selectors import payment_get_for_update

logger = logging.getLogger(__name__)

Status = PaymentAttemptStatus
# A provider that captures at once still leaves the attempt "authorized": money held, order to attach.
ATTEMPT_STATUS_FOR = {AUTHORIZED: Status.AUTHORIZED, CAPTURED: Status.AUTHORIZED, REDIRECT: Status.REDIRECT}
# Attempts whose money the provider may hold.
HELD = (Status.AUTHORIZED, Status.REDIRECT)


def payment_attempt_start(
    *, method: PaymentMethod, amount: int, currency: str, idempotency_key: str = "", cart_uuid: uuid.UUID | None = None
) -> PaymentAttempt:
    """Journal a provider call about to be made. Commits at once: call it outside any transaction."""
    with transaction.atomic(durable=True):
        attempt = PaymentAttempt.objects.create(
            method=method, amount=amount, currency=currency, idempotency_key=idempotency_key or "", cart_uuid=cart_uuid
        )
    logger.info("Payment attempt %s started: %s, %s %s", attempt.uuid, method.plugin, amount, currency)
    return attempt


def payment_attempt_authorize(*, attempt: PaymentAttempt, request: PaymentRequest) -> Authorization:
    """Call the provider for ``attempt`` and record the outcome.

    A refusal (PaymentDeclined, or data the plugin rejects) is recorded as ``declined``
    and re-raised. Any other failure leaves the attempt ``started`` for reconciliation.
    """
    journalled = (attempt.method_id, attempt.amount, attempt.currency)
    if (request.method.pk, request.amount, request.currency) != journalled:
        raise ValueError("The payment request does not match its attempt (method, amount or currency).")
    plugin = plugin_for(request.method)
    try:
        authorization = plugin.authorize(request)  # the provider call: no transaction opened around it
    except DomainError as error:
        _record(attempt, status=Status.DECLINED)
        logger.info("Payment attempt %s declined: %s", attempt.uuid, error.code)
        raise
    _record(attempt, status=ATTEMPT_STATUS_FOR[authorization.status], transaction_id=authorization.transaction_id)
    logger.info("Payment attempt %s %s: transaction %s", attempt.uuid, attempt.status, attempt.transaction_id)
    return authorization


def payment_attempt_void(*, attempt: PaymentAttempt) -> PaymentAttempt:
    """Give back what the provider holds for an attempt whose order was not made.

    Idempotent for voided and declined attempts (nothing is held). An attached attempt
    is the order's payment: void that instead (PaymentAttemptNotAttachable here).
    """
    attempt.refresh_from_db(fields=["status", "transaction_id", "order"])
    if attempt.status in (Status.VOIDED, Status.DECLINED):
        return attempt
    if attempt.status == Status.ATTACHED:
        raise PaymentAttemptNotAttachable("The payment belongs to an order: void the order's payment instead.")
    if attempt.status in HELD and attempt.transaction_id:
        plugin_for(attempt.method).void(transaction_id=attempt.transaction_id)  # I/O, outside any transaction
    _record(attempt, status=Status.VOIDED)
    logger.info("Payment attempt %s voided", attempt.uuid)
    return attempt


def payment_attempt_attach(*, attempt: PaymentAttempt, order) -> PaymentAttempt:
    """Mark the attempt as the payment of ``order``; call it inside the order's transaction.

    One conditional UPDATE: it attaches only an attempt whose money the provider still
    holds. Raises PaymentAttemptNotAttachable when the attempt was declined or voided
    meanwhile (e.g. by reconciliation), or belongs to another order.
    """
    now = timezone.now()
    attached = PaymentAttempt.objects.filter(pk=attempt.pk, status__in=HELD).update(
        status=Status.ATTACHED, order=order, updated_at=now,
    )
    if not attached:
        current = PaymentAttempt.objects.get(pk=attempt.pk)
        if not (current.status == Status.ATTACHED and current.order_id == order.pk):
            raise PaymentAttemptNotAttachable(meta={"attempt": str(current.uuid), "status": current.status})
        now = current.updated_at
    attempt.status, attempt.order, attempt.updated_at = Status.ATTACHED, order, now
    return attempt


def _record(attempt: PaymentAttempt, *, status: str, transaction_id: str | None = None) -> None:
    """Save the outcome of a provider call: one UPDATE, committed at once outside a transaction."""
    attempt.status = status
    fields = ["status", "updated_at"]
    if transaction_id is not None:
        attempt.transaction_id = transaction_id
        fields.append("transaction_id")
    attempt.save(update_fields=fields)


# --- provider calls on an order's payment: capture, refund, void -------------------------------
#
# Staff's actions, Elastic Path's manual gateway and an order's cancel (the void of its
# authorisations) journal each call on the payment itself, so that the provider is never called
# inside a transaction:
#   1. under the payment's row lock, ``payment_call_start`` checks the payment's state and marks the
#      call on it (``provider_call``); the caller commits. A second action is refused meanwhile.
#   2. ``payment_call_make``: the provider call, outside any transaction.
#   3. under the row lock again, ``payment_call_record`` applies the outcome and clears the mark.
# A refusal from the provider (a DomainError) clears the mark and changes nothing else. Any other
# failure, or a crash, leaves the mark: the outcome is unknown and reconciliation reports it, and
# staff, having asked the provider, settle it with ``payment_call_resolve``.


def payment_call_start(*, payment: Payment, call: str) -> None:
    """Mark ``call`` (capture, refund, void) as under way on ``payment``. The caller holds the payment's row
    lock and commits before the provider call. Raises PaymentTransactionNotAllowed, marking nothing, when the
    payment's state does not allow the call or another call is under way."""
    _refuse_unless_possible(payment, call)
    payment.provider_call = call
    payment.provider_call_started_at = timezone.now()
    payment.save(update_fields=["provider_call", "provider_call_started_at", "updated_at"])


def payment_call_make(*, payment: Payment, call: str, refusal_clears: bool = True) -> None:
    """Ask the provider for ``call`` on ``payment``, marked by payment_call_start and committed.

    Call it outside any transaction. When the provider refuses (a DomainError) the mark is cleared and the
    error re-raised: the payment is as it was. Any other failure leaves the mark for reconciliation. With
    ``refusal_clears=False`` a refusal leaves the mark too: for a call nobody waits on to see the refusal
    (a canceled order's void), which reconciliation must then report.
    """
    try:
        plugin = plugin_for(payment.method)
        if call == ProviderCall.CAPTURE:
            plugin.capture(transaction_id=payment.transaction_id, amount=payment.amount, currency=payment.currency)
        elif call == ProviderCall.REFUND:
            plugin.refund(transaction_id=payment.transaction_id, amount=_refundable(payment),
                          currency=payment.currency)
        elif payment.transaction_id:
            plugin.void(transaction_id=payment.transaction_id)
    except DomainError as error:
        if refusal_clears:
            _call_clear(payment)
        logger.info("Payment %s: %s refused by the provider: %s", payment.uuid, call, error.code)
        raise


def payment_call_record(*, payment: Payment, call: str, parent=None, gateway: str = "manual",
                        kind: str = TransactionKind.CAPTURE, by=None,
                        description: str | None = None) -> PaymentTransaction | None:
    """Apply what the provider did for ``call`` and clear the mark; ``by`` (a staff user) and ``description``
    go to the payment's history. The caller holds the payment's row lock again, in a new transaction. A
    capture or a refund returns its PaymentTransaction (a capture's ``kind`` may be a purchase); a void
    returns None.

    The mark kept every other action away, so the payment's state allows the outcome. Should it not, this
    raises, the caller's transaction rolls back and the mark stays for reconciliation: money the provider
    moved is never silently dropped. A mark gone meanwhile (the provider's confirmation of a redirect
    payment supersedes a void) raises PaymentTransactionNotAllowed, saying what the payment is now.
    """
    if payment.provider_call != call:
        raise PaymentTransactionNotAllowed(
            f"No {ProviderCall(call).label.lower()} of this payment awaits its outcome any more: the payment is "
            f"{payment.get_state_display().lower()}.",
            meta={"state": payment.state, "provider_call": payment.provider_call})
    amount = payment.amount
    if call == ProviderCall.REFUND:
        amount, kind = _refundable(payment), TransactionKind.REFUND
        payment.refunded_amount = payment.captured_amount
    with FSMLogDescriptor(payment, "description", description):
        getattr(payment, call)(by=by)  # the transition: capture, refund or void
    payment.provider_call, payment.provider_call_started_at = "", None
    payment.save()
    if call == ProviderCall.VOID:
        return None
    return PaymentTransaction.objects.create(payment=payment, kind=kind, gateway=gateway, parent=parent,
                                             amount=amount, currency=payment.currency)


# A capture, refund or void takes seconds: a call marked longer than this lost its outcome. Staff may
# settle it then, and reconciliation reports it.
PROVIDER_CALL_GRACE = timedelta(minutes=5)


def provider_call_settleable(payment: Payment, *, now=None) -> bool:
    """Whether the payment's provider call is old enough that its outcome will not be recorded any more."""
    started = payment.provider_call_started_at
    return bool(payment.provider_call) and started is not None and started <= (now or timezone.now()) - (
        PROVIDER_CALL_GRACE)


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def payment_call_resolve(*, payment: Payment, call: str, done: bool, by,
                         gateway: str = "manual") -> PaymentTransaction | None:
    """Staff's word on a ``call`` whose outcome was never recorded (the provider timed out, the process died),
    given once they have asked the provider; the provider itself is not asked. ``done``: it did the call, which
    is recorded as payment_call_record records a confirmed one (the transition, the amounts, a capture's or a
    refund's PaymentTransaction, returned). Otherwise it did nothing: the mark is cleared and the payment left
    as it was. Either way the payment's history says that ``by`` settled it, and how.

    The caller holds the payment's row lock. Raises PaymentTransactionNotAllowed, changing nothing, when the
    payment is not marked for ``call`` (any more): settled already, or another call is under way."""
    if payment.provider_call != call:
        found = (f"a {payment.get_provider_call_display().lower()} is" if payment.provider_call
                 else "no provider call is")
        raise PaymentTransactionNotAllowed(f"No {ProviderCall(call).label.lower()} of this payment awaits its outcome: "
                                           f"{found} under way.",
                                           meta={"state": payment.state, "provider_call": payment.provider_call})
    if not provider_call_settleable(payment):
        # The provider may still answer: settling now could lose what it does, or record what it did not.
        after = timezone.localtime(payment.provider_call_started_at + PROVIDER_CALL_GRACE)
        raise PaymentTransactionNotAllowed(f"The {call} started less than {_minutes(PROVIDER_CALL_GRACE)} minutes ago "
                                           f"and may still be answered: settle it after {after:%H:%M}.",
                                           meta={"state": payment.state, "provider_call": payment.provider_call})
    started = f"{timezone.localtime(payment.provider_call_started_at):%Y-%m-%d %H:%M}"
    said = (f"{by} confirmed that the provider did the {call} started {started}, whose outcome was not recorded; "
            f"recorded without asking the provider.")
    if done:
        return payment_call_record(payment=payment, call=call, gateway=gateway, by=by, description=said)
    StateLog.objects.create(
        content_object=payment, source_state=payment.state, state=payment.state, transition=f"{call}_not_done", by=by,
        description=f"{by} confirmed that the provider did nothing for the {call} started {started}, whose outcome "
                    f"was not recorded; the mark was cleared, the payment left as it was.")
    payment.provider_call, payment.provider_call_started_at = "", None
    payment.save(update_fields=["provider_call", "provider_call_started_at", "updated_at"])
    return None


def _refuse_if_busy(payment: Payment) -> None:
    if payment.provider_call:
        raise PaymentTransactionNotAllowed(
            f"A {payment.get_provider_call_display().lower()} of this payment is under way; try again in a moment.",
            meta={"state": payment.state, "provider_call": payment.provider_call})


def _refuse_unless_possible(payment: Payment, call: str) -> None:
    _refuse_if_busy(payment)
    if call == ProviderCall.CAPTURE:
        possible, why = can_proceed(payment.capture), "there is nothing to capture"
    elif call == ProviderCall.REFUND:
        possible = payment.state == PaymentState.COMPLETED and payment.captured_amount > 0
        why = "only captured money can be refunded"
    else:
        possible, why = can_proceed(payment.void), "only an authorisation not yet captured can be voided"
    if not possible:
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; {why}.",
                                           meta={"state": payment.state})


def _refundable(payment: Payment) -> int:
    return payment.captured_amount - payment.refunded_amount


def _call_clear(payment: Payment) -> None:
    """Take the mark off a payment whose provider refused: one UPDATE, committed at once."""
    Payment.objects.filter(pk=payment.pk, provider_call=payment.provider_call).update(
        provider_call="", provider_call_started_at=None, updated_at=timezone.now())
    payment.provider_call, payment.provider_call_started_at = "", None


def _payment_call(payment: Payment, call: str, **outcome) -> PaymentTransaction | None:
    """The three steps on the payment alone, each transaction durable (never nested in a caller's); the
    caller's ``payment`` is brought up to date, done or refused."""
    try:
        with transaction.atomic(durable=True):
            locked = payment_get_for_update(pk=payment.pk)
            payment_call_start(payment=locked, call=call)
        payment_call_make(payment=locked, call=call)
        with transaction.atomic(durable=True):
            locked = payment_get_for_update(pk=payment.pk)
            return payment_call_record(payment=locked, call=call, **outcome)
    finally:
        payment.refresh_from_db()


# --- transactions on an order's payment (Elastic Path's manual gateway) -----------------------


def payment_transaction_authorize(*, payment, gateway: str = "manual"):
    """Record that the payment's full amount is authorised. The caller holds the payment's row lock.

    The payment must still be waiting (authorised at checkout, nothing captured yet), with no provider
    call under way. Nothing is asked of the provider.
    """
    _refuse_if_busy(payment)
    if payment.state != PaymentState.PENDING:
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                           f"it cannot be authorised again.", meta={"state": payment.state})
    return PaymentTransaction.objects.create(payment=payment, kind=TransactionKind.AUTHORIZE, gateway=gateway,
                                             amount=payment.amount, currency=payment.currency)


def payment_transaction_capture(*, payment, parent=None, gateway: str = "manual", kind: str = "capture", by=None):
    """Take the payment's full amount (a capture of an authorisation, or a purchase); ``by`` (a staff user)
    is recorded in the payment's history. Call it outside any transaction: it locks the payment itself,
    before and after the provider call (PaymentTransactionNotAllowed when its state refuses)."""
    return _payment_call(payment, ProviderCall.CAPTURE, parent=parent, gateway=gateway, kind=kind, by=by)


def payment_transaction_refund(*, payment, parent=None, gateway: str = "manual", by=None):
    """Give back everything captured on the payment. Call it outside any transaction (as for a capture)."""
    return _payment_call(payment, ProviderCall.REFUND, parent=parent, gateway=gateway, by=by)


def payment_transaction_void(*, payment, by=None):
    """Give back an authorisation nothing was captured on. Call it outside any transaction (as for a capture)."""
    _payment_call(payment, ProviderCall.VOID, by=by)
    return payment
