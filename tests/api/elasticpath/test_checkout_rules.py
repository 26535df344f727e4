"""The rules of an Elastic Path checkout (seed 003) that the domain holds: whom the order is for, the
cart going to them with the order and never before, where the items ship, and paying later."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from carts.models import Cart
from checkout.models import CheckoutClaim, Order
from customers.models import CompanyMember
from payments.models import PaymentMethod, PaymentPlugin
from tests.api.elasticpath.helpers import BERLIN, BERLIN_SHIPPING, add_item, checkout_body, guest_checkout, token_for
from tests.races import run_together

MEMBER_TOKEN = "EP-Account-Management-Authentication-Token"
LONDON = {**BERLIN_SHIPPING, "city": "London", "postcode": "SW1A 1AA", "country": "GB", "region": "", "county": ""}


def _sonia() -> CompanyMember:
    return CompanyMember.objects.select_related("business_unit__company").get(customer__email="sonia@spryker.com")


def _account_body(member: CompanyMember, **account) -> dict:
    return checkout_body(account={"id": str(member.business_unit.company.uuid), "member_id": str(member.uuid),
                                  **account},
                         contact={"name": "Sonia Wagner", "email": "sonia@spryker.com"})


def _orders_of(cart_id: str):
    return Order.objects.filter(cart_uuid=Cart.objects.get(reference=cart_id).uuid)


# --- the cart goes to the customer with the order, never before --------------------------------


def test_a_refused_checkout_for_a_customer_id_leaves_the_cart_anonymous(shop, ep, spencor_token):
    add_item(ep, "still-anonymous", "066_23294028", 1)
    bad_address = checkout_body(customer={"id": "DE--1"}, billing_address={**BERLIN, "postcode": "1O115"})

    response = ep.post("/v2/carts/still-anonymous/checkout", bad_address, **{"X-Moltin-Customer-Token": spencor_token})

    assert response.status_code == 422 and "postal code" in response.json()["errors"][0]["detail"]
    assert Cart.objects.get(reference="still-anonymous").customer_id is None
    assert ep.get("/v2/carts/still-anonymous/items").status_code == 200  # anyone with the cart id, as before
    assert not _orders_of("still-anonymous").exists()


def test_a_checkout_refused_while_another_placement_holds_the_cart_leaves_its_owner(shop, ep, sonia_token):
    add_item(ep, "held-cart", "066_23294028", 1)
    CheckoutClaim.objects.create(cart_uuid=Cart.objects.get(reference="held-cart").uuid, token="another-placement",
                                 claimed_at=timezone.now())

    response = ep.post("/v2/carts/held-cart/checkout", _account_body(_sonia()), **{MEMBER_TOKEN: sonia_token})

    assert response.status_code == 409
    assert response.json()["errors"][0]["title"] == "Checkout in progress"
    cart = Cart.objects.get(reference="held-cart")
    assert cart.customer_id is None and cart.anonymous_id
    assert not _orders_of("held-cart").exists()


def test_the_cart_becomes_the_customers_with_the_order(shop, ep, spencor_token):
    add_item(ep, "becomes-theirs", "066_23294028", 1)

    response = ep.post("/v2/carts/becomes-theirs/checkout", checkout_body(customer={"id": "DE--1"}),
                       **{"X-Moltin-Customer-Token": spencor_token})

    assert response.status_code == 200, response.json()
    cart = Cart.objects.select_related("customer").get(reference="becomes-theirs")
    assert (cart.customer.reference, cart.anonymous_id, cart.is_default) == ("DE--1", None, False)
    assert Order.objects.get(uuid=response.json()["data"]["id"]).customer == cart.customer


def test_a_retry_after_the_cart_became_the_customers_gets_the_first_order(shop, ep, spencor_token):
    add_item(ep, "retried", "066_23294028", 1)
    headers = {"X-Moltin-Customer-Token": spencor_token, "Idempotency-Key": "assign-once"}
    body = checkout_body(customer={"id": "DE--1"})

    first = ep.post("/v2/carts/retried/checkout", body, **headers)
    again = ep.post("/v2/carts/retried/checkout", body, **headers)

    assert first.status_code == again.status_code == 200
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _orders_of("retried").count() == 1


def test_a_customers_cart_is_not_given_to_another_customer(shop, ep, spencor_token, backend_token):
    add_item(ep, "spencors-own", "066_23294028", 1, **{"X-Moltin-Customer-Token": spencor_token})
    ep.post("/v2/carts/spencors-own/relationships/customers", {"data": [{"type": "customer", "id": "DE--1"}]},
            **{"X-Moltin-Customer-Token": spencor_token})
    member = _sonia()

    response = ep.post("/v2/carts/spencors-own/checkout", _account_body(member),
                       **{"Authorization": f"Bearer {backend_token}"})

    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Cart not found"
    assert Cart.objects.get(reference="spencors-own").customer.reference == "DE--1"
    assert not _orders_of("spencors-own").exists()


# --- whom the order is for ---------------------------------------------------------------------


def test_who_may_check_out_for_whom_is_answered_in_elastic_paths_words(shop, ep, spencor_token, sonia_token,
                                                                         backend_token):
    add_item(ep, "whom", "066_23294028", 1)
    backend = {"Authorization": f"Bearer {backend_token}"}
    member = _sonia()

    def error(body, **headers):
        response = ep.post("/v2/carts/whom/checkout", body, **headers)
        [error] = response.json()["errors"]
        # The domain's code (meta.code) is all these errors added to what the API answered before.
        if error.get("meta", {}).pop("code", None) and not error["meta"]:
            del error["meta"]
        return response.status_code, error

    assert error(checkout_body(customer={"id": "DE--1"})) == (401, {
        "status": 401, "title": "Unauthorized",
        "detail": "Checking out with a customer id needs that customer's token (X-Moltin-Customer-Token)."})
    assert error(checkout_body(customer={"id": "DE--1"}), **{"X-Moltin-Customer-Token": sonia_token}) == (401, {
        "status": 401, "title": "Unauthorized", "detail": "The customer token does not belong to this customer."})
    assert error(checkout_body(customer={"id": "DE--999"}), **backend) == (404, {
        "status": 404, "title": "Customer not found", "detail": "Customer not found.", "meta": {"id": "DE--999"}})
    assert error(_account_body(member)) == (401, {
        "status": 401, "title": "Unauthorized",
        "detail": "An account checkout needs a client-credentials token or an "
                  "EP-Account-Management-Authentication-Token."})
    assert error(_account_body(member), **{MEMBER_TOKEN: spencor_token}) == (401, {
        "status": 401, "title": "Unauthorized",
        "detail": "The account management token does not belong to this account member."})
    unknown = "00000000-0000-4000-8000-000000000000"
    assert error(_account_body(member, member_id=unknown), **backend) == (404, {
        "status": 404, "title": "Account member not found", "detail": "Account member not found.",
        "meta": {"account_id": str(member.business_unit.company.uuid), "member_id": unknown}})
    assert Cart.objects.get(reference="whom").customer_id is None
    assert not _orders_of("whom").exists()


def test_an_account_member_checks_out_without_naming_themself(shop, ep, sonia_token):
    add_item(ep, "member-default", "066_23294028", 1)
    member = _sonia()
    body = checkout_body(account={"id": str(member.business_unit.company.uuid)},
                         contact={"name": "Sonia Wagner", "email": "sonia@spryker.com"})

    response = ep.post("/v2/carts/member-default/checkout", body, **{MEMBER_TOKEN: sonia_token})

    assert response.status_code == 200, response.json()
    assert Order.objects.get(uuid=response.json()["data"]["id"]).customer == member.customer


# --- where the items ship, and paying later ----------------------------------------------------


def test_items_in_no_group_need_a_method_that_delivers_to_the_shipping_address(shop, ep):
    add_item(ep, "to-london", "066_23294028", 1)
    body = checkout_body(customer={"name": "Ada Lovelace", "email": "ada@example.com"}, shipping_address=LONDON)

    response = ep.post("/v2/carts/to-london/checkout", body)

    assert response.status_code == 422
    assert response.json() == {"errors": [{
        "status": 422, "title": "Failed Validation",
        "detail": "No shipment method of this store delivers to the shipping address.",
        "meta": {"code": "1101", "source": "data.shipping_address.country"}}]}
    assert not _orders_of("to-london").exists()


def test_the_order_waits_to_be_paid_with_the_shops_manual_method(shop, ep):
    add_item(ep, "pay-later", "066_23294028", 1)

    response = guest_checkout(ep, "pay-later")

    assert response.status_code == 200, response.json()
    order = Order.objects.get(uuid=response.json()["data"]["id"])
    [payment] = order.payments.select_related("method")
    assert payment.method.plugin == PaymentPlugin.MANUAL
    assert (payment.amount, payment.state, order.payment_state) == (order.grand_total, "pending", "balance_due")


def test_without_a_manual_method_the_shop_cannot_take_the_order(shop, ep):
    add_item(ep, "no-manual", "066_23294028", 1)
    PaymentMethod.objects.filter(plugin=PaymentPlugin.MANUAL).update(is_active=False)

    response = guest_checkout(ep, "no-manual")

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["title"], error["meta"]["code"]) == ("Unprocessable Entity", "1102")
    assert "manual payment method" in error["detail"]
    assert not _orders_of("no-manual").exists()


# --- at the same moment (PostgreSQL) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_customers_checking_out_one_anonymous_cart_at_once_one_gets_it_with_the_order():
    call_command("seed_demo", stdout=StringIO())
    Client().post("/v2/carts/contested/items", data=json.dumps(
        {"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 1}}), content_type="application/json")
    tokens = {"DE--1": token_for("spencor.hopkin@spryker.com"), "DE--2": token_for("sonia@spryker.com")}

    def checkout(reference):
        def run():
            response = Client().post("/v2/carts/contested/checkout",
                                     data=json.dumps(checkout_body(customer={"id": reference})),
                                     content_type="application/json",
                                     headers={"X-Moltin-Customer-Token": tokens[reference]})
            return response.status_code, reference
        return run

    results = run_together([checkout(reference) for reference in ["DE--1", "DE--2"] * 3])

    assert all(isinstance(r, tuple) for r in results), results
    placed = {reference for status, reference in results if status == 200}
    assert all(status in (200, 404, 409) for status, _ in results), results
    cart = Cart.objects.select_related("customer").get(reference="contested")
    orders = Order.objects.filter(cart_uuid=cart.uuid).select_related("customer")
    # Whoever placed an order owns the cart, and no one else placed one.
    assert placed == {order.customer.reference for order in orders}
    assert len(placed) <= 1 and (not placed or cart.customer.reference in placed)
