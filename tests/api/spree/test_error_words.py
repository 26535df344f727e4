"""Spree's errors are keyed by Spree's field names, never by another dialect's."""

import pytest

from checkout.models import Order
from tests.api.spree.test_checkout_guest import address, create

pytestmark = pytest.mark.usefixtures("shop")


def test_an_idempotency_key_too_long_is_keyed_in_spree_words_not_by_glues_attribute(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    confirm = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": "2"}]}})
    assert confirm.json()["state"] == "confirm"

    response = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token},
                         **{"Idempotency-Key": "k" * 256})

    assert response.status_code == 400
    assert response.json()["errors"] == {"idempotency_key": ["An Idempotency-Key may be at most 255 characters long."]}
    assert not Order.objects.filter(number=number).exists()
