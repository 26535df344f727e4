"""A staff user's API key opens other people's orders only as far as their Django permissions allow
(core.staff_rights): a checkout not placed yet is a cart (reading or changing carts), completing it places
an order for a customer, a placed order needs reading orders. Without: Spree's 401, nothing changed."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from carts.models import CartItem
from checkout.models import CheckoutDraft, Order
from tests.api.spree.test_checkout_guest import address
from tests.factories import staff_user

UNAUTHORIZED = {"error": "You are not authorized to perform that action."}


@pytest.fixture
def shop(demo_shop_for_module, db):
    """The demo shop, loaded once for this module; what a test writes is rolled back."""


def key(user) -> dict:
    return {"X-Spree-Token": Token.objects.create(user=user).key}


def database() -> tuple:
    return (
        list(CheckoutDraft.objects.order_by("pk").values_list("pk", "state", "email", "order_id", "bill_address_id")),
        list(CartItem.objects.order_by("pk").values_list("pk", "cart_id", "variant_id", "quantity")),
        list(Order.objects.order_by("pk").values_list("pk", "state")),
    )


@pytest.fixture
def guest(shop, spree, us_ids) -> dict:
    """A guest's checkout at the confirm step, and its line item."""
    order = spree.post("/api/orders", {"order": {"email": "guest@example.com",
                                                 "line_items": [{"variant_id": 6, "quantity": 1}]}}).json()
    token = {"X-Spree-Order-Token": order["token"]}
    spree.put(f"/api/checkouts/{order['number']}/next.json", **token)
    confirm = spree.put(f"/api/checkouts/{order['number']}.json", {"order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": "2"}]}}, **token)
    assert confirm.json()["state"] == "confirm", confirm.json()
    return {"number": order["number"], "item": order["line_items"][0]["id"]}


CART_READ = ("carts.view_cart",)
CART_CHANGE = ("carts.change_cart",)
PLACING = ("carts.change_cart", "checkout.add_order")
PATHS = {
    "read": (CART_READ, "get", "/api/orders/{n}.json", None),
    "payment methods": (CART_READ, "get", "/api/orders/{n}/payments/new.json", None),
    "change the order": (CART_CHANGE, "put", "/api/orders/{n}.json", {"order": {"email": "staff@example.com"}}),
    "add a line item": (CART_CHANGE, "post", "/api/orders/{n}/line_items.json",
                        {"line_item": {"variant_id": 6, "quantity": 1}}),
    "change a line item": (CART_CHANGE, "put", "/api/orders/{n}/line_items/{i}.json", {"line_item": {"quantity": 2}}),
    "remove a line item": (CART_CHANGE, "delete", "/api/orders/{n}/line_items/{i}.json", None),
    "change the checkout": (CART_CHANGE, "put", "/api/checkouts/{n}.json", {"order": {"email": "staff@example.com"}}),
    "advance": (CART_CHANGE, "put", "/api/checkouts/{n}/advance.json", {}),
    "complete": (PLACING, "put", "/api/checkouts/{n}/complete.json", {}),
    "next from confirm": (PLACING, "put", "/api/checkouts/{n}/next.json", {}),
}


def _send(spree, method: str, url: str, body, headers: dict):
    if method == "get":
        return spree.get(url, **headers)
    return getattr(spree, method)(url, body, **headers) if method != "delete" else spree.delete(url, **headers)


@pytest.mark.parametrize("name", PATHS)
def test_each_staff_path_asks_for_its_permissions(spree, guest, name):
    needs, method, path, body = PATHS[name]
    url = path.format(n=guest["number"], i=guest["item"])
    before = database()

    for missing in (None, *needs):
        granted = [p for p in needs if p != missing] if missing else []
        response = _send(spree, method, url, body, key(staff_user(*granted, username=f"clerk-{missing}")))
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED), (missing, response.content)
        assert database() == before, f"changed by a clerk without {missing or 'any permission'}"

    response = _send(spree, method, url, body, key(staff_user(*needs, username="clerk")))

    assert response.status_code in (200, 201, 204), response.content
    if name in ("complete", "next from confirm"):
        assert response.json()["state"] == "complete"
        assert Order.objects.filter(number=guest["number"]).exists()


def test_a_placed_order_needs_the_permission_to_read_orders(spree, shop):
    placed = Order.objects.get(external_ref="demo-order-3")  # John's rental, placed at seed time
    url = f"/api/orders/{placed.number}.json"

    with_carts_only = spree.get(url, **key(staff_user("carts.view_cart", "carts.change_cart", username="carts")))
    with_orders = spree.get(url, **key(staff_user("checkout.view_order", username="orders")))

    assert (with_carts_only.status_code, with_carts_only.json()) == (401, UNAUTHORIZED)
    assert with_orders.status_code == 200 and with_orders.json()["number"] == placed.number


def test_a_key_stops_acting_as_staff_when_its_user_is_no_longer_staff(spree, guest):
    clerk = staff_user("carts.view_cart", username="leaver")
    headers = key(clerk)
    assert spree.get(f"/api/orders/{guest['number']}.json", **headers).status_code == 200

    get_user_model().objects.filter(pk=clerk.pk).update(is_staff=False)

    assert spree.get(f"/api/orders/{guest['number']}.json", **headers).status_code == 401
