"""Structured request logging: one JSON line per request, and no card data or tokens in it."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command

from checkout.models import Order

pytestmark = pytest.mark.django_db

CARD = "4111111111111111"
BEARER = "eyJhbGciOiJIUzI1NiJ9.secret-bearer-token.sig"


@pytest.fixture
def request_log(caplog):
    """The lines of shop.requests (it does not propagate to the root logger, so caplog listens on it)."""
    logger = logging.getLogger("shop.requests")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="shop.requests")
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == "shop.requests"]
    logger.removeHandler(caplog.handler)


def test_each_request_is_one_json_line_with_method_path_status_and_duration(client, request_log):
    client.get("/health")
    (line,) = request_log()
    assert line["method"] == "GET" and line["path"] == "/health" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["order"] is None


def test_card_numbers_bearer_tokens_and_order_tokens_never_reach_the_log(client, request_log, caplog):
    body = {"data": {"type": "checkout", "attributes": {"payments": [{"dummyPaymentCreditCard": {
        "cardNumber": CARD, "cardSecurityCode": "737"}}]}}}
    client.post("/checkout?include=orders", json.dumps(body), content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {BEARER}", HTTP_X_ANONYMOUS_CUSTOMER_UNIQUE_ID="guest-log")
    client.get("/api/orders/R123456789?order_token=tok-very-secret-123&page=2",
               HTTP_X_SPREE_ORDER_TOKEN="header-secret-456")
    client.get(f"/concrete-products/{CARD}?card={CARD}")
    lines = request_log()
    assert [line["method"] for line in lines] == ["POST", "GET", "GET"]
    assert lines[0]["path"] == "/checkout" and lines[0]["query"] == {"include": "orders"}
    assert lines[1]["query"] == {"order_token": "[redacted]", "page": "2"}
    assert lines[1]["order"] == "R123456789"  # named in the URL
    everything = caplog.text + json.dumps(lines)
    for secret in (CARD, "737", BEARER, "secret-bearer-token", "tok-very-secret-123", "header-secret-456"):
        assert secret not in everything


def test_a_placed_order_names_its_reference_in_the_log_line(client, request_log):
    call_command("seed_demo", stdout=StringIO())
    order = Order.objects.filter(reference__isnull=False).order_by("pk").first()
    client.get(f"/orders/{order.reference}")
    assert request_log()[-1]["order"] == order.reference


def test_a_request_that_saves_an_order_logs_that_order(client, request_log, rf):
    from core.request_log import RequestLogMiddleware
    from tests.factories import OrderFactory

    order = OrderFactory(at_complete=True)

    def view(request):
        order.save()  # what a service does while the request runs
        from django.http import HttpResponse
        return HttpResponse(status=204)

    RequestLogMiddleware(view)(rf.post("/somewhere"))
    assert request_log()[-1] == {"method": "POST", "path": "/somewhere", "status": 204,
                                 "duration_ms": request_log()[-1]["duration_ms"], "order": order.reference}


def test_django_s_own_request_warnings_are_redacted_too(client, caplog):
    client.get(f"/concrete-products/{CARD}?order_token=tok-in-a-404")
    assert "Not Found: /concrete-products/[redacted]" in caplog.text
    assert CARD not in caplog.text and "tok-in-a-404" not in caplog.text
