"""Records that make placing an order safe to retry and to race."""

from datetime import timedelta

from django.db import models
from django.db.models import Q

# A placement holds its cart's claim for at most this long. An older claim, and the started
# Idempotency-Key of the request that took it, belong to a process that died: they may be taken over.
CLAIM_TIMEOUT = timedelta(minutes=3)


class CheckoutClaim(models.Model):
    """A cart being checked out. One per cart: a second checkout of the same cart waits its turn.

    Taken in the first, short transaction of placing an order and held across the payment
    provider call without holding any row lock; removed when the placement ends. A claim
    older than the placement timeout belongs to a crashed process and may be taken over.
    """

    cart_uuid = models.UUIDField(unique=True)
    token = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.cart_uuid} since {self.claimed_at:%H:%M:%S}"


class IdempotencyKeyState(models.TextChoices):
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for one operation: a retry gets the first result back.

    ``scope`` is who asked (customer reference or guest id); ``fingerprint`` is a hash of
    what they asked for, so the same key with other data is refused. Failures that wrote
    nothing delete their key, so the client may retry with it. ``token`` is the one of the
    cart claim the request takes: a started key whose claim is no longer live belongs to a
    request that died and is released (``checkout.idempotency``); only the request holding
    the token completes or deletes the key.
    """

    scope = models.CharField(max_length=255)
    operation = models.CharField(max_length=50)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    token = models.CharField(max_length=64, blank=True, help_text="The claim token of the request holding the key.")
    state = models.CharField(max_length=20, choices=IdempotencyKeyState.choices, default=IdempotencyKeyState.STARTED)
    order = models.ForeignKey("checkout.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    result = models.JSONField(default=dict, blank=True, help_text="What the first call returned, besides the order.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "operation", "key"], name="idempotency_key_unique_per_scope"),
            models.CheckConstraint(
                condition=Q(state="started") | Q(order__isnull=False), name="idempotency_completed_has_order",
            ),
        ]

    def __str__(self):
        return f"{self.operation} {self.key} ({self.state})"
