"""Vouchers on carts (Glue): POST /carts/{uuid}/vouchers, DELETE /carts/{uuid}/vouchers/{code}, the same for
guest carts, and under Spryker's earlier name cart-codes.

Errors are Spryker's CartCodesRestApi codes: 3301 cart or voucher not found, 3302 a code
that does not exist or cannot be used.
"""

import pytest

from carts.models import CartVoucher
from discounts.models import CartRule, Voucher

pytestmark = pytest.mark.usefixtures("shop")

MY_CART = "fe6969e9-09aa-5183-b911-0a9218ed21bb"
GUEST_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"
GUEST = {"X-Anonymous-Customer-Unique-Id": "demo-guest-0001"}


@pytest.fixture
def spencor(glue):
    response = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": "spencor.hopkin@spryker.com", "password": "change123"}}})
    return {"Authorization": f"Bearer {response.json()['data']['attributes']['accessToken']}"}


def voucher(code, type_="vouchers"):
    return {"data": {"type": type_, "attributes": {"code": code}}}


def codes_on(cart_uuid) -> list[str]:
    return list(CartVoucher.objects.filter(cart__uuid=cart_uuid).values_list("code", flat=True))


def test_a_customer_applies_a_voucher_and_the_cart_shows_its_discount(glue, spencor):
    response = glue.post(f"/carts/{MY_CART}/vouchers", voucher("save5"), **spencor)
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("carts", MY_CART)
    attributes = data["attributes"]
    # 10 % of 66530 first (6653), then €5 off what is left.
    assert attributes["discounts"] == [
        {"displayName": "10% Discount for all orders above", "amount": 6653, "code": None},
        {"displayName": "€5 off with a voucher", "amount": 500, "code": "SAVE5"},
    ]
    assert (attributes["totals"]["discountTotal"], attributes["totals"]["grandTotal"]) == (7153, 59377)
    assert codes_on(MY_CART) == ["SAVE5"]


def test_applying_the_same_code_twice_keeps_one(glue, spencor):
    glue.post(f"/carts/{MY_CART}/vouchers", voucher("SAVE5"), **spencor)
    again = glue.post(f"/carts/{MY_CART}/vouchers", voucher("Save5"), **spencor)
    assert again.status_code == 201
    assert codes_on(MY_CART) == ["SAVE5"]


def test_an_unknown_code_is_refused_with_3302(glue, spencor):
    response = glue.post(f"/carts/{MY_CART}/vouchers", voucher("NOPE-123"), **spencor)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"], error["source"]["pointer"]) == ("422", "3302", "/data/attributes/code")
    assert "NOPE-123" in error["detail"]
    assert codes_on(MY_CART) == []


def test_a_voucher_that_cannot_be_used_says_why(glue, spencor):
    Voucher.objects.create(code="OLD5", rule=CartRule.objects.get(name="€5 off with a voucher"), is_active=False)
    response = glue.post(f"/carts/{MY_CART}/vouchers", voucher("OLD5"), **spencor)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["code"] == "3302" and error["meta"]["reason"] == "inactive"
    assert codes_on(MY_CART) == []


def test_a_voucher_that_stops_applying_is_left_out_of_the_totals_not_an_error(glue):
    Voucher.objects.filter(code="SAVE5").update(is_active=False)
    response = glue.get(f"/guest-carts/{GUEST_CART}", **GUEST)
    assert response.status_code == 200
    assert [d["code"] for d in response.json()["data"]["attributes"]["discounts"]] == [None]
    assert codes_on(GUEST_CART) == ["SAVE5"]  # still on the cart; checkout will refuse it with its reason


def test_a_customer_removes_a_voucher(glue, spencor):
    glue.post(f"/carts/{MY_CART}/vouchers", voucher("SAVE5"), **spencor)
    response = glue.delete(f"/carts/{MY_CART}/vouchers/save5", **spencor)
    assert response.status_code == 204 and response.content == b""
    assert codes_on(MY_CART) == []
    again = glue.delete(f"/carts/{MY_CART}/vouchers/SAVE5", **spencor)
    assert again.status_code == 404
    (error,) = again.json()["errors"]
    assert (error["status"], error["code"]) == ("404", "3301")


