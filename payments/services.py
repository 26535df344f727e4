"""Writes around a payment provider call made before the order exists.

Placing an order pays before it commits the order, so every provider call is
journalled in a ``PaymentAttempt``: started (committed before the call), then
authorised / awaiting redirect / declined, then attached to the order inside the
order's transaction, or voided when the order could not be made. A crash between the
call and the order's commit leaves an attempt without an order, which reconciliation
finds and voids. The provider is never called inside a transaction.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core.errors import DomainError
from payments.exceptions import PaymentAttemptNotAttachable, PaymentTransactionNotAllowed
from payments.models import (
    PaymentAttempt, PaymentAttemptStatus, PaymentMethod, PaymentState, PaymentTransaction, TransactionKind,
)
from payments.providers.base import AUTHORIZED, CAPTURED, REDIRECT, Authorization, PaymentRequest
from payments.providers.registry import plugin_for

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


# --- transactions on an order's payment (Elastic Path's manual gateway) -----------------------


def payment_transaction_authorize(*, payment, gateway: str = "manual"):
    """Record that the payment's full amount is authorised. The caller holds the payment's row lock.

    The payment must still be waiting (authorised at checkout, nothing captured yet).
    """
    if payment.state != PaymentState.PENDING:
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                           f"it cannot be authorised again.", meta={"state": payment.state})
    return PaymentTransaction.objects.create(payment=payment, kind=TransactionKind.AUTHORIZE, gateway=gateway,
                                             amount=payment.amount, currency=payment.currency)


def payment_transaction_capture(*, payment, parent=None, gateway: str = "manual", kind: str = "capture", by=None):
    """Take the payment's full amount (a capture of an authorisation, or a purchase). The caller holds the lock;
    ``by`` (a staff user) is recorded in the payment's history."""
    if not can_proceed(payment.capture):
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                           f"there is nothing to capture.", meta={"state": payment.state})
    plugin_for(payment.method).capture(transaction_id=payment.transaction_id, amount=payment.amount,
                                       currency=payment.currency)
    payment.capture(by=by)
    payment.save()
    return PaymentTransaction.objects.create(payment=payment, kind=kind, gateway=gateway, parent=parent,
                                             amount=payment.amount, currency=payment.currency)


def payment_transaction_refund(*, payment, parent=None, gateway: str = "manual", by=None):
    """Give back everything captured on the payment. The caller holds the payment's row lock."""
    if payment.state != PaymentState.COMPLETED or payment.captured_amount == 0:
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                           f"only captured money can be refunded.", meta={"state": payment.state})
    amount = payment.captured_amount - payment.refunded_amount
    plugin_for(payment.method).refund(transaction_id=payment.transaction_id, amount=amount, currency=payment.currency)
    payment.refunded_amount = payment.captured_amount
    payment.refund(by=by)
    payment.save()
    return PaymentTransaction.objects.create(payment=payment, kind=TransactionKind.REFUND, gateway=gateway,
                                             parent=parent, amount=amount, currency=payment.currency)


def payment_transaction_void(*, payment, by=None):
    """Give back an authorisation nothing was captured on. The caller holds the payment's row lock."""
    if not can_proceed(payment.void):
        raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                           f"only an authorisation not yet captured can be voided.",
                                           meta={"state": payment.state})
    if payment.transaction_id:
        plugin_for(payment.method).void(transaction_id=payment.transaction_id)
    payment.void(by=by)
    payment.save()
    return payment
