"""reconcile_checkouts: reports what crashed checkouts left behind, and with --fix repairs it."""

import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from checkout.models import CheckoutClaim, IdempotencyKey, Order
from payments.models import PaymentAttempt
from payments.providers.dummy import DummyInvoicePlugin
from shipping.models import RentalBooking, StockAllocation, StockItem
from tests.factories import OrderFactory, PaymentMethodFactory, RentalBookingFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = timezone.now() - timedelta(days=2)


def reconcile(*args) -> str:
    out = StringIO()
    call_command("reconcile_checkouts", *args, stdout=out, stderr=out)
    return out.getvalue()


def attempt(*, status="authorized", age=timedelta(hours=1), **kwargs) -> PaymentAttempt:
    kwargs.setdefault("cart_uuid", uuid.uuid4())
    made = PaymentAttempt.objects.create(method=PaymentMethodFactory(), amount=2500, currency="EUR", status=status,
                                         transaction_id=f"tx-{uuid.uuid4().hex[:8]}", **kwargs)
    PaymentAttempt.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
    return made


def claim(*, age: timedelta, cart_uuid=None) -> CheckoutClaim:
    return CheckoutClaim.objects.create(cart_uuid=cart_uuid or uuid.uuid4(), token="t", claimed_at=timezone.now() - age)


def status(made: PaymentAttempt) -> str:
    made.refresh_from_db()
    return made.status


def test_a_payment_authorised_without_an_order_is_reported_then_voided_with_the_provider(monkeypatch):
    voided = []
    monkeypatch.setattr(DummyInvoicePlugin, "void", lambda self, *, transaction_id: voided.append(transaction_id))
    orphan, young = attempt(), attempt(age=timedelta(minutes=2))
    attached = attempt(status="attached", order=OrderFactory(at_complete=True))
    report = reconcile()
    assert "Payments without an order: 1" in report and str(orphan.uuid) in report
    assert status(orphan) == "authorized" and voided == []  # a report changes nothing
    out = reconcile("--fix")
    assert "voided payment attempt" in out and "fixed 1" in out
    assert voided == [orphan.transaction_id]
    assert (status(orphan), status(young), status(attached)) == ("voided", "authorized", "attached")
    assert "Payments without an order: 0" in reconcile("--fix")


def test_a_failing_void_is_reported_and_the_command_exits_non_zero(monkeypatch):
    def refuse(self, *, transaction_id):
        raise ConnectionError("provider unreachable")

    monkeypatch.setattr(DummyInvoicePlugin, "void", refuse)
    orphan = attempt()
    with pytest.raises(CommandError, match="1 repairs failed"):
        reconcile("--fix")
    assert status(orphan) == "authorized"  # still there for the next run


def test_an_order_stuck_in_checkout_holding_stock_gives_it_back_and_is_kept():
    order = OrderFactory(at_confirm=True, stock_reserved_at=timezone.now())
    Order.objects.filter(pk=order.pk).update(updated_at=LONG_AGO)
    item = order.line_items.get()
    stock = StockItem.objects.get(variant=item.variant)
    assert stock.count_on_hand == 8
    assert f"order {order.number} in confirm" in reconcile() and ", holds stock" in reconcile()
    reconcile("--fix")
    stock.refresh_from_db()
    assert stock.count_on_hand == 10
    assert not StockAllocation.objects.filter(line_item=item, released_at__isnull=True).exists()
    order.refresh_from_db()
    assert order.state == "confirm" and order.stock_reserved_at is None  # kept: it is never deleted


def test_an_order_recently_in_checkout_is_not_stuck():
    OrderFactory(at_confirm=True, stock_reserved_at=timezone.now())
    assert "Orders stuck in checkout for more than 1 day, 0:00:00: 0" in reconcile()


def test_stock_still_held_for_a_canceled_order_is_given_back():
    order = OrderFactory(placed=True, state="canceled", contents="complete", stock_reserved_at=timezone.now())
    stock = StockItem.objects.get(variant=order.line_items.get().variant)
    assert "still held for canceled order" in reconcile()
    reconcile("--fix")
    stock.refresh_from_db()
    assert stock.count_on_hand == 10
    assert "Stock held past its time: 0" in reconcile()


def test_a_rental_that_has_ended_has_its_booking_closed_and_a_future_one_is_kept():
    ended = RentalBookingFactory(starts_at=LONG_AGO - timedelta(days=3), ends_at=LONG_AGO)
    future = RentalBookingFactory()
    reconcile("--fix")
    assert RentalBooking.objects.get(pk=ended.pk).released_at is not None
    assert RentalBooking.objects.get(pk=future.pk).released_at is None


def test_stale_claims_are_removed_unless_money_is_held_for_their_cart():
    stale, fresh = claim(age=timedelta(minutes=30)), claim(age=timedelta(seconds=10))
    held = claim(age=timedelta(minutes=30))
    attempt(age=timedelta(minutes=5), cart_uuid=held.cart_uuid)  # young: not voided yet
    report = reconcile()
    assert "Checkout claims of placements that did not finish: 2" in report and "money held for it" in report
    reconcile("--fix")
    assert set(CheckoutClaim.objects.values_list("pk", flat=True)) == {fresh.pk, held.pk}
    assert not CheckoutClaim.objects.filter(cart_uuid=stale.cart_uuid).exists()


def key(name: str, *, age: timedelta, claimed_for: timedelta | None = None, order=None) -> IdempotencyKey:
    """A key as its request left it: started (or completed with ``order``), and its claim ``claimed_for`` ago."""
    made = IdempotencyKey.objects.create(scope="guest:g-1", operation="place_order", key=name, fingerprint="f",
                                         token=f"token-{name}", state="completed" if order else "started",
                                         order=order)
    IdempotencyKey.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
    if claimed_for is not None:
        CheckoutClaim.objects.create(cart_uuid=uuid.uuid4(), token=made.token, claimed_at=timezone.now() - claimed_for)
    return made


def test_the_idempotency_keys_of_requests_that_died_are_released():
    key("died-paying", age=timedelta(minutes=10), claimed_for=timedelta(minutes=10))
    key("died-after-its-claim", age=timedelta(minutes=10))
    key("claim-still-live", age=timedelta(minutes=3, seconds=5), claimed_for=timedelta(minutes=2, seconds=55))
    key("just-begun", age=timedelta(minutes=1))
    key("answered", age=timedelta(minutes=10), order=OrderFactory(at_complete=True))
    report = reconcile()
    assert "Idempotency keys of requests that died: 2" in report
    assert "key 'died-paying' of guest:g-1 (place_order)" in report and "'died-after-its-claim'" in report
    assert IdempotencyKey.objects.count() == 5  # a report changes nothing
    out = reconcile("--fix")
    assert "released 2 idempotency keys of requests that died" in out
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"claim-still-live", "just-begun", "answered"}
    assert "Idempotency keys of requests that died: 0" in reconcile("--fix")


def test_nothing_to_reconcile_says_so():
    assert "Nothing to reconcile." in reconcile("--fix")


def test_help_and_bad_arguments():
    shown = subprocess.run([sys.executable, "manage.py", "reconcile_checkouts", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--fix" in shown.stdout and "authorised payment" in shown.stdout
    with pytest.raises(CommandError, match="--stuck-hours must be more than 0"):
        reconcile("--stuck-hours", "0")
