"""cancel_stale_orders: orders left waiting (at confirm, or for an external payment) are canceled, stock given back."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from checkout.models import Order
from events.models import OrderEvent
from payments.models import Payment
from shipping.models import StockItem
from tests.factories import OrderFactory, PaymentMethodFactory
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = timezone.now() - timedelta(days=2)


def cancel_stale(*args) -> str:
    out = StringIO()
    call_command("cancel_stale_orders", *args, stdout=out, stderr=out)
    return out.getvalue()


def awaiting_redirect(*, placed_at=LONG_AGO) -> Order:
    """A placed order whose shopper never came back from the payment provider's page."""
    order = OrderFactory(placed=True, state="complete", contents="complete", payment_state="balance_due",
                         shipment_state="ready")
    Payment.objects.filter(order=order).update(state="processing", captured_amount=0,
                                               method=PaymentMethodFactory(plugin="external_redirect"))
    Order.objects.filter(pk=order.pk).update(completed_at=placed_at)
    return order


def on_hand(order: Order) -> int:
    return StockItem.objects.get(variant=order.line_items.get().variant).count_on_hand


def test_an_order_waiting_for_its_external_payment_too_long_is_canceled_and_gives_its_stock_back():
    order = awaiting_redirect()
    assert on_hand(order) == 8
    out = cancel_stale("--older-than", "24h")
    assert "1 orders waiting for more than 1 day" in out and f"canceled {order.reference}" in out
    order.refresh_from_db()
    assert (order.state, order.payment_state, order.shipment_state) == ("canceled", "void", "canceled")
    assert order.payments.get().state == "void"
    assert on_hand(order) == 10
    assert list(OrderEvent.objects.filter(order=order).values_list("type", flat=True)) == ["order.canceled"]
    assert "0 orders waiting" in cancel_stale()  # done once


def test_an_order_stuck_at_confirm_is_canceled():
    order = OrderFactory(at_confirm=True)
    Order.objects.filter(pk=order.pk).update(updated_at=LONG_AGO)
    cancel_stale("--older-than", "12h")
    order.refresh_from_db()
    assert order.state == "canceled"


def test_recent_paid_and_invoice_orders_are_left_alone():
    recent = awaiting_redirect(placed_at=timezone.now() - timedelta(hours=1))
    paid = OrderFactory(at_complete=True)
    invoice = OrderFactory(placed=True, state="complete", contents="complete", payment_state="balance_due")
    Order.objects.filter(pk__in=[paid.pk, invoice.pk]).update(completed_at=LONG_AGO)
    early_step = OrderFactory(at_payment=True)
    Order.objects.filter(pk=early_step.pk).update(updated_at=LONG_AGO)
    assert "0 orders waiting" in cancel_stale("--older-than", "24h")
    assert set(Order.objects.values_list("state", flat=True)) == {"complete", "payment"}
    assert Order.objects.get(pk=recent.pk).state == "complete"


def test_a_dry_run_lists_the_stale_orders_and_changes_nothing():
    order = awaiting_redirect()
    out = cancel_stale("--dry-run")
    assert f"would cancel {order.reference} (complete)" in out
    order.refresh_from_db()
    assert order.state == "complete" and on_hand(order) == 8


@pytest.mark.parametrize("age", ["yesterday", "0h", "-3d", "5"])
def test_an_age_it_cannot_read_is_refused(age):
    with pytest.raises(CommandError, match="--older-than takes an age such as 30m, 24h or 7d"):
        cancel_stale(f"--older-than={age}")


def test_help_explains_the_command():
    shown = subprocess.run([sys.executable, "manage.py", "cancel_stale_orders", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--dry-run" in shown.stdout and "--older-than" in shown.stdout


@postgres_only[0]
@postgres_only[1]
def test_two_machines_running_it_at_once_cancel_each_order_once():
    orders = [awaiting_redirect() for _ in range(4)]
    results = run_together([lambda: cancel_stale("--older-than", "1d"), lambda: cancel_stale("--older-than", "1d")])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r.count("] canceled ") for r in results) == 4
    for order in orders:
        assert OrderEvent.objects.filter(order=order, type="order.canceled").count() == 1
        assert on_hand(order) == 10
