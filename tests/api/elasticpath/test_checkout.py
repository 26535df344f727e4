"""POST /v2/carts/:cartID/checkout (seed 003) in its four ways, and what the order document says."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from carts.models import Cart
from checkout.models import Order
from shipping.models import StockItem
from tests.api.elasticpath.helpers import BERLIN, add_item, checkout_body, guest_checkout
from tests.races import run_together

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_guest_checkout_answers_with_the_seed_order_document(shop, ep):
    assert add_item(ep, "ada-cart", "066_23294028", 1).status_code == 201
    response = ep.post("/v2/carts/ada-cart/checkout", checkout_body(
        customer={"name": "Ada Lovelace", "email": "ada@example.com"}, order_number="A-100",
        external_ref="ERP 4711/x"))

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    order = Order.objects.get(uuid=data["id"])
    assert data["type"] == "order"
    assert UUID.match(data["id"])
    assert data["order_number"] == "A-100"
    assert data["external_ref"] == "ERP 4711/x"
    assert (data["status"], data["payment"], data["shipping"]) == ("incomplete", "unpaid", "unfulfilled")
    assert data["anonymized"] is False
    assert ISO.match(data["meta"]["timestamps"]["created_at"]) and ISO.match(data["meta"]["timestamps"]["updated_at"])
    price = data["meta"]["display_price"]
    # 393.53 for the phone; standard shipping 4.90 is free above 50 EUR; 10 % off above 100 EUR.
    assert order.grand_total == price["with_tax"]["amount"]
    assert price["with_tax"] == {"amount": order.grand_total, "currency": "EUR",
                                 "formatted": f"€{order.grand_total / 100:,.2f}"}
    assert price["tax"]["amount"] == order.tax_total > 0
    assert price["without_tax"]["amount"] == order.grand_total - order.tax_total
    assert price["discount"]["amount"] == -order.discount_total < 0
    assert price["without_discount"]["amount"] == order.grand_total + order.discount_total
    assert price["paid"] == {"amount": 0, "currency": "EUR", "formatted": "€0.00"}
    assert price["authorized"]["amount"] == 0
    assert data["billing_address"] == {
        "first_name": "Ada", "last_name": "Lovelace", "company_name": "Analytical Engines",
        "line_1": "Julie-Wolfthorn-Straße 1", "line_2": "Hinterhaus", "city": "Berlin", "postcode": "10115",
        "county": "Mitte", "country": "DE", "region": "BE"}
    assert data["shipping_address"] == {
        "first_name": "Ada", "last_name": "Lovelace", "phone_number": "+49 30 1234567",
        "company_name": "Analytical Engines", "line_1": "Julie-Wolfthorn-Straße 1", "line_2": "Hinterhaus",
        "city": "Berlin", "postcode": "10115", "county": "Mitte", "country": "DE", "region": "BE",
        "instructions": "Leave with the neighbour"}
    assert data["contact"] == {"email": "ada@example.com", "name": "Ada Lovelace"}
    assert order.reference and order.customer.is_guest


def test_the_cart_stays_after_checkout_and_a_second_checkout_makes_a_second_order(shop, ep):
    add_item(ep, "twice", "066_23294028", 2)
    first = guest_checkout(ep, "twice")
    second = guest_checkout(ep, "twice")

    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["id"] != second.json()["data"]["id"]
    assert Order.objects.filter(cart_uuid=Cart.objects.get(reference="twice").uuid).count() == 2
    items = ep.get("/v2/carts/twice/items").json()["data"]
    assert [(i["sku"], i["quantity"]) for i in items] == [("066_23294028", 2)]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order(shop, ep):
    add_item(ep, "retry", "066_23294028", 1)
    stock_before = StockItem.objects.get(variant__sku="066_23294028", stock_location__name="Warehouse Berlin")

    first = guest_checkout(ep, "retry", **{"Idempotency-Key": "k-1"})
    again = guest_checkout(ep, "retry", **{"Idempotency-Key": "k-1"})

    assert first.status_code == again.status_code == 200
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(cart_uuid=Cart.objects.get(reference="retry").uuid).count() == 1
    stock_after = StockItem.objects.get(pk=stock_before.pk)
    assert stock_after.count_on_hand == stock_before.count_on_hand - 1


def test_checkout_takes_the_stock_and_refuses_more_than_there_is(shop, ep):
    add_item(ep, "greedy", "078_24602396", 40)
    StockItem.objects.filter(variant__sku="078_24602396").update(count_on_hand=3)

    response = guest_checkout(ep, "greedy")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["status"] == 400 and error["title"] == "Insufficient stock"
    assert error["meta"]["sku"] == "078_24602396"
    assert error["meta"]["id"] == ep.get("/v2/carts/greedy/items").json()["data"][0]["product_id"]
    assert not Order.objects.exists() or not Order.objects.filter(
        cart_uuid=Cart.objects.get(reference="greedy").uuid).exists()
    assert StockItem.objects.get(variant__sku="078_24602396").count_on_hand == 3


def test_checkout_with_a_customer_id_needs_that_customers_token(shop, ep, spencor_token, sonia_token):
    add_item(ep, "spencor-cart", "136_24425591", 1)
    customer_id = "DE--1"
    body = checkout_body(customer={"id": customer_id})

    anonymous = ep.post("/v2/carts/spencor-cart/checkout", body)
    someone_else = ep.post("/v2/carts/spencor-cart/checkout", body, **{"X-Moltin-Customer-Token": sonia_token})
    response = ep.post("/v2/carts/spencor-cart/checkout", body, **{"X-Moltin-Customer-Token": spencor_token})

    assert anonymous.status_code == someone_else.status_code == 401
    assert anonymous.json()["errors"][0]["title"] == "Unauthorized"
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["contact"] == {"email": "spencor.hopkin@spryker.com", "name": "Spencor Hopkin"}
    assert data["relationships"]["customer"]["data"] == {"type": "customer", "id": customer_id}
    assert Order.objects.get(uuid=data["id"]).customer.email == "spencor.hopkin@spryker.com"
    # The cart is the customer's now: without the token it is not there.
    assert ep.get("/v2/carts/spencor-cart/items").status_code == 404
    assert ep.get("/v2/carts/spencor-cart/items", **{"X-Moltin-Customer-Token": spencor_token}).status_code == 200


def test_checkout_with_an_account_and_a_client_credentials_token(shop, ep, backend_token):
    from customers.models import CompanyMember

    member = CompanyMember.objects.select_related("business_unit__company").get(customer__email="sonia@spryker.com")
    add_item(ep, "b2b-cart", "047_26408568", 3)
    body = checkout_body(account={"id": str(member.business_unit.company.uuid), "member_id": str(member.uuid)},
                         contact={"name": "Sonia Wagner", "email": "purchasing@spryker.com"})

    without_token = ep.post("/v2/carts/b2b-cart/checkout", body)
    response = ep.post("/v2/carts/b2b-cart/checkout", body, HTTP_AUTHORIZATION=None,
                       **{"Authorization": f"Bearer {backend_token}"})

    assert without_token.status_code == 401
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["contact"]["email"] == "purchasing@spryker.com"
    assert Order.objects.get(uuid=data["id"]).customer == member.customer


def test_checkout_as_account_member_with_the_account_management_token(shop, ep, sonia_token, spencor_token):
    from customers.models import CompanyMember

    member = CompanyMember.objects.select_related("business_unit__company").get(customer__email="sonia@spryker.com")
    add_item(ep, "member-cart", "066_23294028", 1)
    body = checkout_body(account={"id": str(member.business_unit.company.uuid), "member_id": str(member.uuid)},
                         contact={"name": "Sonia Wagner", "email": "sonia@spryker.com"})
    header = "EP-Account-Management-Authentication-Token"

    not_the_member = ep.post("/v2/carts/member-cart/checkout", body, **{header: spencor_token})
    response = ep.post("/v2/carts/member-cart/checkout", body, **{header: sonia_token})

    assert not_the_member.status_code == 401
    assert response.status_code == 200, response.json()
    order = Order.objects.get(uuid=response.json()["data"]["id"])
    assert order.customer == member.customer
    assert response.json()["data"]["contact"] == {"email": "sonia@spryker.com", "name": "Sonia Wagner"}


def test_an_item_without_a_price_in_the_carts_currency_is_refused(shop, ep):
    usd = {"X-Moltin-Currency": "USD"}
    assert add_item(ep, "dollars", "066_23294028", 1, **usd).status_code == 201

    response = add_item(ep, "dollars", "078_24602396", 1)  # priced in EUR only

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["title"] == "Currency mismatch" and error["meta"]["sku"] == "078_24602396"
    assert [i["sku"] for i in ep.get("/v2/carts/dollars/items").json()["data"]] == ["066_23294028"]
    assert ep.get("/v2/carts/dollars").json()["data"]["meta"]["display_price"]["with_tax"]["currency"] == "USD"


@pytest.mark.parametrize("body", [
    None, "[]", '{"data": []}', '{"data": {"customer": "x"}}', "not json",
    '{"data": {"customer": {"email": "a@b.de"}, "billing_address": "x", "shipping_address": {}}}',
    '{"data": {"customer": {"email": "a@b.de"}, "billing_address": {"first_name": 5.5}, "shipping_address": {}}}',
    '{"data": {"customer": {"email": ["a"]}, "billing_address": {}, "shipping_address": {}}}',
])
def test_malformed_checkout_bodies_are_400_in_elastic_paths_shape(shop, ep, body):
    add_item(ep, "broken", "066_23294028", 1)

    response = ep.post("/v2/carts/broken/checkout", raw=body or "")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["status"] == 400 and error["title"]
    assert not Order.objects.exists() or Order.objects.filter(cart_uuid=Cart.objects.get(reference="broken").uuid).count() == 0


def test_an_address_the_shop_cannot_use_is_422(shop, ep):
    add_item(ep, "bad-address", "066_23294028", 1)
    body = checkout_body(customer={"name": "Ada", "email": "ada@example.com"},
                         billing_address={**BERLIN, "postcode": "1O115"})

    response = ep.post("/v2/carts/bad-address/checkout", body)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["status"] == 422 and "postal code" in error["detail"]
    assert error["meta"]["source"] == "data.billing_address.postcode"


def test_external_ref_longer_than_64_characters_is_refused(shop, ep):
    add_item(ep, "long-ref", "066_23294028", 1)
    body = checkout_body(customer={"name": "Ada", "email": "ada@example.com"}, external_ref="x" * 65)

    response = ep.post("/v2/carts/long-ref/checkout", body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["meta"]["field"] == "data.external_ref"


def test_checking_out_an_unknown_or_empty_cart(shop, ep):
    unknown = guest_checkout(ep, "no-such-cart")
    ep.get("/v2/carts/empty-cart")
    empty = guest_checkout(ep, "empty-cart")

    assert unknown.status_code == 404 and unknown.json()["errors"][0]["title"] == "Cart not found"
    assert empty.status_code == 422 and empty.json()["errors"][0]["title"] == "Cart is empty"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_parallel_retries_with_one_idempotency_key_make_one_order():
    call_command("seed_demo", stdout=StringIO())
    setup = Client()
    setup.post("/v2/carts/race/items", data='{"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 1}}',
               content_type="application/json")
    body = json.dumps(checkout_body(customer={"name": "Ada", "email": "ada@example.com"}))

    def checkout():
        response = Client().post("/v2/carts/race/checkout", data=body, content_type="application/json",
                                 headers={"Idempotency-Key": "same-key"})
        return response.status_code, response.json()

    results = run_together([checkout for _ in range(6)])

    orders = Order.objects.filter(cart_uuid=Cart.objects.get(reference="race").uuid)
    assert orders.count() == 1
    assert all(isinstance(r, tuple) for r in results), results
    ok = [body for status, body in results if status == 200]
    assert ok and {b["data"]["id"] for b in ok} == {str(orders.get().uuid)}
    # The others were told to retry (409, checkout in progress), never given a second order.
    assert all(status in (200, 409) for status, _ in results)


def _shown(document: dict) -> dict:
    price = document["meta"]["display_price"]
    return {name: price[name]["amount"] for name in ("with_tax", "without_tax", "tax", "discount", "without_discount")}


def test_a_cart_shows_the_promotions_its_checkout_applies_and_the_order_matches_it(shop, ep):
    # The phone (393.53) in a shipping group by Standard to Berlin: 10 % off above 100 EUR, and
    # Standard (4.90) is free above 50 EUR. The order made from the cart charges what it showed.
    item_id = add_item(ep, "promo", "066_23294028", 1).json()["data"][0]["id"]
    group = ep.post("/v2/carts/promo/shipping-groups", {"data": {
        "type": "shipping_group", "shipping_type": "Standard", "address": {**BERLIN, "phone_number": ""}}})
    assert group.status_code == 201, group.json()
    ep.put(f"/v2/carts/promo/items/{item_id}",
           {"data": {"type": "cart_item", "shipping_group_id": group.json()["data"]["id"]}})

    cart = ep.get("/v2/carts/promo").json()["data"]
    order = guest_checkout(ep, "promo").json()["data"]

    assert _shown(cart)["discount"] == -(3935 + 490)
    assert _shown(cart)["with_tax"] == 35418
    assert _shown(cart) == _shown(order)


def test_a_cart_without_shipping_shows_its_item_promotions(shop, ep):
    items = add_item(ep, "promo-items", "066_23294028", 1).json()
    order = guest_checkout(ep, "promo-items").json()["data"]

    assert _shown(items)["discount"] == -3935  # 10 % off above 100 EUR; no shipment yet
    assert items["data"][0]["meta"]["display_price"]["discount"]["value"]["amount"] == -3935
    assert _shown(items)["with_tax"] == _shown(order)["with_tax"] == 35418  # Standard is free above 50 EUR
