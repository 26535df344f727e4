"""payment_state and shipment_state: what an order's payments and shipments add up to (Spree's rules)."""

import pytest

from checkout.models import Order
from checkout.services import payment_state_for, shipment_state_for
from payments.models import Payment
from shipping.models import Shipment


def order(state="complete", total=1000) -> Order:
    return Order(state=state, grand_total=total, currency="EUR")


def payment(state="completed", captured=0, refunded=0) -> Payment:
    return Payment(state=state, amount=1000, captured_amount=captured, refunded_amount=refunded, currency="EUR")


@pytest.mark.parametrize(
    ("order_state", "total", "payments", "expected"),
    [
        ("cart", 1000, [], None),
        ("confirm", 1000, [payment("pending")], None),
        ("complete", 1000, [], "balance_due"),
        ("complete", 1000, [payment("pending")], "balance_due"),
        ("complete", 1000, [payment("completed", captured=1000)], "paid"),
        ("complete", 1000, [payment("completed", captured=400), payment("completed", captured=600)], "paid"),
        ("complete", 1000, [payment("completed", captured=400)], "balance_due"),
        ("complete", 1000, [payment("failed")], "failed"),
        ("complete", 1000, [payment("failed"), payment("pending")], "balance_due"),
        ("complete", 0, [], "paid"),
        ("complete", 1000, [payment("completed", captured=1000, refunded=300)], "balance_due"),
        ("complete", 800, [payment("completed", captured=1000)], "credit_owed"),
        ("canceled", 1000, [payment("void")], "void"),
        ("canceled", 1000, [payment("completed", captured=1000)], "credit_owed"),
        ("canceled", 1000, [payment("refunded", captured=1000, refunded=1000)], "void"),
        ("returned", 1000, [payment("completed", captured=1000)], "paid"),
    ],
)
def test_payment_state_follows_captured_money(order_state, total, payments, expected):
    assert payment_state_for(order(order_state, total), payments) == expected


@pytest.mark.parametrize(
    ("order_state", "shipments", "expected"),
    [
        ("delivery", ["pending"], None),
        ("complete", [], None),
        ("complete", ["pending"], "pending"),
        ("complete", ["ready"], "ready"),
        ("complete", ["ready", "pending"], "pending"),
        ("complete", ["shipped"], "shipped"),
        ("complete", ["shipped", "ready"], "partial"),
        ("complete", ["shipped", "canceled"], "shipped"),
        ("canceled", ["canceled", "canceled"], "canceled"),
    ],
)
def test_shipment_state_follows_the_shipments(order_state, shipments, expected):
    assert shipment_state_for(order(order_state), [Shipment(state=s) for s in shipments]) == expected
