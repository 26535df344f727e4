"""Repeating POST /checkout (Glue): after it placed the cart, and with another body."""

import pytest

from checkout.models import IdempotencyKey, Order
from tests.api.glue.test_checkout import GUEST, guest_cart, seed_000_checkout

pytestmark = pytest.mark.usefixtures("shop")
CART_NOT_FOUND = {"status": "404", "code": "1103", "detail": "Cart not found.", "source": {"pointer": "/data"}}


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
