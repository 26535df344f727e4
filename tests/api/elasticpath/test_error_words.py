"""Elastic Path's errors name the request's fields in Elastic Path's words, never in another dialect's."""

from checkout.models import Order
from tests.api.elasticpath.helpers import BERLIN_SHIPPING, add_item, checkout_body, guest_checkout


def test_an_idempotency_key_too_long_is_named_by_its_header_not_by_glues_attribute(shop, ep):
    add_item(ep, "long-key", "066_23294028", 1)
    orders = Order.objects.count()

    response = guest_checkout(ep, "long-key", **{"Idempotency-Key": "k" * 256})

    assert response.status_code == 400
    assert response.json() == {"errors": [{
        "status": 400, "title": "Bad Request", "detail": "An Idempotency-Key may be at most 255 characters long.",
        "meta": {"code": "idempotency_key_invalid", "source": "Idempotency-Key"}}]}
    assert Order.objects.count() == orders


def test_a_shipping_address_the_shop_cannot_use_names_the_shipping_address_field(shop, ep):
    add_item(ep, "bad-shipping", "066_23294028", 1)
    orders = Order.objects.count()
    body = checkout_body(customer={"name": "Ada", "email": "ada@example.com"},
                         shipping_address={**BERLIN_SHIPPING, "postcode": "1O115"})

    response = ep.post("/v2/carts/bad-shipping/checkout", body)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert "postal code" in error["detail"]
    assert error["meta"]["source"] == "data.shipping_address.postcode"
    assert Order.objects.count() == orders
