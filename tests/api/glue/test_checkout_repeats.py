"""Repeating POST /checkout (Glue): after it placed the cart, with another body, after the worker died."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkout.models import CheckoutClaim, IdempotencyKey, Order
from checkout.placement import CLAIM_TIMEOUT
from payments.models import PaymentAttempt
from payments.providers.dummy import DummyInvoicePlugin
from tests.api.glue.test_checkout import GUEST, guest_cart, seed_000_checkout

pytestmark = pytest.mark.usefixtures("shop")
CART_NOT_FOUND = {"status": "404", "code": "1103", "detail": "Cart not found.", "source": {"pointer": "/data"}}


class WorkerKilled(BaseException):
    """What a worker killed mid-request leaves: nothing of it runs any more (no except, no finally of ours)."""


def keyed(key: str) -> dict:
    return {**GUEST, "Idempotency-Key": key}


def other_payment(body):
    body["data"]["attributes"]["payments"] = [{"paymentMethodName": "redirect",
                                               "paymentProviderName": "DummyExternalPayment"}]


def unknown_shipment_method(body):
    body["data"]["attributes"]["shipment"] = {"idShipmentMethod": 999}


def other_email(body):
    body["data"]["attributes"]["customer"]["email"] = "someone.else@example.com"


# --- a cart that already became an order -------------------------------------------------------


def test_the_same_request_again_gets_the_order_its_cart_became(glue):
    cart = guest_cart("066_23294028")
    first = glue.post("/checkout", seed_000_checkout(cart), **GUEST)
    again = glue.post("/checkout", seed_000_checkout(cart), **GUEST)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["data"] == first.json()["data"]
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(cart_uuid=cart.uuid).count() == 1


@pytest.mark.parametrize("change", [other_payment, unknown_shipment_method, other_email])
def test_another_request_for_a_cart_that_became_an_order_finds_no_cart(glue, change):
    cart = guest_cart("066_23294028")
    placed = glue.post("/checkout", seed_000_checkout(cart), **GUEST)
    assert placed.status_code == 201
    body = seed_000_checkout(cart)
    change(body)
    response = glue.post("/checkout", body, **keyed("another-request"))
    assert response.status_code == 404
    assert response.json()["errors"] == [{**CART_NOT_FOUND, "meta": {"idCart": str(cart.uuid)}}]
    order = Order.objects.get(cart_uuid=cart.uuid)  # the first one, as it was
    assert order.reference == placed.json()["data"]["attributes"]["orderReference"]
    assert (order.email, order.payments.get().method.name) == ("spencor.hopkin@spryker.com", "invoice")
    assert not IdempotencyKey.objects.filter(key="another-request").exists()


def test_a_repeat_under_a_new_key_completes_that_key_with_the_order(glue):
    cart = guest_cart("066_23294028")
    placed = glue.post("/checkout", seed_000_checkout(cart), **keyed("first-try"))
    repeat = glue.post("/checkout", seed_000_checkout(cart), **keyed("second-try"))
    again = glue.post("/checkout", seed_000_checkout(cart), **keyed("second-try"))
    assert (placed.status_code, repeat.status_code, again.status_code) == (201, 201, 201), again.json()
    assert repeat.json()["data"] == again.json()["data"] == placed.json()["data"]
    order = Order.objects.get(cart_uuid=cart.uuid)
    keys = IdempotencyKey.objects.filter(key__endswith="-try").order_by("key")
    assert list(keys.values_list("key", "state", "order")) == [
        ("first-try", "completed", order.pk), ("second-try", "completed", order.pk)]


# --- a worker killed mid-checkout ---------------------------------------------------------------


def checkout_killed_during_payment(glue, monkeypatch, cart, key: str) -> None:
    """The worker dies while the provider is asked: the key, the claim and the journal stay as it left them."""
    def die(self, request):
        raise WorkerKilled()

    with monkeypatch.context() as patched:
        patched.setattr(DummyInvoicePlugin, "authorize", die)
        with pytest.raises(WorkerKilled):
            glue.post("/checkout", seed_000_checkout(cart), **keyed(key))
    assert IdempotencyKey.objects.get(key=key).state == "started"
    assert CheckoutClaim.objects.filter(cart_uuid=cart.uuid).exists()
    assert PaymentAttempt.objects.get(cart_uuid=cart.uuid).status == "started"


def time_passes(delta: timedelta) -> None:
    IdempotencyKey.objects.update(created_at=timezone.now() - delta)
    CheckoutClaim.objects.update(claimed_at=timezone.now() - delta)
    PaymentAttempt.objects.update(created_at=timezone.now() - delta)


def test_a_retry_after_the_worker_died_places_the_order_once_its_claim_is_stale(glue, monkeypatch):
    cart = guest_cart("066_23294028")
    checkout_killed_during_payment(glue, monkeypatch, cart, "dying-key")
    soon = glue.post("/checkout", seed_000_checkout(cart), **keyed("dying-key"))
    assert soon.status_code == 409  # the first request may still be running
    assert [e["code"] for e in soon.json()["errors"]] == ["checkout_in_progress"]
    time_passes(CLAIM_TIMEOUT + timedelta(seconds=10))
    retry = glue.post("/checkout", seed_000_checkout(cart), **keyed("dying-key"))
    assert retry.status_code == 201, retry.json()
    order = Order.objects.get(cart_uuid=cart.uuid)
    assert retry.json()["data"]["attributes"]["orderReference"] == order.reference
    assert IdempotencyKey.objects.get(key="dying-key").order == order
    again = glue.post("/checkout", seed_000_checkout(cart), **keyed("dying-key"))
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.json()["data"] == retry.json()["data"]


def test_a_retry_with_other_data_after_the_worker_died_is_a_new_request(glue, monkeypatch):
    cart = guest_cart("066_23294028")
    checkout_killed_during_payment(glue, monkeypatch, cart, "dying-key")
    time_passes(CLAIM_TIMEOUT + timedelta(seconds=10))
    body = seed_000_checkout(cart)
    other_email(body)
    retry = glue.post("/checkout", body, **keyed("dying-key"))
    assert retry.status_code == 201, retry.json()
    assert Order.objects.get(cart_uuid=cart.uuid).email == "someone.else@example.com"
