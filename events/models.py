"""The order event outbox and its webhook deliveries.

An ``OrderEvent`` is written in the same transaction as the order change it reports
(``events.recording``), so an event exists exactly when its change was committed. The
``deliver_webhooks`` command fans each event out to the configured endpoints, one
``WebhookDelivery`` per (event, endpoint), and sends them with retries.
"""

import uuid

from django.db import models
from django.db.models import Q


class OrderEventType(models.TextChoices):
    PLACED = "order.placed", "Order placed"
    PAID = "order.paid", "Order paid"
    SHIPPED = "order.shipped", "Order shipped"
    CANCELED = "order.canceled", "Order canceled"


# An order is placed once and shipped once (shipment_state never leaves "shipped"); it may be
# paid or canceled again after a resume, so those two are one event per change, not per order.
ONCE_PER_ORDER = (OrderEventType.PLACED, OrderEventType.SHIPPED)


class OrderEvent(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                            help_text="Sent as X-Shop-Event-Id: receivers dedupe on it.")
    order = models.ForeignKey("checkout.Order", on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=OrderEventType.choices)
    payload = models.JSONField(default=dict, help_text="The order as it was when the event happened.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its deliveries to the configured webhook URLs were queued (empty: not yet).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "type"], condition=Q(type__in=ONCE_PER_ORDER),
                                    name="order_event_placed_and_shipped_once"),
        ]
        indexes = [models.Index(fields=["dispatched_at"], condition=Q(dispatched_at__isnull=True),
                                name="order_event_undispatched")]

    def __str__(self):
        return f"{self.type} {self.payload.get('reference') or self.order_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: retried with exponential backoff until it gets a 2xx."""

    event = models.ForeignKey(OrderEvent, on_delete=models.CASCADE, related_name="deliveries")
    url = models.URLField(max_length=1000)
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="Due from then; also the lease of a sender working on it.")
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The endpoint's last HTTP status.")
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "url"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event.type} → {self.url} ({self.state})"
