"""Input no dialect can use is refused where it arrives, in the dialect's own error shape, never a 500.

JSON nested too deep, lone surrogates (text no database or JSON encoder can hold), bodies over
DATA_UPLOAD_MAX_MEMORY_SIZE, odd characters in paths, query strings and headers, and
Idempotency-Keys longer than the shop keeps.
"""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carts.models import Cart
from checkout.models import CheckoutDraft, IdempotencyKey, Order
from customers.models import Country, Customer, Region

JSON_API = "application/vnd.api+json"
GUEST = {"X-Anonymous-Customer-Unique-Id": "guest-bad-input"}


@pytest.fixture
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def no_server_errors(caplog):
    """A 500 logs an error (django.request, the dialects' handlers): none may appear."""
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def send(client, method, path, body=None, *, raw=None, content_type="application/json", **headers):
    data = raw if raw is not None else ("" if body is None else json.dumps(body))
    return getattr(client, method)(path, data=data, content_type=content_type, headers=headers)


def assert_glue_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON_API
    (error,) = response.json()["errors"]
    assert error["status"] == str(status) and error["detail"] and "Traceback" not in error["detail"]
    assert set(error) <= {"status", "code", "detail", "source", "meta"}
    if code is not None:
        assert error["code"] == code
    return error


def assert_ep_error(response, status: int, title: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["status"] == status and error["title"] and error["detail"]
    assert set(error) <= {"status", "title", "detail", "meta"}
    if title is not None:
        assert error["title"] == title
    return error


def assert_spree_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert set(body) <= {"error", "errors"} and isinstance(body.get("errors", {}), dict)
    return body


GLUE_ITEM = {"data": {"type": "guest-cart-items", "attributes": {"sku": "066_23294028", "quantity": 1}}}
EP_ITEM = {"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 1}}
SPREE_ORDER = {"order": {"line_items": [{"variant_id": 6, "quantity": 1}], "email": "e@example.com"}}


def nested(depth: int) -> str:
    return '{"data": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


# --- JSON nested too deep --------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 900, 5000])
def test_deeply_nested_json_is_a_glue_400(db, client, depth):
    response = send(client, "post", "/guest-cart-items", raw=nested(depth), content_type=JSON_API, **GUEST)
    error = assert_glue_error(response, 400, "bad_request")
    assert "nested" in error["detail"]
    assert not Cart.objects.filter(anonymous_id=GUEST["X-Anonymous-Customer-Unique-Id"]).exists()


@pytest.mark.parametrize("depth", [40, 900, 5000])
def test_deeply_nested_json_is_an_elastic_path_400(db, client, depth):
    response = send(client, "post", "/v2/carts/deep/items", raw=nested(depth))
    assert "nested" in assert_ep_error(response, 400, "Bad Request")["detail"]
    assert not Cart.objects.filter(reference="deep").exists()


@pytest.mark.parametrize("depth", [900, 5000])
def test_deeply_nested_json_is_a_spree_400(db, client, depth):
    response = send(client, "post", "/api/orders.json", raw=nested(depth))
    assert "nested" in str(assert_spree_error(response, 400)["errors"])
    assert not CheckoutDraft.objects.exists()


def test_a_deep_list_is_as_deep_as_a_deep_object(db, client):
    response = send(client, "post", "/v2/carts/deep/items", raw='{"data": ' + "[" * 900 + "]" * 900 + "}")
    assert_ep_error(response, 400)


def test_the_nesting_of_honest_bodies_passes(shop, client):
    response = send(client, "post", "/guest-cart-items", GLUE_ITEM, content_type=JSON_API, **GUEST)
    assert response.status_code == 201, response.content


# --- lone surrogates -------------------------------------------------------------------------------


@pytest.mark.parametrize("item", [
    {"data": {"type": "guest-cart-items", "attributes": {"sku": "\ud800", "quantity": 1}}},
    {"data": {"type": "guest-cart-items", "attributes": {"sku": "066_23294028\udfff", "quantity": 1}}},
    {"data": {"type": "guest-cart-items", "attributes": {"sku": "066_23294028", "quantity": 1, "\ud83d": 1}}},
])
def test_a_lone_surrogate_in_a_glue_body_is_a_400(db, client, item):
    response = send(client, "post", "/guest-cart-items", item, content_type=JSON_API, **GUEST)
    assert "surrogate" in assert_glue_error(response, 400, "bad_request")["detail"]
    assert not Cart.objects.filter(anonymous_id=GUEST["X-Anonymous-Customer-Unique-Id"]).exists()


def test_a_lone_surrogate_in_a_registration_is_a_glue_400(db, client):
    attributes = {"salutation": "Mrs", "firstName": "Ada\ud800", "lastName": "Lovelace", "email": "ada@example.com",
                  "password": "analytical-engine-1843", "confirmPassword": "analytical-engine-1843",
                  "acceptedTerms": True}
    response = send(client, "post", "/customers", {"data": {"type": "customers", "attributes": attributes}},
                    content_type=JSON_API)
    assert_glue_error(response, 400, "bad_request")
    assert not Customer.objects.filter(email="ada@example.com").exists()


def test_a_lone_surrogate_in_an_elastic_path_cart_name_is_a_400(db, client):
    response = send(client, "put", "/v2/carts/named", {"data": {"name": "Birthday \udc00"}})
    assert_ep_error(response, 400, "Bad Request")
    assert not Cart.objects.filter(reference="named").exists()


def test_a_lone_surrogate_in_a_spree_body_is_a_400(db, client):
    body = {"order": {**SPREE_ORDER["order"], "email": "\ud800@example.com"}}
    response = send(client, "post", "/api/orders.json", body)
    assert_spree_error(response, 400)
    assert not CheckoutDraft.objects.exists()


def test_bytes_that_are_not_utf_8_are_a_400(db, client):
    raw = b'{"data": {"type": "guest-cart-items", "attributes": {"sku": "\xed\xa0\x80", "quantity": 1}}}'
    response = client.post("/guest-cart-items", data=raw, content_type=JSON_API, headers=GUEST)
    assert_glue_error(response, 400, "bad_request")


# --- bodies over the limit ------------------------------------------------------------------------


def padded(body: dict, size: int) -> str:
    """``body`` with a ``note`` that makes it ``size`` bytes long."""
    data = dict(body["data"]) if "data" in body else None
    shell = {**body, "data": {**data, "note": ""}} if data is not None else {**body, "note": ""}
    pad = size - len(json.dumps(shell))
    if data is not None:
        return json.dumps({**body, "data": {**data, "note": "x" * pad}})
    return json.dumps({**body, "note": "x" * pad})


def test_the_upload_limit_is_one_megabyte(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


def test_a_glue_body_over_the_limit_is_a_413(db, client):
    response = send(client, "post", "/guest-cart-items", raw=padded(GLUE_ITEM, 3_000_000), content_type=JSON_API,
                    **GUEST)
    assert "1048576" in assert_glue_error(response, 413, "request_too_large")["detail"]
    assert not Cart.objects.filter(anonymous_id=GUEST["X-Anonymous-Customer-Unique-Id"]).exists()


def test_an_elastic_path_body_over_the_limit_is_a_413(db, client):
    response = send(client, "post", "/v2/carts/big/items", raw=padded(EP_ITEM, 3_000_000))
    assert_ep_error(response, 413, "Payload Too Large")
    assert not Cart.objects.filter(reference="big").exists()


def test_a_spree_body_over_the_limit_is_a_413(db, client):
    response = send(client, "post", "/api/orders.json", raw=padded(SPREE_ORDER, 3_000_000))
    assert_spree_error(response, 413)
    assert not CheckoutDraft.objects.exists()


def test_a_body_just_under_the_limit_is_served(shop, client):
    response = send(client, "post", "/v2/carts/big/items", raw=padded(EP_ITEM, 1024 * 1024 - 10))
    assert response.status_code == 201, response.content


# --- odd characters in paths, query strings and headers -------------------------------------------


@pytest.mark.parametrize("path", [
    "/concrete-products/%ED%A0%80",  # an encoded surrogate: Django keeps it percent-encoded
    "/concrete-products/%C0%AF",
    "/concrete-products/%F0%9F%98%80",
    "/concrete-products/%E2%80%AE066_23294028",
    "/concrete-products/" + "9" * 5000,
    "/concrete-products/%ED%A0%80/concrete-product-availabilities",
    "/guest-carts/%ED%A0%80",
    "/guest-carts/%ED%A0%80/guest-cart-items/%ED%A0%80",
    "/orders/%ED%A0%80",
])
def test_odd_characters_in_a_glue_path_are_a_clean_404(db, client, path):
    method = client.delete if "guest-cart-items" in path else client.get
    assert_glue_error(method(path, headers=GUEST), 404)


def test_odd_characters_in_an_elastic_path_cart_id_name_a_cart_like_any_other(shop, client):
    response = client.get("/v2/carts/%ED%A0%80/items")  # Django keeps the encoded surrogate as text: "%ED%A0%80"
    assert response.status_code == 200, response.content
    assert Cart.objects.filter(reference="%ED%A0%80").exists()


@pytest.mark.parametrize("path", ["/v2/orders/%ED%A0%80", "/v2/carts/%ED%A0%80/items/%ED%A0%80"])
def test_odd_characters_in_an_elastic_path_path_are_a_clean_4xx(db, client, path):
    response = client.get(path) if "orders" in path else client.delete(path)
    assert response.status_code in (401, 404), response.content
    assert_ep_error(response, response.status_code)


@pytest.mark.parametrize("path", ["/api/products/%ED%A0%80", "/api/orders/%ED%A0%80.json"])
def test_odd_characters_in_a_spree_path_are_a_clean_404(db, client, path):
    assert_spree_error(client.get(path), 404)


@pytest.mark.parametrize("query", ["include=%ED%A0%80", "include=%ED%A0%80%ED%B0%80", "%ED%A0%80=1",
                                   "fields[x]=%FF%FE"])
def test_odd_characters_in_a_query_string_are_no_500(shop, client, query):
    response = client.get(f"/concrete-products/066_23294028?{query}")
    assert response.status_code in (200, 400), response.content


def test_odd_characters_in_the_guest_header_are_a_glue_error(shop, client):
    response = send(client, "post", "/guest-cart-items", GLUE_ITEM, content_type=JSON_API,
                    **{"X-Anonymous-Customer-Unique-Id": "gäst-\u00ed\u00a0\u0080"})
    assert response.status_code in (201, 400), response.content


# --- Spree order tokens ---------------------------------------------------------------------------


@pytest.fixture
def spree_order(shop, client):
    response = send(client, "post", "/api/orders.json", SPREE_ORDER)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("token", ["ü", "tökén", "\u2603" * 40, "Ã©"])
def test_a_non_ascii_spree_order_token_header_is_a_401(client, spree_order, token):
    response = client.get(f"/api/orders/{spree_order['number']}.json", headers={"X-Spree-Order-Token": token})
    assert response.status_code == 401, response.content
    assert response.json() == {"error": "You are not authorized to perform that action."}


@pytest.mark.parametrize("token", ["%C3%BC", "%E2%98%83", "%ED%A0%80"])
def test_a_non_ascii_spree_order_token_parameter_is_a_401(client, spree_order, token):
    response = client.get(f"/api/orders/{spree_order['number']}.json?order_token={token}")
    assert response.status_code == 401, response.content
    assert response.json() == {"error": "You are not authorized to perform that action."}


def test_a_non_ascii_spree_order_token_in_the_body_is_a_401(client, spree_order):
    response = send(client, "put", f"/api/checkouts/{spree_order['number']}/next.json", {"order_token": "ü"})
    assert response.status_code == 401, response.content
    assert CheckoutDraft.objects.get(number=spree_order["number"]).state == "cart"


def test_the_right_spree_order_token_still_opens_the_order(client, spree_order):
    response = client.get(f"/api/orders/{spree_order['number']}.json",
                          headers={"X-Spree-Order-Token": spree_order["token"]})
    assert response.status_code == 200


# --- Idempotency-Key ------------------------------------------------------------------------------

LONG_KEY = "k" * 256
ADDRESS = {"salutation": "Ms", "firstName": "Ada", "lastName": "Lovelace", "address1": "Julie-Wolfthorn-Straße",
           "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"}


def glue_checkout(client, key: str):
    item = send(client, "post", "/guest-cart-items", GLUE_ITEM, content_type=JSON_API, **GUEST)
    cart = item.json()["data"]["id"]
    body = {"data": {"type": "checkout", "attributes": {
        "idCart": cart, "customer": {"email": "ada@example.com", "salutation": "Ms", "firstName": "Ada",
                                     "lastName": "Lovelace"},
        "billingAddress": ADDRESS, "shippingAddress": ADDRESS, "shipment": {"idShipmentMethod": 1},
        "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice"}]}}}
    return cart, send(client, "post", "/checkout", body, content_type=JSON_API, **GUEST, **{"Idempotency-Key": key})


def test_an_idempotency_key_over_255_characters_is_a_glue_400(shop, client):
    cart, response = glue_checkout(client, LONG_KEY)
    error = assert_glue_error(response, 400, "idempotency_key_invalid")
    assert "255" in error["detail"]
    assert Cart.objects.filter(uuid=cart).exists()
    assert not Order.objects.filter(cart_uuid=cart).exists()


def test_an_idempotency_key_of_255_characters_is_kept(shop, client):
    cart, response = glue_checkout(client, "k" * 255)
    assert response.status_code == 201, response.content
    assert IdempotencyKey.objects.filter(key="k" * 255).exists()


def test_an_idempotency_key_over_255_characters_is_an_elastic_path_400(shop, client):
    assert send(client, "post", "/v2/carts/long-key/items", EP_ITEM).status_code == 201
    berlin = {"first_name": "Ada", "last_name": "Lovelace", "line_1": "Julie-Wolfthorn-Straße 1", "city": "Berlin",
              "postcode": "10115", "country": "DE"}
    body = {"data": {"customer": {"name": "Ada Lovelace", "email": "ada@example.com"}, "billing_address": berlin,
                     "shipping_address": berlin}}
    response = send(client, "post", "/v2/carts/long-key/checkout", body, **{"Idempotency-Key": LONG_KEY})
    assert "255" in assert_ep_error(response, 400)["detail"]
    assert not Order.objects.filter(cart_uuid=Cart.objects.get(reference="long-key").uuid).exists()


def spree_order_at_confirm(client) -> dict:
    """A guest's rental order with addresses and payment, one ``next`` from complete (seed 004's flow)."""
    start = timezone.localdate() + timezone.timedelta(days=30)
    response = send(client, "post", "/api/orders.json", {"order": {
        "rental_start_date": str(start), "rental_end_date": str(start + timezone.timedelta(days=3)),
        "zipcode": "90025", "line_items": [{"variant_id": 1, "quantity": 1}], "email": "guest@example.com"}})
    order = response.json()
    us = Country.objects.get(iso2_code="US")
    address = {"firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
               "phone": "3014445002", "zipcode": "20814", "country_id": us.pk,
               "state_id": Region.objects.get(country=us, iso2_code="MD").pk}
    send(client, "put", f"/api/checkouts/{order['number']}/next.json", {"order_token": order["token"]})
    send(client, "put", f"/api/checkouts/{order['number']}.json", {"order_token": order["token"], "order": {
        "bill_address_attributes": address, "ship_address_attributes": address,
        "payments_attributes": [{"payment_method_id": "2"}]}})
    assert CheckoutDraft.objects.get(number=order["number"]).state == "confirm"
    return order


def test_an_idempotency_key_over_255_characters_is_a_spree_400(shop, client):
    order = spree_order_at_confirm(client)
    response = send(client, "put", f"/api/checkouts/{order['number']}/next.json", {"order_token": order["token"]},
                    **{"Idempotency-Key": LONG_KEY})
    assert "255" in str(assert_spree_error(response, 400)["errors"])
    assert not Order.objects.filter(number=order["number"]).exists()
    assert CheckoutDraft.objects.get(number=order["number"]).state == "confirm"
