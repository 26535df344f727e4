"""Idempotency-Key records: a retried request gets the first result; the same key with other data is refused."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from checkout.exceptions import CheckoutInProgress, IdempotencyConflict, IdempotencyKeyInvalid
from checkout.models import IdempotencyKey, Order
from checkout.models.placement import IdempotencyKeyState


def idempotency_key_clean(key: str | None) -> str | None:
    """The key a client sent, without surrounding blanks; None for none. One longer than the shop keeps is refused."""
    key = (key or "").strip()
    if len(key) > IdempotencyKey._meta.get_field("key").max_length:
        raise IdempotencyKeyInvalid()
    return key or None


def idempotency_begin(*, scope: str, operation: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Claim ``key``; None when this call owns it, the completed first record when it is a retry.

    Raises IdempotencyConflict for the same key with another request, and CheckoutInProgress
    while the first request with the key is still running.
    """
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(scope=scope, operation=operation, key=key, fingerprint=fingerprint)
        return None
    except IntegrityError:
        pass
    first = IdempotencyKey.objects.select_related("order").filter(scope=scope, operation=operation, key=key).first()
    expired = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if first is not None and first.created_at < expired:  # an old key used again is a new request
        IdempotencyKey.objects.filter(pk=first.pk, created_at__lt=expired).delete()
        first = None
    if first is None:  # expired, or the first request failed and let go of the key in the meantime
        return idempotency_begin(scope=scope, operation=operation, key=key, fingerprint=fingerprint)
    if first.fingerprint != fingerprint:
        raise IdempotencyConflict(meta={"idempotencyKey": key})
    if first.state != IdempotencyKeyState.COMPLETED:
        raise CheckoutInProgress("A request with this Idempotency-Key is still being processed. Retry in a moment.")
    return first


def idempotency_complete(*, scope: str, operation: str, key: str, order: Order, result: dict) -> None:
    """Record the result; call inside the transaction that wrote it, so both land or neither."""
    IdempotencyKey.objects.filter(scope=scope, operation=operation, key=key).update(
        state=IdempotencyKeyState.COMPLETED, order=order, result=result,
    )


def idempotency_forget(*, scope: str, operation: str, key: str) -> None:
    """A failure that wrote nothing lets go of its key, so the client may retry with it."""
    IdempotencyKey.objects.filter(scope=scope, operation=operation, key=key,
                                  state=IdempotencyKeyState.STARTED).delete()
