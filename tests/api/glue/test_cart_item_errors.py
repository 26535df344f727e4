"""What a storefront gets back for every kind of bad cart item request: a JSON:API error with
Spryker's code and a pointer, the cart unchanged, never a 500.
"""

import json

import pytest

from carts.models import Cart, CartItem

pytestmark = pytest.mark.usefixtures("shop")

GUEST = {"X-Anonymous-Customer-Unique-Id": "demo-guest-0001"}
GUEST_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"
ITEMS = f"/guest-carts/{GUEST_CART}/guest-cart-items"
BEFORE = [("066_23294028", 1), ("078_24602396", 1)]


def items_of(cart_uuid=GUEST_CART) -> list:
    return sorted(CartItem.objects.filter(cart__uuid=cart_uuid).values_list("variant__sku", "quantity"))


def item(**attributes):
    return {"data": {"type": "guest-cart-items", "attributes": attributes}}


def only_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/vnd.api+json"
    (error,) = response.json()["errors"]
    assert error["status"] == str(status)
    return error


@pytest.mark.parametrize("raw", ['{"data": {', "not json", "", "[1, 2]", '{"data": []}', '"text"'])
def test_a_body_that_is_not_a_document_is_a_400(glue, raw):
    error = only_error(glue.post(ITEMS, raw=raw, **GUEST), 400)
    assert error["code"] == "bad_request"
    assert items_of() == BEFORE


def test_the_wrong_resource_type_is_a_409(glue):
    body = {"data": {"type": "items", "attributes": {"sku": "047_26408568", "quantity": 1}}}
    error = only_error(glue.post(ITEMS, body, **GUEST), 409)
    assert (error["code"], error["source"]["pointer"]) == ("wrong_resource_type", "/data/type")
    assert items_of() == BEFORE


@pytest.mark.parametrize(("attributes", "pointer"), [
    ({"quantity": 1}, "/data/attributes/sku"),
    ({"sku": "", "quantity": 1}, "/data/attributes/sku"),
    ({"sku": 47, "quantity": 1}, "/data/attributes/sku"),
    ({"sku": "047_26408568"}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": None}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": 0}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": "0"}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": -1}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": "-1"}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": 1.5}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": "1.5"}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": "two"}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": True}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": [1]}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": 10 ** 30}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": 2 ** 63}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": "9" * 5000}, "/data/attributes/quantity"),
    ({"sku": "047_26408568", "quantity": 10_001}, "/data/attributes/quantity"),
])
def test_a_missing_or_impossible_sku_or_quantity_is_a_validation_error(glue, attributes, pointer):
    error = only_error(glue.post(ITEMS, item(**attributes), **GUEST), 422)
    assert (error["code"], error["source"]["pointer"]) == ("901", pointer)
    assert items_of() == BEFORE


def test_a_huge_quantity_in_raw_json_is_refused_too(glue):
    raw = '{"data": {"type": "guest-cart-items", "attributes": {"sku": "047_26408568", "quantity": ' + "9" * 400 + "}}}"
    error = only_error(glue.post(ITEMS, raw=raw, **GUEST), 422)
    assert error["code"] == "901"
    assert items_of() == BEFORE


@pytest.mark.parametrize("quantity", [0, -3, 2.5, "many", 10 ** 20])
def test_changing_a_quantity_to_something_impossible_is_refused(glue, quantity):
    body = {"data": {"type": "guest-cart-items", "attributes": {"quantity": quantity}}}
    error = only_error(glue.patch(f"{ITEMS}/066_23294028", body, **GUEST), 422)
    assert (error["code"], error["source"]["pointer"]) == ("901", "/data/attributes/quantity")
    assert items_of() == BEFORE


@pytest.mark.parametrize("sku", ["NO-SUCH-SKU", "x" * 200, "066_23294028'; DROP TABLE carts_cart; --"])
def test_an_unknown_sku_is_spryker_item_validation_102(glue, sku):
    error = only_error(glue.post(ITEMS, item(sku=sku, quantity=1), **GUEST), 422)
    assert (error["code"], error["source"]["pointer"]) == ("102", "/data/attributes/sku")
    assert error["meta"]["reason"] == "item_not_available"
    assert items_of() == BEFORE


def test_more_than_the_stock_is_item_validation_102(glue):
    # The Berlin warehouse holds 40 Sony Xperia; the cart has 1 already.
    error = only_error(glue.post(ITEMS, item(sku="078_24602396", quantity=40), **GUEST), 422)
    assert (error["code"], error["meta"]["reason"], error["meta"]["available"]) == ("102", "insufficient_stock", 40)
    assert "stock" in error["detail"]
    assert items_of() == BEFORE


def test_an_item_without_a_price_in_the_carts_currency_is_item_validation_102(glue):
    Cart.objects.filter(uuid=GUEST_CART).update(currency="USD")
    # The Sony Xperia has a EUR price only.
    error = only_error(glue.post(ITEMS, item(sku="078_24602396", quantity=1), **GUEST), 422)
    assert (error["code"], error["meta"]["reason"], error["meta"]["currency"]) == ("102", "currency_mismatch", "USD")
    assert items_of() == BEFORE


def test_errors_never_show_a_trace(glue):
    response = glue.post(ITEMS, raw=json.dumps(item(sku="047_26408568", quantity={"a": 1})), **GUEST)
    assert response.status_code == 422
    assert "Traceback" not in response.content.decode()
