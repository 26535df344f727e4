"""Idempotency-Key records: a retried request gets the first result; the same key with other data is refused.

A key is held by the request that began it, known by the token of the cart claim that
request takes. A started key whose claim is no longer live (the rule that lets a new
placement take over a stale claim) belongs to a request that died: it is released, by the
next request with the key or by ``reconcile_checkouts --fix``. The request that died can
no longer complete it, so no key ever answers for two orders.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from checkout.exceptions import CheckoutInProgress, IdempotencyConflict, IdempotencyKeyInvalid
from checkout.models import CheckoutClaim, IdempotencyKey, Order
from checkout.models.placement import CLAIM_TIMEOUT, IdempotencyKeyState


def idempotency_key_clean(key: str | None) -> str | None:
    """The key a client sent, without surrounding blanks; None for none. One longer than the shop keeps is refused."""
    key = (key or "").strip()
    if len(key) > IdempotencyKey._meta.get_field("key").max_length:
        raise IdempotencyKeyInvalid()
    return key or None


def idempotency_keys_abandoned(*, now: datetime | None = None):
    """Started keys whose request died: begun before a claim goes stale, and their claim is not live.

    A request takes its claim just after its key, so a key this old whose claim is gone or stale
    belongs to a request that crashed, or that can no longer finish (its finalize needs both).
    """
    cutoff = (now or timezone.now()) - CLAIM_TIMEOUT
    live_claim = CheckoutClaim.objects.filter(token=OuterRef("token"), claimed_at__gte=cutoff)
    return IdempotencyKey.objects.filter(state=IdempotencyKeyState.STARTED, created_at__lt=cutoff).exclude(
        Exists(live_claim))


def idempotency_begin(*, scope: str, operation: str, key: str, fingerprint: str, token: str
                      ) -> IdempotencyKey | None:
    """Claim ``key`` for the request holding ``token``; None when it now holds it, the completed first
    record when it is a retry.

    Raises IdempotencyConflict for the same key with another request, and CheckoutInProgress
    while the first request with the key is still running.
    """
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(scope=scope, operation=operation, key=key, fingerprint=fingerprint,
                                          token=token)
        return None
    except IntegrityError:
        pass
    first = IdempotencyKey.objects.select_related("order").filter(scope=scope, operation=operation, key=key).first()
    if first is None or _released(first):
        # Released (expired, or its request died), or the first request failed and let go of it meanwhile.
        return idempotency_begin(scope=scope, operation=operation, key=key, fingerprint=fingerprint, token=token)
    if first.fingerprint != fingerprint:
        raise IdempotencyConflict(meta={"idempotencyKey": key})
    if first.state != IdempotencyKeyState.COMPLETED:
        raise CheckoutInProgress("A request with this Idempotency-Key is still being processed. Retry in a moment.")
    return first


def _released(first: IdempotencyKey) -> bool:
    """Delete ``first`` when it no longer answers: an old key used again is a new request, and so is
    the key of a request that died. Only then is the database asked (a plain replay costs nothing)."""
    now = timezone.now()
    expired = first.created_at < now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if not expired and not (first.state == IdempotencyKeyState.STARTED and first.created_at < now - CLAIM_TIMEOUT):
        return False
    releasable = Q(pk=first.pk) if expired else Q(pk__in=idempotency_keys_abandoned(now=now).filter(pk=first.pk))
    deleted = IdempotencyKey.objects.filter(releasable).delete()[0]
    return expired or deleted > 0  # an expired key another retry deleted first is gone all the same


def idempotency_release(*, ids: list[int], now: datetime | None = None) -> int:
    """Release the keys among ``ids`` whose request died (still so when asked); how many were released."""
    return IdempotencyKey.objects.filter(pk__in=idempotency_keys_abandoned(now=now).filter(pk__in=ids)
                                         .values("pk")).delete()[0]


def idempotency_complete(*, scope: str, operation: str, key: str, token: str, order: Order, result: dict) -> None:
    """Record the result; call inside the transaction that wrote it, so both land or neither.

    Raises CheckoutInProgress when the request no longer holds the key: it ran so long that the
    key was released as its request's, and the retry that may have taken it over answers for it.
    """
    completed = IdempotencyKey.objects.filter(
        scope=scope, operation=operation, key=key, token=token, state=IdempotencyKeyState.STARTED,
    ).update(state=IdempotencyKeyState.COMPLETED, order=order, result=result)
    if not completed:
        raise CheckoutInProgress("This request took too long and its Idempotency-Key was released. Retry it.")


def idempotency_forget(*, scope: str, operation: str, key: str, token: str) -> None:
    """A failure that wrote nothing lets go of its key, so the client may retry with it."""
    IdempotencyKey.objects.filter(scope=scope, operation=operation, key=key, token=token,
                                  state=IdempotencyKeyState.STARTED).delete()
