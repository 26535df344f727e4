"""Someone else's order is never shown: 401 when it exists (as Spree answers), 404 when it does not."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from checkout.demo.data import API_KEYS
from checkout.models import CheckoutDraft, Order

pytestmark = pytest.mark.usefixtures("shop")

UNAUTHORIZED = {"error": "You are not authorized to perform that action."}
NOT_FOUND = {"error": "The resource you were looking for could not be found."}
JOHN_KEY = {"X-Spree-Token": API_KEYS["john.doe@example.com"]}


@pytest.fixture
def guest_order(spree):
    return spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}).json()


@pytest.fixture
def spencor_key():
    user = get_user_model().objects.get(username="spencor.hopkin@spryker.com")
    return {"X-Spree-Token": Token.objects.create(user=user).key}


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/orders/{n}.json", None),
    ("put", "/api/orders/{n}.json", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}),
    ("post", "/api/orders/{n}/line_items.json", {"line_item": {"variant_id": 6, "quantity": 1}}),
    ("put", "/api/checkouts/{n}/next.json", {}),
    ("put", "/api/checkouts/{n}.json", {"order": {"email": "thief@example.com"}}),
    ("put", "/api/checkouts/{n}/advance.json", {}),
    ("get", "/api/orders/{n}/payments/new.json", None),
])
def test_another_guests_order_is_401_and_unchanged(spree, guest_order, spencor_key, method, path, body):
    url = path.format(n=guest_order["number"])
    for headers in ({}, {"X-Spree-Order-Token": "not-the-token"}, spencor_key, JOHN_KEY):
        response = spree.get(url, **headers) if method == "get" else getattr(spree, method)(url, body, **headers)
        assert response.status_code == 401, (headers, response.content)
        assert response.json() == UNAUTHORIZED
    draft = CheckoutDraft.objects.get(number=guest_order["number"])
    assert draft.state == "cart" and draft.email == ""
    assert draft.cart.items.get().quantity == 1


def test_a_registered_customers_order_is_not_anothers(spree, spencor_key):
    johns = spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}, **JOHN_KEY).json()
    assert spree.get(f"/api/orders/{johns['number']}", **spencor_key).status_code == 401
    assert spree.get(f"/api/orders/{johns['number']}", **JOHN_KEY).status_code == 200
    # The order token works for the owner's order too (Spree's ability: user or token).
    assert spree.get(f"/api/orders/{johns['number']}?order_token={johns['token']}").status_code == 200


def test_an_unknown_order_is_404(spree):
    response = spree.get("/api/orders/R000000000.json", **JOHN_KEY)
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_an_unknown_api_key_is_401_not_a_guest(spree):
    response = spree.post("/api/orders", {"order": {}}, **{"X-Spree-Token": "nope"})
    assert response.status_code == 401 and response.json() == UNAUTHORIZED
    assert not CheckoutDraft.objects.exists()


def test_an_order_placed_through_another_dialect_is_readable_by_its_owner_only(spree, spencor_key):
    demo = Order.objects.get(external_ref="demo-order-3")  # John's rental, placed by the engine at seed time
    shown = spree.get(f"/api/orders/{demo.number}.json", **JOHN_KEY)
    assert shown.status_code == 200
    assert shown.json()["state"] == "canceled" and shown.json()["line_items"][0]["variant"]["sku"] == "ROR-00011"
    assert spree.get(f"/api/orders/{demo.number}.json", **spencor_key).status_code == 401
    assert spree.get(f"/api/orders/{demo.number}.json").status_code == 401


def test_a_completed_order_can_no_longer_be_changed(spree, guest_order):
    draft = CheckoutDraft.objects.get(number=guest_order["number"])
    CheckoutDraft.objects.filter(pk=draft.pk).update(order=Order.objects.first(), state="complete")
    response = spree.put(f"/api/orders/{draft.number}", {"order": {"email": "x@example.com"},
                                                          "order_token": guest_order["token"]})
    assert response.status_code == 401


def test_who_may_see_a_draft(superuser):
    from api.spree.identity import Caller
    from catalog.models import Store
    from checkout.exceptions import OrderAccessDenied, OrderNotFound
    from checkout.step_checkout import LineItemChange, draft_create, draft_get, placed_order_get
    from customers.models import Customer

    us = Store.objects.get(code="US")
    john = Customer.objects.get(email="john.doe@example.com", user__isnull=False)
    guest = draft_create(store=us, customer=None, line_items=[LineItemChange(quantity=1, variant_id=6)])
    mine = draft_create(store=us, customer=john)
    assert draft_get(number=guest.number, by=Caller(order_token=guest.token)) == guest
    assert draft_get(number=mine.number, by=Caller(customer=john)) == mine
    assert draft_get(number=guest.number, by=Caller(staff=superuser)) == guest
    for caller in (Caller(), Caller(order_token=mine.token), Caller(customer=john)):
        with pytest.raises(OrderAccessDenied):
            draft_get(number=guest.number, by=caller)
    assert draft_get(number="R000000000", by=Caller(staff=superuser)) is None
    with pytest.raises(OrderNotFound):
        placed_order_get(number="R000000000", by=Caller(staff=superuser))
