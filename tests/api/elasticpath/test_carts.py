"""Carts and cart items under /v2/carts/:cartID (a client-chosen id; anyone holding it may use the cart)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carts.models import Cart
from tests.api.elasticpath.helpers import add_item, guest_checkout


def test_a_cart_is_made_on_first_use_and_shows_its_totals(shop, ep):
    response = ep.get("/v2/carts/my-first-cart")

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["id"], data["type"]) == ("my-first-cart", "cart")
    assert data["meta"]["display_price"]["with_tax"] == {"amount": 0, "currency": "EUR", "formatted": "€0.00"}
    assert set(data["meta"]["timestamps"]) == {"created_at", "updated_at", "expires_at"}


def test_adding_the_same_product_twice_adds_up_and_shows_money_as_elastic_path_does(shop, ep):
    add_item(ep, "c1", "066_23294028", 1)
    response = add_item(ep, "c1", "066_23294028", 2)

    assert response.status_code == 201
    [item] = response.json()["data"]
    assert item["type"] == "cart_item" and item["sku"] == "066_23294028" and item["quantity"] == 3
    assert item["unit_price"] == {"amount": 39353, "currency": "EUR", "includes_tax": True}
    assert item["value"] == {"amount": 3 * 39353, "currency": "EUR", "includes_tax": True}
    assert item["meta"]["display_price"]["with_tax"]["unit"] == {"amount": 39353, "currency": "EUR",
                                                                 "formatted": "€393.53"}
    assert item["meta"]["display_price"]["without_tax"]["unit"]["amount"] == 33070
    # The cart's total takes the 10 % its checkout gives above 100 EUR (it used to show 3 * 39353).
    assert response.json()["meta"]["display_price"]["with_tax"]["amount"] == 3 * 39353 - 11806
    assert response.json()["meta"]["display_price"]["without_discount"]["amount"] == 3 * 39353


def test_an_item_can_be_added_by_product_id(shop, ep):
    product_id = add_item(ep, "by-sku", "047_26408568", 1).json()["data"][0]["product_id"]

    response = ep.post("/v2/carts/by-id/items", {"data": {"type": "cart_item", "id": product_id, "quantity": 2}})

    assert response.status_code == 201
    assert [(i["sku"], i["quantity"]) for i in response.json()["data"]] == [("047_26408568", 2)]


def test_changing_and_removing_items(shop, ep):
    add_item(ep, "c2", "066_23294028", 1)
    item_id = add_item(ep, "c2", "047_26408568", 1).json()["data"][1]["id"]

    changed = ep.put(f"/v2/carts/c2/items/{item_id}", {"data": {"type": "cart_item", "quantity": 5}})
    removed = ep.delete(f"/v2/carts/c2/items/{item_id}")
    missing = ep.delete(f"/v2/carts/c2/items/{item_id}")

    assert changed.status_code == 200
    assert {i["sku"]: i["quantity"] for i in changed.json()["data"]} == {"066_23294028": 1, "047_26408568": 5}
    assert removed.status_code == 200 and [i["sku"] for i in removed.json()["data"]] == ["066_23294028"]
    assert missing.status_code == 404


def test_emptying_renaming_and_deleting_a_cart(shop, ep):
    add_item(ep, "c3", "066_23294028", 1)

    renamed = ep.put("/v2/carts/c3", {"data": {"name": "Birthday"}})
    emptied = ep.delete("/v2/carts/c3/items")
    deleted = ep.delete("/v2/carts/c3")

    assert renamed.json()["data"]["name"] == "Birthday"
    assert emptied.status_code == 204
    assert deleted.status_code == 204
    assert not Cart.objects.filter(reference="c3").exists()
    assert ep.delete("/v2/carts/c3").status_code == 404


def test_more_than_is_in_stock_is_refused_with_the_product_named(shop, ep):
    response = add_item(ep, "c4", "078_24602396", 41)  # 40 in Berlin

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["title"] == "Insufficient stock"
    assert error["meta"]["sku"] == "078_24602396" and error["meta"]["id"].startswith("5e1ec7ed-")


def test_a_customers_cart_is_not_found_without_their_token(shop, ep, spencor_token, sonia_token):
    mine = {"X-Moltin-Customer-Token": spencor_token}
    add_item(ep, "private", "066_23294028", 1)
    associated = ep.post("/v2/carts/private/relationships/customers",
                         {"data": [{"type": "customer", "id": "DE--1"}]}, **mine)

    assert associated.status_code == 200
    for headers in ({}, {"X-Moltin-Customer-Token": sonia_token}):
        assert ep.get("/v2/carts/private", **headers).status_code == 404
        assert add_item(ep, "private", "066_23294028", 1, **headers).status_code == 404
        assert ep.delete("/v2/carts/private", **headers).status_code == 404
    assert ep.get("/v2/carts/private", **mine).json()["data"]["relationships"]["customers"]["data"] == [
        {"type": "customer", "id": "DE--1"}]


def test_a_bad_token_is_401(shop, ep):
    response = ep.get("/v2/carts/any", **{"X-Moltin-Customer-Token": "not-a-token"})

    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "title": "Unauthorized",
                                           "detail": "The token is invalid or has expired."}]}


@pytest.mark.parametrize("body", [
    None, "{", "[]", '{"data": null}', '{"data": {"type": "cart_item", "sku": "066_23294028"}}',
    '{"data": {"type": "cart_item", "sku": "066_23294028", "quantity": "2"}}',
    '{"data": {"type": "cart_item", "sku": "066_23294028", "quantity": true}}',
    '{"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 0}}',
    '{"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 99999999999999999999}}',
    '{"data": {"type": "cart_item", "sku": {"a": 1}, "quantity": 1}}',
    '{"data": {"type": "product", "sku": "066_23294028", "quantity": 1}}',
    '{"data": {"type": "cart_item", "sku": "066_23294028\\u0000", "quantity": 1}}',
])
def test_malformed_item_bodies_are_400_not_500(shop, ep, body):
    response = ep.post("/v2/carts/c5/items", raw=body or "")

    assert response.status_code == 400
    assert response.json()["errors"][0]["status"] == 400


def test_an_unknown_product_is_404(shop, ep):
    by_sku = add_item(ep, "c6", "NOPE", 1)
    by_id = ep.post("/v2/carts/c6/items", {"data": {"type": "cart_item", "id": "not-a-product", "quantity": 1}})

    assert by_sku.status_code == by_id.status_code == 404


def test_nul_in_the_path_is_refused_in_elastic_paths_shape(shop, ep):
    response = ep.get("/v2/carts/a%00b")

    assert response.status_code == 400
    assert response.json() == {"errors": [{"status": 400, "title": "Bad Request",
                                           "detail": "The request may not contain NUL characters."}]}


def test_an_over_long_cart_id_is_not_found(shop, ep):
    assert ep.get("/v2/carts/" + "x" * 65).status_code == 404


def test_an_expired_cart_is_gone(shop, ep, settings):
    add_item(ep, "forgotten", "066_23294028", 2)
    Cart.objects.filter(reference="forgotten").update(updated_at=timezone.now() - timedelta(days=8))

    call_command("expire_carts", stdout=StringIO())

    assert guest_checkout(ep, "forgotten").status_code == 404
    assert ep.get("/v2/carts/forgotten/items").json()["data"] == []  # the id starts a new, empty cart


def test_tokens_from_oauth_access_token(shop, ep, client):
    implicit = client.post("/oauth/access_token", "grant_type=implicit&client_id=storefront",
                           content_type="application/x-www-form-urlencoded")
    backend = client.post("/oauth/access_token", {"grant_type": "client_credentials", "client_id": "admin",
                                                  "client_secret": "admin"})
    wrong = client.post("/oauth/access_token", {"grant_type": "client_credentials", "client_id": "admin",
                                                "client_secret": "nope"})

    assert implicit.status_code == backend.status_code == 200
    assert implicit.json()["token_type"] == "Bearer" and implicit.json()["identifier"] == "implicit"
    assert wrong.status_code == 401
    storefront = {"Authorization": f"Bearer {implicit.json()['access_token']}"}
    add_item(ep, "with-implicit", "066_23294028", 1, **storefront)
    order = guest_checkout(ep, "with-implicit", **storefront).json()["data"]
    # An implicit token reads no one's orders; the client-credentials token reads every order.
    assert ep.get("/v2/orders", **storefront).status_code == 401
    assert ep.get(f"/v2/orders/{order['id']}", **storefront).status_code == 404
    staff = {"Authorization": f"Bearer {backend.json()['access_token']}"}
    assert ep.get(f"/v2/orders/{order['id']}", **staff).status_code == 200
    assert order["id"] in [o["id"] for o in ep.get("/v2/orders", **staff).json()["data"]]


def test_a_customer_logs_in_for_a_customer_token(shop, ep):
    response = ep.post("/v2/customers/tokens", {"data": {"type": "token", "email": "spencor.hopkin@spryker.com",
                                                         "password": "change123"}})
    wrong = ep.post("/v2/customers/tokens", {"data": {"type": "token", "email": "spencor.hopkin@spryker.com",
                                                      "password": "nope"}})

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["type"], data["customer_id"]) == ("token", "DE--1")
    assert ep.get("/v2/carts/tok", **{"X-Moltin-Customer-Token": data["token"]}).status_code == 200
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["title"] == "Unauthorized"


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer"}, {"Authorization": "Bearer "}, {"Authorization": "Basic YWRtaW46YWRtaW4="},
    {"Authorization": "Bearer ü"}, {"Authorization": "Bearer " + "a" * 5000},
    {"X-Moltin-Customer-Token": "x.y.z"},
    {"EP-Account-Management-Authentication-Token": "nope"},
])
def test_tokens_that_are_not_ours_are_401_never_500(shop, ep, headers):
    response = ep.get("/v2/carts/tokens", **headers)

    assert response.status_code == 401
    assert response.json()["errors"][0]["title"] == "Unauthorized"


@pytest.mark.parametrize("query", ["page[limit]=²", "page[limit]=abc", "page[offset]=1e3", "page[limit]="])
def test_odd_page_parameters_are_400(shop, ep, backend_token, query):
    response = ep.get(f"/v2/orders?{query}", **{"Authorization": f"Bearer {backend_token}"})

    assert response.status_code == 400


def test_an_unknown_currency_header_is_400(shop, ep):
    assert add_item(ep, "odd", "066_23294028", 1, **{"X-Moltin-Currency": "XYZ"}).status_code == 400