def test_a_guest_removes_and_applies_a_voucher(glue):
    assert glue.delete(f"/guest-carts/{GUEST_CART}/vouchers/SAVE5", **GUEST).status_code == 204
    assert codes_on(GUEST_CART) == []
    response = glue.post(f"/guest-carts/{GUEST_CART}/vouchers", voucher("SAVE5"), **GUEST)
    assert response.status_code == 201
    assert response.json()["data"]["type"] == "guest-carts"
    assert codes_on(GUEST_CART) == ["SAVE5"]


def test_vouchers_are_also_served_as_cart_codes(glue, spencor):
    response = glue.post(f"/carts/{MY_CART}/cart-codes", voucher("SAVE5", "cart-codes"), **spencor)
    assert response.status_code == 201, response.json()
    assert codes_on(MY_CART) == ["SAVE5"]
    assert glue.delete(f"/carts/{MY_CART}/cart-codes/SAVE5", **spencor).status_code == 204
    assert codes_on(MY_CART) == []
    wrong = glue.post(f"/carts/{MY_CART}/cart-codes", voucher("SAVE5"), **spencor)
    assert wrong.status_code == 409 and wrong.json()["errors"][0]["code"] == "wrong_resource_type"


@pytest.mark.parametrize("body", [voucher(""), voucher(None), voucher(5), voucher("x" * 101),
                                  {"data": {"type": "vouchers"}}])
def test_a_missing_code_is_a_validation_error(glue, spencor, body):
    response = glue.post(f"/carts/{MY_CART}/vouchers", body, **spencor)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["code"], error["source"]["pointer"]) == ("901", "/data/attributes/code")


def test_someone_elses_cart_is_not_found_for_vouchers(glue, spencor):
    applied = glue.post(f"/guest-carts/{GUEST_CART}/vouchers", voucher("SAVE5"),
                        **{"X-Anonymous-Customer-Unique-Id": "someone-else"})
    assert applied.status_code == 404 and applied.json()["errors"][0]["code"] == "3301"
    removed = glue.delete(f"/carts/{GUEST_CART}/vouchers/SAVE5", **spencor)
    assert removed.status_code == 404 and removed.json()["errors"][0]["code"] == "3301"
    assert codes_on(GUEST_CART) == ["SAVE5"]


def test_the_cart_includes_its_vouchers_and_cart_rules_as_glue_shows_them(glue):
    response = glue.get(f"/guest-carts/{GUEST_CART}?include=vouchers,cart-rules", **GUEST)
    assert response.status_code == 200
    body = response.json()
    rule = CartRule.objects.get(name="10% Discount for all orders above")
    assert body["data"]["relationships"] == {
        "vouchers": {"data": [{"type": "vouchers", "id": "SAVE5"}]},
        "cart-rules": {"data": [{"type": "cart-rules", "id": str(rule.pk)}]},
    }
    included = {(r["type"], r["id"]): r for r in body["included"]}
    assert included["vouchers", "SAVE5"]["attributes"] == {
        "amount": 500, "code": "SAVE5", "discountType": "voucher", "displayName": "€5 off with a voucher",
        "isExclusive": False, "expirationDateTime": None, "discountPromotionAbstractSku": None,
        "discountPromotionQuantity": None,
    }
    cart_rule = included["cart-rules", str(rule.pk)]["attributes"]
    assert (cart_rule["amount"], cart_rule["code"], cart_rule["discountType"]) == (6494, None, "cart_rule")
    assert included["vouchers", "SAVE5"]["links"]["self"].endswith("/vouchers/SAVE5")


def test_an_unknown_include_is_refused_before_the_voucher_is_applied(glue, spencor):
    response = glue.post(f"/carts/{MY_CART}/vouchers?include=gift-wrapping", voucher("SAVE5"), **spencor)
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/include"
    assert codes_on(MY_CART) == []
