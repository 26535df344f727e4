"""order_place after a crash, a stall or beside another placement: an Idempotency-Key is released by the
rule that takes over a stale claim, a key once released never answers for an order (no second order under
one key), and only the cart's owner learns that it is being checked out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carts.exceptions import CartNotFound
from checkout.exceptions import CheckoutInProgress
from checkout.models import CheckoutClaim, IdempotencyKey, Order
from checkout.placement import CLAIM_TIMEOUT, Shopper
from checkout.reconciliation import checkouts_reconcile
from payments.models import PaymentAttempt
from payments.providers.dummy import DummyInvoicePlugin
from tests.checkout.test_place_order import cart_with, place, shop  # noqa: F401 - shop: the demo, for every test

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a worker killed mid-request leaves: nothing of it runs any more (no except, no finally of ours)."""


def time_passes(delta: timedelta) -> None:
    """Every row a placement wrote is ``delta`` older, as if it had waited that long."""
    IdempotencyKey.objects.update(created_at=timezone.now() - delta)
    CheckoutClaim.objects.update(claimed_at=timezone.now() - delta)
    PaymentAttempt.objects.update(created_at=timezone.now() - delta)


def test_a_placement_killed_while_paying_is_repaired_by_reconcile_and_its_retry_places_the_order(monkeypatch):
    cart = cart_with({"047_26408568": 1})

    def die(self, request):
        raise WorkerKilled()

    with monkeypatch.context() as patched:
        patched.setattr(DummyInvoicePlugin, "authorize", die)
        with pytest.raises(WorkerKilled):
            place(cart, idempotency_key="k-killed")
    with pytest.raises(CheckoutInProgress):  # it may still be running, for all anyone knows
        place(cart, idempotency_key="k-killed")
    time_passes(timedelta(minutes=20))

    checkouts_reconcile(fix=True)

    assert not IdempotencyKey.objects.filter(key="k-killed").exists()
    assert not CheckoutClaim.objects.exists()
    assert PaymentAttempt.objects.get(cart_uuid=cart.uuid).status == "voided"
    retry = place(cart, idempotency_key="k-killed")
    assert not retry.replayed and retry.order.state == "complete"
    assert IdempotencyKey.objects.get(key="k-killed").order == retry.order


def test_a_request_whose_key_was_released_while_it_paid_places_nothing_and_its_retry_places_one_order(monkeypatch):
    cart = cart_with({"047_26408568": 1})
    authorize = DummyInvoicePlugin.authorize

    def stall(self, request):
        # The provider answers after the claim went stale; reconciliation released the key meanwhile
        # (and kept the claim: money may be held for it).
        time_passes(CLAIM_TIMEOUT + timedelta(minutes=1))
        checkouts_reconcile(fix=True)
        assert not IdempotencyKey.objects.filter(key="k-slow").exists() and CheckoutClaim.objects.exists()
        return authorize(self, request)

    with monkeypatch.context() as patched:
        patched.setattr(DummyInvoicePlugin, "authorize", stall)
        with pytest.raises(CheckoutInProgress, match="Idempotency-Key was released"):
            place(cart, idempotency_key="k-slow", keep_cart=True)
    assert not Order.objects.filter(cart_uuid=cart.uuid).exists()
    assert PaymentAttempt.objects.get(cart_uuid=cart.uuid).status == "voided"
    assert not CheckoutClaim.objects.exists()

    first = place(cart, idempotency_key="k-slow", keep_cart=True)
    again = place(cart, idempotency_key="k-slow", keep_cart=True)
    assert again.replayed and again.order == first.order
    assert Order.objects.filter(cart_uuid=cart.uuid).count() == 1


def test_a_cart_being_checked_out_is_409_for_its_owner_and_not_found_for_anyone_else():
    cart = cart_with({"047_26408568": 1})
    CheckoutClaim.objects.create(cart_uuid=cart.uuid, token="another-placement", claimed_at=timezone.now())
    with pytest.raises(CheckoutInProgress):
        place(cart)
    with pytest.raises(CartNotFound):
        place(cart, shopper=Shopper(anonymous_id="someone-else"))
    assert CheckoutClaim.objects.get(cart_uuid=cart.uuid).token == "another-placement"


def test_someone_elses_checkout_of_a_cart_claims_nothing_of_it():
    """A request for a cart that is not the shopper's takes no claim on it: not the stale claim of its
    owner's crashed placement (which reconciliation must still find), nor a fresh one (its owner would
    see a 409 meanwhile)."""
    cart = cart_with({"047_26408568": 1})
    crashed_at = timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1)
    CheckoutClaim.objects.create(cart_uuid=cart.uuid, token="crashed-placement", claimed_at=crashed_at)

    with pytest.raises(CartNotFound):
        place(cart, shopper=Shopper(anonymous_id="someone-else"))

    assert list(CheckoutClaim.objects.values_list("cart_uuid", "token", "claimed_at")) == [
        (cart.uuid, "crashed-placement", crashed_at)]
