"""Carts of registered customers (Glue): /carts, /carts/{uuid}, /carts/{uuid}/items[/{sku}], and the
guest cart merged into the customer's cart at login.

A customer is known by their bearer token only; another customer's cart is "not found"
(101), never shown. Shapes are Spryker's cart samples.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from carts.models import Cart, CartItem, CartVoucher
from checkout.models import CheckoutClaim
from customers.models import Customer

from .test_guest_carts import CART_KEYS, assert_cart_shape, assert_item_shape

pytestmark = pytest.mark.usefixtures("shop")

SPENCOR, SONIA = "spencor.hopkin@spryker.com", "sonia@spryker.com"
MY_CART = "fe6969e9-09aa-5183-b911-0a9218ed21bb"
DEMO_GUEST_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"
GUEST_HEADER = "X-Anonymous-Customer-Unique-Id"


@pytest.fixture
def login(glue):
    def token_for(email: str, **headers) -> dict:
        response = glue.post("/access-tokens", {"data": {"type": "access-tokens",
                                                         "attributes": {"username": email, "password": "change123"}}},
                             **headers)
        assert response.status_code == 201, response.json()
        return {"Authorization": f"Bearer {response.json()['data']['attributes']['accessToken']}"}

    return token_for


def items_of(cart_uuid) -> list:
    return sorted(CartItem.objects.filter(cart__uuid=cart_uuid).values_list("variant__sku", "quantity"))


def new_cart(name="Wishlist", **attributes):
    return {"data": {"type": "carts", "attributes": {"name": name, "priceMode": "GROSS_MODE", "currency": "EUR",
                                                     "store": "DE", **attributes}}}


def test_a_customer_lists_their_carts_with_items(glue, login):
    response = glue.get("/carts?include=items", **login(SPENCOR))
    assert response.status_code == 200
    body = response.json()
    (cart,) = body["data"]
    assert_cart_shape(cart, "carts")
    assert cart["id"] == MY_CART and body["links"]["self"].endswith("/carts?include=items")
    attributes = cart["attributes"]
    assert (attributes["name"], attributes["isDefault"], attributes["priceMode"]) == ("My Cart", True, "GROSS_MODE")
    # Two Chromebooks (2 × 33265): 10 % off is 6653; tax 59877 × 19/119 = 9560.2.
    assert attributes["totals"] == {"expenseTotal": 0, "discountTotal": 6653, "taxTotal": 9560, "subtotal": 66530,
                                    "grandTotal": 59877, "priceToPay": 59877}
    assert attributes["discounts"] == [{"displayName": "10% Discount for all orders above", "amount": 6653,
                                        "code": None}]
    assert cart["relationships"] == {"items": {"data": [{"type": "items", "id": "136_24425591"}]}}
    (item,) = body["included"]
    assert item["type"] == "items" and item["links"]["self"].endswith(f"/carts/{MY_CART}/items/136_24425591")
    assert_item_shape(item)
    calculations = item["attributes"]["calculations"]
    assert calculations == {
        "unitPrice": 33265, "sumPrice": 66530, "taxRate": 19, "unitNetPrice": 0, "sumNetPrice": 0,
        "unitGrossPrice": 33265, "sumGrossPrice": 66530, "unitTaxAmountFullAggregation": 4780,
        "sumTaxAmountFullAggregation": 9560, "sumSubtotalAggregation": 66530, "unitSubtotalAggregation": 33265,
        "unitProductOptionPriceAggregation": 0, "sumProductOptionPriceAggregation": 0,
        "unitDiscountAmountAggregation": 3327, "sumDiscountAmountAggregation": 6653,
        "unitDiscountAmountFullAggregation": 3327, "sumDiscountAmountFullAggregation": 6653,
        "unitPriceToPayAggregation": 29938, "sumPriceToPayAggregation": 59877,
    }
    assert item["attributes"]["abstractSku"] == "136" and item["attributes"]["quantity"] == 2


def test_cart_items_can_also_be_included_as_cart_items(glue, login):
    body = glue.get(f"/carts/{MY_CART}?include=cart-items", **login(SPENCOR)).json()
    assert [i["id"] for i in body["included"]] == ["136_24425591"]
    assert glue.get(f"/carts/{MY_CART}?include=bogus", **login(SPENCOR)).status_code == 400


def test_a_customer_creates_a_cart_that_becomes_their_default(glue, login):
    response = glue.post("/carts", new_cart(), **login(SPENCOR))
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert_cart_shape(data, "carts")
    assert set(data["attributes"]) == CART_KEYS
    assert (data["attributes"]["name"], data["attributes"]["isDefault"], data["attributes"]["currency"]) == (
        "Wishlist", True, "EUR")
    assert data["attributes"]["totals"]["grandTotal"] == 0
    spencor = Customer.objects.get(email=SPENCOR, user__isnull=False)
    created = Cart.objects.get(uuid=data["id"])
    assert (created.customer, created.anonymous_id, created.is_default) == (spencor, None, True)
    assert not Cart.objects.get(uuid=MY_CART).is_default
    listed = glue.get("/carts", **login(SPENCOR)).json()["data"]
    assert {c["id"] for c in listed} == {MY_CART, data["id"]}


@pytest.mark.parametrize(("attributes", "code", "pointer"), [
    ({"name": ""}, "901", "/data/attributes/name"),
    ({"name": 42}, "901", "/data/attributes/name"),
    ({"currency": "XXX"}, "117", "/data/attributes/currency"),
    ({"priceMode": "CHEAP_MODE"}, "119", "/data/attributes/priceMode"),
    ({"store": "US"}, "112", "/data/attributes/store"),
    ({"store": "NOWHERE-STORE"}, "112", "/data/attributes/store"),
    ({"store": 7}, "901", "/data/attributes/store"),
    ({"currency": "EURO"}, "117", "/data/attributes/currency"),
])
def test_a_cart_with_bad_attributes_is_refused(glue, login, attributes, code, pointer):
    response = glue.post("/carts", new_cart(**attributes), **login(SPENCOR))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"], error["source"]["pointer"]) == ("422", code, pointer)
    assert Cart.objects.filter(customer__email=SPENCOR).count() == 1


def test_a_customer_renames_a_cart_and_cannot_switch_the_price_mode_of_a_cart_with_items(glue, login):
    token = login(SPENCOR)
    renamed = glue.patch(f"/carts/{MY_CART}", {"data": {"type": "carts", "attributes": {"name": "Gifts"}}}, **token)
    assert renamed.status_code == 200, renamed.json()
    assert renamed.json()["data"]["attributes"]["name"] == "Gifts"
    assert Cart.objects.get(uuid=MY_CART).name == "Gifts"
    refused = glue.patch(f"/carts/{MY_CART}", {"data": {"type": "carts", "attributes": {"priceMode": "NET_MODE"}}},
                         **token)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "111"
    assert Cart.objects.get(uuid=MY_CART).price_mode == "GROSS_MODE"


def test_an_empty_cart_switches_to_net_prices_and_its_items_are_priced_net(glue, login):
    token = login(SPENCOR)
    cart_id = glue.post("/carts", new_cart(), **token).json()["data"]["id"]
    switched = glue.patch(f"/carts/{cart_id}", {"data": {"type": "carts", "attributes": {"priceMode": "NET_MODE"}}},
                          **token)
    assert switched.status_code == 200 and switched.json()["data"]["attributes"]["priceMode"] == "NET_MODE"
    added = glue.post(f"/carts/{cart_id}/items", {"data": {"type": "items", "attributes": {
        "sku": "047_26408568", "quantity": 1}}}, **token)
    assert added.status_code == 201, added.json()
    calculations = added.json()["included"][0]["attributes"]["calculations"]
    # Net 4810 plus 19 % tax (913.9 -> 914), below every cart rule.
    assert (calculations["unitNetPrice"], calculations["unitGrossPrice"]) == (4810, 0)
    assert calculations["sumPriceToPayAggregation"] == 4810 + 914
    assert added.json()["data"]["attributes"]["totals"]["grandTotal"] == 5724


def test_a_customer_deletes_a_cart(glue, login):
    response = glue.delete(f"/carts/{MY_CART}", **login(SPENCOR))
    assert response.status_code == 204 and response.content == b""
    assert not Cart.objects.filter(uuid=MY_CART).exists()
    again = glue.delete(f"/carts/{MY_CART}", **login(SPENCOR))
    assert again.status_code == 404 and again.json()["errors"][0]["code"] == "101"


def test_a_customer_adds_changes_and_removes_items(glue, login):
    token = login(SPENCOR)
    added = glue.post(f"/carts/{MY_CART}/items", {"data": {"type": "items", "attributes": {
        "sku": "066_23294028", "quantity": 1}}}, **token)
    assert added.status_code == 201, added.json()
    assert added.json()["data"]["type"] == "carts"
    assert [i["id"] for i in added.json()["included"]] == ["136_24425591", "066_23294028"]
    assert items_of(MY_CART) == [("066_23294028", 1), ("136_24425591", 2)]

    changed = glue.patch(f"/carts/{MY_CART}/items/136_24425591", {"data": {"type": "items", "attributes": {
        "quantity": 1}}}, **token)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["data"]["attributes"]["totals"]["subtotal"] == 33265 + 39353
    assert items_of(MY_CART) == [("066_23294028", 1), ("136_24425591", 1)]

    assert glue.delete(f"/carts/{MY_CART}/items/066_23294028", **token).status_code == 204
    assert items_of(MY_CART) == [("136_24425591", 1)]
    missing = glue.patch(f"/carts/{MY_CART}/items/066_23294028", {"data": {"type": "items", "attributes": {
        "quantity": 1}}}, **token)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "103"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", f"/carts/{MY_CART}", None),
    ("patch", f"/carts/{MY_CART}", {"data": {"type": "carts", "attributes": {"name": "Mine now"}}}),
    ("delete", f"/carts/{MY_CART}", None),
    ("post", f"/carts/{MY_CART}/items", {"data": {"type": "items", "attributes": {"sku": "066_23294028",
                                                                                  "quantity": 1}}}),
    ("patch", f"/carts/{MY_CART}/items/136_24425591", {"data": {"type": "items", "attributes": {"quantity": 9}}}),
    ("delete", f"/carts/{MY_CART}/items/136_24425591", None),
])
def test_another_customer_gets_not_found_and_changes_nothing(glue, login, method, path, body):
    args = (path, body) if body is not None else (path,)
    response = getattr(glue, method)(*args, **login(SONIA))
    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == ("404", "101")
    assert "136_24425591" not in response.content.decode() and "My Cart" not in response.content.decode()
    cart = Cart.objects.get(uuid=MY_CART)
    assert (cart.name, items_of(MY_CART)) == ("My Cart", [("136_24425591", 2)])


def test_a_guest_id_does_not_open_a_customers_carts(glue):
    for path in ("/carts", f"/carts/{MY_CART}", f"/carts/{DEMO_GUEST_CART}"):
        response = glue.get(path, **{GUEST_HEADER: "demo-guest-0001"})
        assert response.status_code == 403
        (error,) = response.json()["errors"]
        assert (error["status"], error["code"]) == ("403", "002")
        assert "Guest cart" not in response.content.decode()


def test_a_bad_token_is_401(glue):
    response = glue.get("/carts", Authorization="Bearer not-a-token")
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "001"


def test_a_guest_cart_is_not_a_customers_cart(glue, login):
    response = glue.get(f"/carts/{DEMO_GUEST_CART}", **login(SPENCOR))
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "101"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("patch", f"/carts/{MY_CART}", {"data": {"type": "carts", "attributes": {"name": "Later"}}}),
    ("delete", f"/carts/{MY_CART}", None),
    ("post", f"/carts/{MY_CART}/items", {"data": {"type": "items", "attributes": {"sku": "066_23294028",
                                                                                  "quantity": 1}}}),
    ("patch", f"/carts/{MY_CART}/items/136_24425591", {"data": {"type": "items", "attributes": {"quantity": 1}}}),
    ("delete", f"/carts/{MY_CART}/items/136_24425591", None),
    ("post", f"/carts/{MY_CART}/vouchers", {"data": {"type": "vouchers", "attributes": {"code": "SAVE5"}}}),
])
def test_a_customers_cart_being_checked_out_cannot_change(glue, login, method, path, body):
    CheckoutClaim.objects.create(cart_uuid=MY_CART, token="t" * 32, claimed_at=timezone.now())
    args = (path, body) if body is not None else (path,)
    response = getattr(glue, method)(*args, **login(SPENCOR))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "checkout_in_progress"
    cart = Cart.objects.get(uuid=MY_CART)
    assert (cart.name, items_of(MY_CART)) == ("My Cart", [("136_24425591", 2)])
    assert not CartVoucher.objects.filter(cart=cart).exists()


# --- a guest logs in ----------------------------------------------------------------------


def test_logging_in_with_the_guest_header_merges_the_guest_cart_into_the_customers_cart(glue, login):
    token = login(SPENCOR, **{GUEST_HEADER: "demo-guest-0001"})
    assert not Cart.objects.filter(uuid=DEMO_GUEST_CART).exists()
    assert items_of(MY_CART) == [("066_23294028", 1), ("078_24602396", 1), ("136_24425591", 2)]
    assert list(CartVoucher.objects.filter(cart__uuid=MY_CART).values_list("code", flat=True)) == ["SAVE5"]
    (cart,) = glue.get("/carts", **token).json()["data"]
    assert cart["id"] == MY_CART
    assert {"displayName": "€5 off with a voucher", "amount": 500, "code": "SAVE5"} in cart["attributes"]["discounts"]
    assert glue.get("/guest-carts", **{GUEST_HEADER: "demo-guest-0001"}).json()["data"] == []


def test_logging_in_without_the_guest_header_merges_nothing(glue, login):
    login(SPENCOR)
    assert Cart.objects.filter(uuid=DEMO_GUEST_CART).exists()
    assert items_of(MY_CART) == [("136_24425591", 2)]


def test_a_guest_cart_being_checked_out_is_not_merged_at_login(glue, login):
    CheckoutClaim.objects.create(cart_uuid=DEMO_GUEST_CART, token="t" * 32, claimed_at=timezone.now())
    login(SPENCOR, **{GUEST_HEADER: "demo-guest-0001"})
    assert items_of(DEMO_GUEST_CART) == [("066_23294028", 1), ("078_24602396", 1)]
    assert items_of(MY_CART) == [("136_24425591", 2)]


def test_a_stale_claim_does_not_stop_the_merge(glue, login):
    CheckoutClaim.objects.create(cart_uuid=DEMO_GUEST_CART, token="t" * 32,
                                 claimed_at=timezone.now() - timedelta(hours=1))
    login(SPENCOR, **{GUEST_HEADER: "demo-guest-0001"})
    assert not Cart.objects.filter(uuid=DEMO_GUEST_CART).exists()


def test_reading_a_cart_costs_the_same_queries_for_one_item_as_for_five(glue, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = login(SPENCOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert glue.get(f"/carts/{MY_CART}?include=items", **token).status_code == 200
        return len(captured)

    one = queries()
    for sku in ("066_23294028", "078_24602396", "112_312526171", "047_26408568"):
        glue.post(f"/carts/{MY_CART}/items", {"data": {"type": "items", "attributes": {"sku": sku, "quantity": 1}}},
                  **token)
    assert len(glue.get(f"/carts/{MY_CART}?include=items", **token).json()["included"]) == 5
    assert queries() == one <= 16
