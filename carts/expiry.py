"""Deleting carts nobody has touched for ``CART_EXPIRY_DAYS`` (Elastic Path: 7 days after the last update).

Safe to run from several machines at once: each batch takes its carts with
``SELECT … FOR UPDATE SKIP LOCKED``, so two runs never wait for or delete the same cart,
and a cart locked by a request right now is simply left for the next run. A cart that a
checkout is placing an order from (a recent ``CheckoutClaim``) is never deleted. Carts
hold no stock (stock is taken when an order is placed), so nothing else is released.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from carts.models import Cart

# Longer than any placement holds its claim (checkout's CLAIM_TIMEOUT is 3 minutes); carts
# cannot import checkout, so the claim model is looked up by name.
CLAIM_GRACE = timedelta(minutes=15)


@dataclass
class ExpiryResult:
    expired: int = 0
    batches: int = 0


def carts_expire(*, now: datetime | None = None, days: int | None = None, batch_size: int = 500,
                 dry_run: bool = False, progress: Callable[[int, int], None] | None = None) -> ExpiryResult:
    """Delete (or with ``dry_run`` only count) the carts idle for longer than ``days``; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CART_EXPIRY_DAYS if days is None else days)
    claims = apps.get_model("checkout", "CheckoutClaim").objects.filter(
        cart_uuid=OuterRef("uuid"), claimed_at__gte=now - CLAIM_GRACE)
    idle = Cart.objects.filter(updated_at__lt=cutoff).exclude(Exists(claims))
    result = ExpiryResult()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(idle.filter(pk__gt=last_pk).order_by("pk")
                         .select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1]
            if not dry_run:
                Cart.objects.filter(pk__in=batch).delete()
        result.expired += len(batch)
        result.batches += 1
        if progress is not None:
            progress(result.batches, result.expired)
    return result
