"""deliver_webhooks: order events POSTed to real endpoints, signed, retried with backoff, never lost."""

import hashlib
import hmac
import json
import socket
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.delivery import backoff, webhooks_deliver
from events.models import OrderEvent, WebhookDelivery
from events.recording import order_events_record
from tests.events.webhook_server import WebhookReceiver
from tests.factories import OrderFactory
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.django_db
SECRET = "whsec-test-0123456789"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def endpoint():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def configured(settings, endpoint):
    settings.WEBHOOK_URLS = [endpoint.url]
    settings.WEBHOOK_SECRET = SECRET
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    return settings


def placed_event(kind="order.placed") -> OrderEvent:
    order = OrderFactory(at_complete=True)
    (event,) = order_events_record(order=order, types=[kind])
    return event


def deliver(*args) -> str:
    out = StringIO()
    call_command("deliver_webhooks", *args, stdout=out, stderr=out)
    return out.getvalue()


def verified(received, secret=SECRET) -> dict:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["X-Shop-Signature"], expected)
    return json.loads(received.body)


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_an_event_is_posted_signed_with_its_id_and_marked_delivered(configured, endpoint):
    event = placed_event()
    out = deliver("--once")
    (received,) = endpoint.received
    document = verified(received)
    assert received.path == "/hooks" and received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Shop-Event-Id"] == str(event.uuid) == document["id"]
    assert (document["type"], document["data"]["reference"]) == ("order.placed", event.order.reference)
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert f"delivered order.placed {event.order.reference}" in out and "1 delivered, 0 failed" in out
    deliver("--once")
    assert len(endpoint.received) == 1  # delivered once, never again


def test_a_signature_made_with_another_secret_does_not_verify(configured, endpoint):
    placed_event()
    deliver("--once")
    with pytest.raises(AssertionError):
        verified(endpoint.received[0], secret="not-the-secret")


def test_a_failing_endpoint_is_retried_later_with_the_same_event_id_and_not_lost(configured, endpoint):
    endpoint.statuses = [500, 200]
    event = placed_event()
    with pytest.raises(CommandError, match="0 delivered, 1 failed"):
        deliver("--once")
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert "HTTP 500" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < wait <= backoff(1) == timedelta(seconds=30)
    deliver("--once")  # not due yet: nothing is sent
    assert len(endpoint.received) == 1
    make_due(delivery)
    deliver("--once")
    first, second = endpoint.received
    assert first.headers["X-Shop-Event-Id"] == second.headers["X-Shop-Event-Id"] == str(event.uuid)
    assert second.headers["X-Shop-Delivery-Attempt"] == "2"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("delivered", 2, "")


def test_the_wait_doubles_after_each_failure_up_to_six_hours():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=6)


def test_an_unreachable_endpoint_is_recorded_and_given_up_after_the_last_attempt(configured):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    configured.WEBHOOK_URLS = [f"http://127.0.0.1:{port}/hooks"]
    event = placed_event()
    for _ in range(3):
        with pytest.raises(CommandError):
            deliver("--once")
        make_due(WebhookDelivery.objects.get(event=event))
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 3, None)
    assert "refused" in delivery.last_error.lower()
    with pytest.raises(CommandError, match="0 delivered, 1 failed"):  # re-queued, sent, failed again
        deliver("--once", "--retry-failed")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)


def test_each_endpoint_gets_each_event_once_and_a_failing_one_does_not_hold_back_the_other(configured, endpoint):
    failing = WebhookReceiver(statuses=[503]).start()
    try:
        configured.WEBHOOK_URLS = [endpoint.url, failing.url]
        events = [placed_event(), placed_event("order.paid")]
        with pytest.raises(CommandError, match="2 delivered, 2 failed"):
            deliver("--once")
        for delivery in WebhookDelivery.objects.filter(url=failing.url):
            make_due(delivery)
        with pytest.raises(CommandError, match="0 delivered, 2 failed"):
            deliver("--once")
    finally:
        failing.stop()
    assert sorted(r.headers["X-Shop-Event-Id"] for r in endpoint.received) == sorted(str(e.uuid) for e in events)
    assert len(failing.received) == 4


def test_without_webhook_urls_events_wait_in_the_outbox(settings):
    settings.WEBHOOK_URLS = []
    event = placed_event()
    assert "No WEBHOOK_URLS configured" in deliver()
    event.refresh_from_db()
    assert event.dispatched_at is None and not event.deliveries.exists()


def test_urls_without_a_secret_are_refused(settings):
    settings.WEBHOOK_URLS, settings.WEBHOOK_SECRET = ["http://127.0.0.1:9/hooks"], ""
    with pytest.raises(CommandError, match="WEBHOOK_SECRET must be set"):
        deliver("--once")


def test_help_describes_the_command_and_bad_arguments_exit_non_zero():
    shown = subprocess.run([sys.executable, "manage.py", "deliver_webhooks", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "WEBHOOK_URLS" in shown.stdout and "--loop" in shown.stdout
    refused = subprocess.run([sys.executable, "manage.py", "deliver_webhooks", "--once", "--loop"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "not allowed with argument" in refused.stderr


@postgres_only[0]
@postgres_only[1]
def test_two_senders_at_once_deliver_each_event_exactly_once(configured, endpoint):
    events = [placed_event() for _ in range(12)]
    kwargs = dict(urls=[endpoint.url], secret=SECRET, timeout=5, max_attempts=3, batch_size=2)
    results = run_together([lambda: webhooks_deliver(**kwargs), lambda: webhooks_deliver(**kwargs)])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r.delivered for r in results) == 12
    assert sorted(r.headers["X-Shop-Event-Id"] for r in endpoint.received) == sorted(str(e.uuid) for e in events)


def test_loop_keeps_delivering_and_sleeps_when_nothing_is_due_until_interrupted(configured, endpoint, monkeypatch):
    placed_event()
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        raise KeyboardInterrupt  # Ctrl-C while it waits

    monkeypatch.setattr("events.management.commands.deliver_webhooks.time.sleep", sleep)
    out = deliver("--loop", "--interval", "2")
    assert len(endpoint.received) == 1 and sleeps == [2.0]
    assert "delivered order.placed" in out and out.rstrip().endswith("Stopped.")
