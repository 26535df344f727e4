"""Garbage in never gives a 500: malformed bodies are 400, wrong values 422, unknown paths 404, in Spree's shape."""

import pytest

from checkout.models import CheckoutDraft

pytestmark = pytest.mark.usefixtures("shop")

INVALID = "Invalid resource. Please fix errors and try again."


@pytest.fixture
def order(spree):
    return spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}],
                                                "email": "e@example.com"}}).json()


def test_malformed_json_is_400(spree):
    response = spree.post("/api/orders.json", raw='{"order": {')
    assert response.status_code == 400
    assert response.json()["error"] == "The request body is not valid JSON."


@pytest.mark.parametrize("body, errors", [
    ([1, 2], {"base": ["The body must be a JSON object."]}),
    ({"order": "x"}, {"base": ["order must be an object."]}),
    ({"order": {"line_items": "x"}}, {"line_items": ["Expected a list or a hash of objects."]}),
    ({"order": {"line_items": [5]}}, {"line_items": ["Each entry must be an object."]}),
    ({"order": {"line_items": [{"quantity": 1}]}}, {"line_items.variant_id": ["variant_id is required."]}),
    ({"order": {"line_items": [{"variant_id": 6, "quantity": "abc"}]}},
     {"line_items.quantity": ["must be a whole number from 1 to 10000"]}),
    ({"order": {"line_items": [{"variant_id": 6, "quantity": 0}]}},
     {"line_items.quantity": ["must be a whole number from 1 to 10000"]}),
    ({"order": {"line_items": [{"variant_id": 999999, "quantity": 1}]}},
     {"line_items.variant_id": ["There is no variant 999999."]}),
    ({"order": {"line_items": [{"variant_id": True, "quantity": 1}]}},
     {"line_items.variant_id": ["must be a whole number from 0 to 1000000000000"]}),
    ({"order": {"rental_start_date": "soon"}},
     {"rental_start_date": ["is not a date (use 2015-02-03 or 2015-02-03T21:05:51Z)"]}),
    ({"order": {"rental_start_date": "2015-13-45"}},
     {"rental_start_date": ["is not a date (use 2015-02-03 or 2015-02-03T21:05:51Z)"]}),
    ({"order": {"zipcode": {"a": 1}}}, {"zipcode": ["must be a text of at most 20 characters"]}),
])
def test_garbage_orders_are_422_and_create_nothing(spree, body, errors):
    response = spree.post("/api/orders", body)
    assert response.status_code == 422, response.content
    assert response.json() == {"error": INVALID, "errors": errors}
    assert not CheckoutDraft.objects.exists()


@pytest.mark.parametrize("body", [
    {"order": {"bill_address_attributes": "x"}},
    {"order": {"bill_address_attributes": {"firstname": ["x"]}}},
    {"order": {"ship_address_attributes": {"firstname": "A", "country_id": "abc", "state_id": {}}}},
    {"order": {"payments_attributes": [{"payment_method_id": "999"}]}},
    {"order": {"payments_attributes": [{"payment_method_id": "1"}]}, "payment_source": "x"},
    {"order": {"payments_attributes": [{"payment_method_id": "1"}]}, "payment_source": {"1": "x"}},
    {"order": {"payments_attributes": [{"payment_method_id": "1"}]},
     "payment_source": {"1": {"number": "4111111111111112", "month": "1", "year": "2035", "verification_value": "1"}}},
    {"order": {"existing_card": "abc"}},
    {"order": {"shipments_attributes": {"0": {"id": 1}}}},
    {"order": {"shipments_attributes": {"0": {"selected_shipping_rate_id": 999, "id": 1}}}},
    {"order": {"email": "not-an-email"}},
    {"order": {"email": 5}},
])
def test_garbage_checkout_updates_are_4xx_and_change_nothing(spree, order, body):
    spree.put(f"/api/checkouts/{order['number']}/next", {"order_token": order["token"]})
    before = CheckoutDraft.objects.values().get(number=order["number"])
    response = spree.put(f"/api/checkouts/{order['number']}.json", {**body, "order_token": order["token"]})
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"error", "errors"}
    assert CheckoutDraft.objects.values().get(number=order["number"]) == before


def test_an_unknown_line_item_is_404(spree, order):
    response = spree.put(f"/api/orders/{order['number']}/line_items/999999",
                         {"line_item": {"quantity": 2}, "order_token": order["token"]})
    assert response.status_code == 404


def test_line_items_change_and_go(spree, order):
    item = order["line_items"][0]["id"]
    token = {"order_token": order["token"]}
    response = spree.put(f"/api/orders/{order['number']}/line_items/{item}.json", {"line_item": {"quantity": 4}, **token})
    assert response.status_code == 200 and response.json()["quantity"] == 4
    assert response.json()["total"] == "231.20"
    response = spree.delete(f"/api/orders/{order['number']}/line_items/{item}.json?order_token={order['token']}")
    assert response.status_code == 204
    assert spree.get(f"/api/orders/{order['number']}?order_token={order['token']}").json()["line_items"] == []


def test_a_nul_character_in_the_path_is_a_spree_400(client):
    response = client.get("/api/orders/R1%00.json")
    assert response.status_code == 400
    assert response.json() == {"error": "The request may not contain NUL characters.", "errors": {}}


def test_an_unknown_path_is_a_spree_404(spree):
    response = spree.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"error": "The resource you were looking for could not be found."}


def test_a_wrong_method_is_405_in_spree_shape(spree):
    response = spree.delete("/api/orders.json")
    assert response.status_code == 405 and "error" in response.json()
