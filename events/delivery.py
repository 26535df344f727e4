"""Sending the outbox to the webhook endpoints (``python manage.py deliver_webhooks``).

Two steps, each safe to run from several machines at once:

1. dispatch — events not yet dispatched are taken with ``SELECT … FOR UPDATE SKIP LOCKED``
   and get one ``WebhookDelivery`` per URL in ``WEBHOOK_URLS`` (a unique constraint keeps
   it one);
2. send — due deliveries are claimed the same way, in a short transaction that moves their
   ``next_attempt_at`` past the time the batch may take (a lease: no other sender picks
   them, and a sender that dies leaves them due again when the lease ends); then each is
   POSTed outside any transaction. A 2xx marks it delivered; anything else schedules the
   next attempt with exponential backoff, and after ``WEBHOOK_MAX_ATTEMPTS`` it is given up
   (kept, visible in the admin, and re-queued with ``--retry-failed``).

The body is the event as JSON; ``X-Shop-Signature: sha256=<hex>`` is the HMAC-SHA256 of
the body with ``WEBHOOK_SECRET``, and ``X-Shop-Event-Id`` the event's id, the same on
every retry, so a receiver can verify and dedupe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from events.models import DeliveryState, OrderEvent, WebhookDelivery

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)
USER_AGENT = "django-checkout-shop-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    event_type: str
    reference: str
    url: str
    delivered: bool
    status: int | None
    error: str
    gave_up: bool = False
    next_attempt_at: datetime | None = None


@dataclass
class RunResult:
    dispatched: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return sum(1 for o in self.outcomes if o.delivered)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.delivered)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … at most 6 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def display_url(url: str) -> str:
    """The URL without credentials, for output and logs."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def event_body(event: OrderEvent) -> bytes:
    document = {"id": str(event.uuid), "type": event.type, "created_at": event.created_at, "data": event.payload}
    return json.dumps(document, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def events_dispatch(*, urls: list[str], batch_size: int = 500, now: datetime | None = None) -> int:
    """Queue a delivery to every URL for each event not yet dispatched; returns how many events."""
    now = now or timezone.now()
    total = 0
    while urls:
        with transaction.atomic():
            ids = list(OrderEvent.objects.filter(dispatched_at__isnull=True).order_by("pk")
                       .select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(event_id=pk, url=url, next_attempt_at=now) for pk in ids for url in urls],
                ignore_conflicts=True)
            OrderEvent.objects.filter(pk__in=ids).update(dispatched_at=now)
        total += len(ids)
    return total


def deliveries_claim(*, batch_size: int, timeout: float, now: datetime | None = None) -> list[WebhookDelivery]:
    """Take up to ``batch_size`` due deliveries for this sender, leased for as long as sending them may take."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)[:batch_size])
        if due:
            lease = now + timedelta(seconds=timeout * len(due) + 60)
            WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(next_attempt_at=lease)
    events = OrderEvent.objects.in_bulk([d.event_id for d in due])
    for delivery in due:
        delivery.event = events[delivery.event_id]
    return due


def delivery_send(*, delivery: WebhookDelivery, secret: str, timeout: float, max_attempts: int) -> Outcome:
    """POST one delivery (no transaction open) and record what the endpoint said."""
    event = delivery.event
    body = event_body(event)
    attempt = delivery.attempts + 1
    request = urllib.request.Request(delivery.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Shop-Event-Id": str(event.uuid), "X-Shop-Event-Type": event.type,
        "X-Shop-Delivery-Attempt": str(attempt), "X-Shop-Signature": sign(body, secret),
    })
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code} {failure.reason}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure)) or type(failure).__name__
    now = timezone.now()
    delivered = status is not None and 200 <= status < 300
    fields = {"attempts": attempt, "last_status": status, "last_error": error[:2000]}
    gave_up, next_at = False, None
    if delivered:
        fields.update(state=DeliveryState.DELIVERED, delivered_at=now, last_error="")
    elif attempt >= max_attempts:
        gave_up = True
        fields.update(state=DeliveryState.FAILED)
    else:
        next_at = now + backoff(attempt)
        fields.update(next_attempt_at=next_at)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return Outcome(delivery_id=delivery.pk, event_type=event.type, reference=event.payload.get("reference") or "",
                   url=display_url(delivery.url), delivered=delivered, status=status, error=error,
                   gave_up=gave_up, next_attempt_at=next_at)


def webhooks_deliver(*, urls: list[str], secret: str, timeout: float, max_attempts: int, batch_size: int = 50,
                     limit: int | None = None, progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """One pass: dispatch new events, then send what is due until nothing is (or ``limit`` sent)."""
    result = RunResult(dispatched=events_dispatch(urls=urls))
    while limit is None or len(result.outcomes) < limit:
        size = batch_size if limit is None else min(batch_size, limit - len(result.outcomes))
        batch = deliveries_claim(batch_size=size, timeout=timeout)
        if not batch:
            break
        for delivery in batch:
            outcome = delivery_send(delivery=delivery, secret=secret, timeout=timeout, max_attempts=max_attempts)
            result.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return result


def deliveries_retry_failed(*, now: datetime | None = None) -> int:
    """Give the deliveries that were given up a new round of attempts; returns how many."""
    return WebhookDelivery.objects.filter(state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=now or timezone.now())
