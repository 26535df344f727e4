"""Order events in the admin: staff see each event and where it was delivered, and can change nothing."""

import pytest
from django.utils import timezone

from events.models import WebhookDelivery
from events.recording import order_events_record
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    order = OrderFactory(at_complete=True)
    (made,) = order_events_record(order=order, types=["order.placed"])
    now = timezone.now()
    WebhookDelivery.objects.create(event=made, url="https://erp.example.com/hooks", state="delivered", attempts=1,
                                   last_status=200, next_attempt_at=now, delivered_at=now)
    WebhookDelivery.objects.create(event=made, url="https://crm.example.com/hooks", attempts=3, last_status=502,
                                   last_error="HTTP 502 Bad Gateway", next_attempt_at=now)
    return made


def test_the_event_list_shows_each_event_with_its_order_and_how_its_webhooks_fared(admin_client, event):
    page = admin_client.get("/admin/events/orderevent/").content.decode()
    assert "order.placed" in page and event.order.reference in page
    assert "https://erp.example.com/hooks (delivered after 1 attempt)" in page
    assert "https://crm.example.com/hooks (retrying, 3 failed: HTTP 502 Bad Gateway)" in page


def test_an_event_is_read_only(admin_client, event):
    page = admin_client.get(f"/admin/events/orderevent/{event.pk}/change/")
    assert page.status_code == 200 and str(event.uuid) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/events/orderevent/add/").status_code == 403
    assert admin_client.post(f"/admin/events/orderevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert event.__class__.objects.filter(pk=event.pk).exists()


def test_the_order_page_lists_its_events(admin_client, event):
    page = admin_client.get(f"/admin/checkout/order/{event.order_id}/change/").content.decode()
    assert "order.placed" in page and str(event.uuid) in page
