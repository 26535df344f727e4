"""Guest carts (Glue): POST /guest-cart-items, GET /guest-carts[/{uuid}], and items under /guest-carts/{uuid}.

A guest is known by X-Anonymous-Customer-Unique-Id only. Shapes are Spryker's guest cart
samples: every key and its type; money from the totals pipeline, checked by hand here.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from carts.models import Cart, CartItem
from checkout.models import CheckoutClaim
from checkout.placement import CLAIM_TIMEOUT

pytestmark = pytest.mark.usefixtures("shop")

DEMO_GUEST = {"X-Anonymous-Customer-Unique-Id": "demo-guest-0001"}
NEW_GUEST = {"X-Anonymous-Customer-Unique-Id": "guest-7c1e-4a2b"}
DEMO_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"

CART_KEYS = {"priceMode", "currency", "store", "name", "isDefault", "totals", "discounts", "thresholds"}
TOTALS_KEYS = {"expenseTotal", "discountTotal", "taxTotal", "subtotal", "grandTotal", "priceToPay"}
ITEM_KEYS = {"sku", "quantity", "groupKey", "abstractSku", "amount", "productOfferReference", "merchantReference",
             "calculations", "salesUnit", "selectedProductOptions"}
CALCULATION_KEYS = {
    "unitPrice", "sumPrice", "taxRate", "unitNetPrice", "sumNetPrice", "unitGrossPrice", "sumGrossPrice",
    "unitTaxAmountFullAggregation", "sumTaxAmountFullAggregation", "sumSubtotalAggregation", "unitSubtotalAggregation",
    "unitProductOptionPriceAggregation", "sumProductOptionPriceAggregation", "unitDiscountAmountAggregation",
    "sumDiscountAmountAggregation", "unitDiscountAmountFullAggregation", "sumDiscountAmountFullAggregation",
    "unitPriceToPayAggregation", "sumPriceToPayAggregation",
}


def add_item(sku="047_26408568", quantity=1, type_="guest-cart-items"):
    return {"data": {"type": type_, "attributes": {"sku": sku, "quantity": quantity}}}


def assert_cart_shape(resource, type_="guest-carts"):
    assert resource["type"] == type_ and isinstance(resource["id"], str)
    attributes = resource["attributes"]
    assert set(attributes) == CART_KEYS
    assert set(attributes["totals"]) == TOTALS_KEYS
    assert all(type(v) is int for v in attributes["totals"].values())
    assert isinstance(attributes["isDefault"], bool) and attributes["thresholds"] == []
    for discount in attributes["discounts"]:
        assert set(discount) == {"displayName", "amount", "code"} and type(discount["amount"]) is int
    assert resource["links"]["self"].endswith(f"/{type_}/{resource['id']}")


def assert_item_shape(item):
    assert set(item["attributes"]) == ITEM_KEYS
    assert set(item["attributes"]["calculations"]) == CALCULATION_KEYS
    assert all(type(v) in (int, float) for v in item["attributes"]["calculations"].values())
    assert item["id"] == item["attributes"]["sku"] == item["attributes"]["groupKey"]
    assert type(item["attributes"]["quantity"]) is int


def test_a_guest_reads_their_cart_with_the_demo_voucher_and_cart_rule(glue):
    response = glue.get("/guest-carts", **DEMO_GUEST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.api+json"
    body = response.json()
    (cart,) = body["data"]
    assert_cart_shape(cart)
    assert body["links"]["self"].endswith("/guest-carts")
    assert cart["id"] == DEMO_CART and "relationships" not in cart
    attributes = cart["attributes"]
    assert (attributes["priceMode"], attributes["currency"], attributes["store"]) == ("GROSS_MODE", "EUR", "DE")
    # 39353 + 25584; 10 % of it (6493.7 -> 6494) and the €5 voucher; tax is the 19/119 part of what is paid.
    assert attributes["totals"] == {"expenseTotal": 0, "discountTotal": 6994, "taxTotal": 9251, "subtotal": 64937,
                                    "grandTotal": 57943, "priceToPay": 57943}
    assert attributes["discounts"] == [
        {"displayName": "10% Discount for all orders above", "amount": 6494, "code": None},
        {"displayName": "€5 off with a voucher", "amount": 500, "code": "SAVE5"},
    ]


def test_a_guest_cart_with_its_items_included_adds_up(glue):
    response = glue.get(f"/guest-carts/{DEMO_CART}?include=guest-cart-items", **DEMO_GUEST)
    assert response.status_code == 200
    body = response.json()
    assert_cart_shape(body["data"])
    assert body["data"]["relationships"] == {"guest-cart-items": {"data": [
        {"type": "guest-cart-items", "id": "066_23294028"}, {"type": "guest-cart-items", "id": "078_24602396"}]}}
    items = {item["id"]: item for item in body["included"]}
    for item in items.values():
        assert item["type"] == "guest-cart-items"
        assert_item_shape(item)
        assert item["links"]["self"].endswith(f"/guest-carts/{DEMO_CART}/guest-cart-items/{item['id']}")
    samsung = items["066_23294028"]["attributes"]
    assert (samsung["quantity"], samsung["abstractSku"], samsung["amount"]) == (1, "066", None)
    calculations = samsung["calculations"]
    assert calculations["unitPrice"] == calculations["unitGrossPrice"] == calculations["sumPrice"] == 39353
    assert (calculations["unitNetPrice"], calculations["sumNetPrice"], calculations["taxRate"]) == (0, 0, 19)
    assert calculations["unitPriceToPayAggregation"] == 39353 - calculations["unitDiscountAmountAggregation"]
    totals = body["data"]["attributes"]["totals"]
    lines = [item["attributes"]["calculations"] for item in items.values()]
    assert sum(c["sumPriceToPayAggregation"] for c in lines) == totals["grandTotal"]
    assert sum(c["sumTaxAmountFullAggregation"] for c in lines) == totals["taxTotal"]
    assert sum(c["sumDiscountAmountFullAggregation"] for c in lines) == totals["discountTotal"]


def test_the_first_item_creates_the_guest_cart_and_the_next_goes_into_it(glue):
    response = glue.post("/guest-cart-items", add_item(quantity="2"), **NEW_GUEST)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert_cart_shape(body["data"])
    cart = Cart.objects.get(anonymous_id="guest-7c1e-4a2b")
    assert body["data"]["id"] == str(cart.uuid)
    assert (cart.customer, cart.currency, cart.store.code, cart.is_default) == (None, "EUR", "DE", True)
    assert body["data"]["attributes"]["name"] == "Shopping cart"
    (item,) = body["included"]
    assert_item_shape(item)
    assert (item["type"], item["id"], item["attributes"]["quantity"]) == ("guest-cart-items", "047_26408568", 2)
    # 2 × 5724 is above €100: 10 % off (1144.8 -> 1145); tax is 10303 × 19/119 = 1645.0.
    assert body["data"]["attributes"]["totals"] == {"expenseTotal": 0, "discountTotal": 1145, "taxTotal": 1645,
                                                    "subtotal": 11448, "grandTotal": 10303, "priceToPay": 10303}

    again = glue.post("/guest-cart-items", add_item(quantity=1), **NEW_GUEST)
    assert again.status_code == 201 and again.json()["data"]["id"] == str(cart.uuid)
    assert Cart.objects.filter(anonymous_id="guest-7c1e-4a2b").count() == 1
    assert CartItem.objects.get(cart=cart).quantity == 3


def test_a_refused_first_item_leaves_no_empty_cart(glue):
    response = glue.post("/guest-cart-items", add_item(sku="NO-SUCH-SKU"), **NEW_GUEST)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"], error["source"]["pointer"]) == ("422", "102", "/data/attributes/sku")
    assert not Cart.objects.filter(anonymous_id="guest-7c1e-4a2b").exists()


def test_a_guest_adds_changes_and_removes_an_item_of_their_cart(glue):
    path = f"/guest-carts/{DEMO_CART}/guest-cart-items"
    added = glue.post(path, add_item(sku="047_26408568", quantity=2), **DEMO_GUEST)
    assert added.status_code == 201, added.json()
    assert {i["id"] for i in added.json()["included"]} == {"066_23294028", "078_24602396", "047_26408568"}

    changed = glue.patch(f"{path}/047_26408568", {"data": {"type": "guest-cart-items", "attributes": {"quantity": 5}}},
                         **DEMO_GUEST)
    assert changed.status_code == 200, changed.json()
    line = next(i for i in changed.json()["included"] if i["id"] == "047_26408568")["attributes"]
    assert (line["quantity"], line["calculations"]["sumPrice"]) == (5, 5 * 5724)
    assert CartItem.objects.get(cart__uuid=DEMO_CART, variant__sku="047_26408568").quantity == 5

    removed = glue.delete(f"{path}/047_26408568", **DEMO_GUEST)
    assert removed.status_code == 204 and removed.content == b""
    assert not CartItem.objects.filter(cart__uuid=DEMO_CART, variant__sku="047_26408568").exists()
    gone = glue.delete(f"{path}/047_26408568", **DEMO_GUEST)
    assert gone.status_code == 404 and gone.json()["errors"][0]["code"] == "103"


def test_a_single_guest_cart_is_one_object_and_a_list_is_an_array(glue):
    single = glue.get(f"/guest-carts/{DEMO_CART}", **DEMO_GUEST).json()
    assert isinstance(single["data"], dict) and single["data"]["id"] == DEMO_CART
    assert glue.get("/guest-carts", **NEW_GUEST).json()["data"] == []


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", f"/guest-carts/{DEMO_CART}", None),
    ("post", f"/guest-carts/{DEMO_CART}/guest-cart-items", add_item()),
    ("patch", f"/guest-carts/{DEMO_CART}/guest-cart-items/066_23294028",
     {"data": {"type": "guest-cart-items", "attributes": {"quantity": 9}}}),
    ("delete", f"/guest-carts/{DEMO_CART}/guest-cart-items/066_23294028", None),
])
def test_another_guest_gets_not_found_and_changes_nothing(glue, method, path, body):
    args = (path, body) if body is not None else (path,)
    response = getattr(glue, method)(*args, **NEW_GUEST)
    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == ("404", "101")
    assert "066_23294028" not in response.content.decode()
    assert sorted(CartItem.objects.filter(cart__uuid=DEMO_CART).values_list("variant__sku", "quantity")) == [
        ("066_23294028", 1), ("078_24602396", 1)]


def test_a_customer_cart_is_not_a_guest_cart(glue):
    response = glue.get("/guest-carts/fe6969e9-09aa-5183-b911-0a9218ed21bb", **DEMO_GUEST)
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "101"


@pytest.mark.parametrize("cart_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1" * 300])
def test_an_unknown_or_malformed_cart_id_is_not_found(glue, cart_id):
    response = glue.get(f"/guest-carts/{cart_id}", **DEMO_GUEST)
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "101"


@pytest.mark.parametrize("headers", [{}, {"X-Anonymous-Customer-Unique-Id": "  "},
                                     {"Authorization": "Bearer anything"}])
def test_guest_carts_need_the_guest_header(glue, headers):
    response = glue.get("/guest-carts", **headers)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == ("400", "109")
    posted = glue.post("/guest-cart-items", add_item(), **headers)
    assert posted.status_code == 400 and posted.json()["errors"][0]["code"] == "109"
    assert Cart.objects.count() == 2


def test_a_guest_cannot_create_or_delete_a_guest_cart_directly(glue):
    assert glue.post("/guest-carts", {"data": {"type": "guest-carts", "attributes": {}}}, **DEMO_GUEST).status_code == 405
    assert glue.delete(f"/guest-carts/{DEMO_CART}", **DEMO_GUEST).status_code == 405
    assert Cart.objects.filter(uuid=DEMO_CART).exists()


def claim(cart_uuid, age=timedelta(0)):
    return CheckoutClaim.objects.create(cart_uuid=cart_uuid, token="t" * 32, claimed_at=timezone.now() - age)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/guest-cart-items", add_item()),
    ("post", f"/guest-carts/{DEMO_CART}/guest-cart-items", add_item()),
    ("patch", f"/guest-carts/{DEMO_CART}/guest-cart-items/066_23294028",
     {"data": {"type": "guest-cart-items", "attributes": {"quantity": 9}}}),
    ("delete", f"/guest-carts/{DEMO_CART}/guest-cart-items/066_23294028", None),
])
def test_a_cart_being_checked_out_cannot_change(glue, method, path, body):
    claim(DEMO_CART)
    args = (path, body) if body is not None else (path,)
    response = getattr(glue, method)(*args, **DEMO_GUEST)
    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == ("409", "checkout_in_progress")
    assert "checked out" in error["detail"]
    assert sorted(CartItem.objects.filter(cart__uuid=DEMO_CART).values_list("variant__sku", "quantity")) == [
        ("066_23294028", 1), ("078_24602396", 1)]
    assert glue.get(f"/guest-carts/{DEMO_CART}", **DEMO_GUEST).status_code == 200  # reading is fine


def test_a_stale_claim_of_a_crashed_checkout_does_not_lock_the_cart(glue):
    claim(DEMO_CART, age=CLAIM_TIMEOUT + timedelta(seconds=5))
    response = glue.post(f"/guest-carts/{DEMO_CART}/guest-cart-items", add_item(), **DEMO_GUEST)
    assert response.status_code == 201, response.json()
