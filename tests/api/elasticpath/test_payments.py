"""POST /v2/orders/:id/payments (manual gateway) and capturing and refunding its transactions.

The manual gateway records money that moved outside the shop, so only a client-credentials
token (staff) may say it was taken or given back; the shopper may only authorise.
"""

import pytest

from checkout.models import Order, OrderPaymentState
from payments.models import Payment, PaymentState
from tests.api.elasticpath.helpers import add_item, guest_checkout

SHOPPER = {"X-Moltin-Cart-Id": "pay-cart"}


@pytest.fixture
def order(shop, ep):
    add_item(ep, "pay-cart", "066_23294028", 1)
    return guest_checkout(ep, "pay-cart").json()["data"]


@pytest.fixture
def staff(backend_token):
    return {"Authorization": f"Bearer {backend_token}"}


def _pay(ep, order, method, gateway="manual", **headers):
    return ep.post(f"/v2/orders/{order['id']}/payments", {"data": {"gateway": gateway, "method": method}},
                   **headers)


def test_authorize_then_capture_moves_the_order_from_unpaid_to_paid(ep, order, staff):
    authorized = _pay(ep, order, "authorize", **SHOPPER)
    assert authorized.status_code == 200, authorized.json()
    tx = authorized.json()["data"]
    assert (tx["type"], tx["gateway"], tx["transaction_type"], tx["status"]) == (
        "transaction", "manual", "authorize", "complete")
    assert tx["amount"] == order["meta"]["display_price"]["with_tax"]["amount"]
    after_authorize = ep.get(f"/v2/orders/{order['id']}", **SHOPPER).json()["data"]
    assert (after_authorize["status"], after_authorize["payment"]) == ("processing", "authorized")
    assert after_authorize["meta"]["display_price"]["authorized"]["amount"] == tx["amount"]

    by_shopper = ep.post(f"/v2/orders/{order['id']}/transactions/{tx['id']}/capture", **SHOPPER)
    captured = ep.post(f"/v2/orders/{order['id']}/transactions/{tx['id']}/capture", **staff)

    assert by_shopper.status_code == 403
    assert captured.status_code == 200
    assert captured.json()["data"]["transaction_type"] == "capture"
    paid = ep.get(f"/v2/orders/{order['id']}", **SHOPPER).json()["data"]
    assert (paid["status"], paid["payment"]) == ("complete", "paid")
    assert paid["meta"]["display_price"]["paid"]["amount"] == tx["amount"]
    assert paid["meta"]["display_price"]["balance_owing"]["amount"] == 0
    assert Order.objects.get(uuid=order["id"]).payment_state == OrderPaymentState.PAID
    # Capturing twice takes nothing more.
    again = ep.post(f"/v2/orders/{order['id']}/transactions/{tx['id']}/capture", **staff)
    assert again.status_code == 422


def test_a_shopper_cannot_mark_their_own_order_paid(ep, order):
    response = _pay(ep, order, "purchase", **SHOPPER)

    assert response.status_code == 403
    assert ep.get(f"/v2/orders/{order['id']}", **SHOPPER).json()["data"]["payment"] == "unpaid"
    assert Payment.objects.get(order__uuid=order["id"]).captured_amount == 0


def test_purchase_pays_at_once_and_refund_gives_it_back(ep, order, staff):
    purchase = _pay(ep, order, "purchase", **staff).json()["data"]
    assert ep.get(f"/v2/orders/{order['id']}", **SHOPPER).json()["data"]["payment"] == "paid"

    refund = ep.post(f"/v2/orders/{order['id']}/transactions/{purchase['id']}/refund", **staff)

    assert refund.status_code == 200
    assert refund.json()["data"]["transaction_type"] == "refund"
    assert ep.get(f"/v2/orders/{order['id']}", **SHOPPER).json()["data"]["payment"] == "refunded"
    payment = Payment.objects.get(order__uuid=order["id"])
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == payment.captured_amount
    assert [t["transaction_type"] for t in ep.get(f"/v2/orders/{order['id']}/transactions", **SHOPPER).json()["data"]] \
        == ["purchase", "refund"]


def test_payments_that_cannot_be_made(ep, order, staff):
    assert _pay(ep, order, "purchase", gateway="stripe", **staff).status_code == 422
    assert _pay(ep, order, "steal", **staff).status_code == 422
    assert _pay(ep, order, "purchase", **staff).status_code == 200
    assert _pay(ep, order, "purchase", **staff).status_code == 422  # already paid
    assert ep.post(f"/v2/orders/{order['id']}/transactions/nope/capture", **staff).status_code == 404
    assert _pay(ep, order, "authorize").status_code == 404  # not the caller's order
