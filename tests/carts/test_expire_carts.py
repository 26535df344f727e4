"""python manage.py expire_carts: idle carts go, fresh carts and carts being checked out stay."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from carts.expiry import carts_expire
from carts.models import Cart, CartItem
from checkout.models import CheckoutClaim
from tests.factories import CartFactory, CartItemFactory
from tests.races import run_together

pytestmark = pytest.mark.django_db


def _idle(cart, days=8):
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=days))
    return cart


def _run(*args) -> str:
    out = StringIO()
    call_command("expire_carts", *args, stdout=out)
    return out.getvalue()


def test_carts_idle_for_longer_than_the_setting_are_deleted_with_their_items():
    old = _idle(CartFactory())
    CartItemFactory(cart=old)
    fresh = CartFactory()
    almost = _idle(CartFactory(), days=6)

    output = _run()

    assert not Cart.objects.filter(pk=old.pk).exists()
    assert not CartItem.objects.filter(cart_id=old.pk).exists()
    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh.pk, almost.pk}
    assert "batch 1: 1 carts expired so far" in output
    assert output.strip().endswith("1 carts expired.")


def test_the_expiry_follows_cart_expiry_days(settings):
    settings.CART_EXPIRY_DAYS = 2
    cart = _idle(CartFactory(), days=3)

    _run()

    assert not Cart.objects.filter(pk=cart.pk).exists()


def test_a_dry_run_counts_and_deletes_nothing():
    carts = [_idle(CartFactory()) for _ in range(3)]

    output = _run("--dry-run", "--batch-size", "2")

    assert Cart.objects.filter(pk__in=[c.pk for c in carts]).count() == 3
    assert "batch 2: 3 carts would expire so far" in output
    assert "3 carts would expire." in output


def test_a_cart_being_checked_out_is_kept():
    claimed = _idle(CartFactory())
    CheckoutClaim.objects.create(cart_uuid=claimed.uuid, token="t" * 32, claimed_at=timezone.now())
    stale = _idle(CartFactory())
    CheckoutClaim.objects.create(cart_uuid=stale.uuid, token="s" * 32, claimed_at=timezone.now() - timedelta(hours=2))

    assert carts_expire().expired == 1

    assert Cart.objects.filter(pk=claimed.pk).exists()
    assert not Cart.objects.filter(pk=stale.pk).exists()


@pytest.mark.parametrize("args", [["--days", "-1"], ["--batch-size", "0"]])
def test_bad_arguments_fail_with_a_message(args):
    with pytest.raises(CommandError):
        call_command("expire_carts", *args, stdout=StringIO())


@pytest.mark.parametrize("args", [["--days", "x"], ["--bogus"]])
def test_unparseable_arguments_exit_non_zero(args):
    with pytest.raises((CommandError, SystemExit)):
        call_command("expire_carts", *args, stdout=StringIO(), stderr=StringIO())


def test_help_describes_the_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("expire_carts", "--help")
    assert exit_.value.code == 0
    assert "CART_EXPIRY_DAYS" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_runs_at_once_delete_each_cart_once():
    carts = [_idle(CartFactory()) for _ in range(40)]

    results = run_together([lambda: carts_expire(batch_size=5), lambda: carts_expire(batch_size=5)])

    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(r.expired for r in results) == 40
    assert not Cart.objects.filter(pk__in=[c.pk for c in carts]).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_cart_locked_by_a_request_is_skipped_not_waited_for():
    busy, idle = _idle(CartFactory()), _idle(CartFactory())
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            Cart.objects.select_for_update().get(pk=busy.pk)
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        assert carts_expire().expired == 1
    finally:
        release.set()
        holder.join(10)

    assert Cart.objects.filter(pk=busy.pk).exists()
    assert not Cart.objects.filter(pk=idle.pk).exists()
