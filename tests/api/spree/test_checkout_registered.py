"""Seed 004 replayed by a registered customer with an API key (X-Spree-Token), and an existing card reused."""

import pytest
from django.contrib.auth import get_user_model

from checkout.demo.data import API_KEYS
from checkout.models import Order
from customers.models import Address, Customer
from payments.models import CreditCard, Payment

pytestmark = pytest.mark.usefixtures("shop")

JOHN = "john.doe@example.com"
KEY = {"X-Spree-Token": API_KEYS[JOHN]}
CARD = {"number": "4111111111111111", "month": "12", "year": "2035", "verification_value": "123", "name": "John Doe"}


def address(us_ids, **changes):
    return {"firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
            "phone": "3014445002", "zipcode": "20814", **us_ids, **changes}


def test_a_registered_customer_checks_out_step_by_step_with_the_api_key(spree, us_ids, rental_dates):
    start, end = rental_dates
    john = Customer.objects.get(email=JOHN, user__isnull=False)
    response = spree.post("/api/orders.json", {"order": {
        "rental_start_date": start, "rental_end_date": end, "zipcode": "90025",
        "line_items": [{"variant_id": 1, "quantity": 2}]}}, **KEY)
    assert response.status_code == 201, response.json()
    order = response.json()
    number = order["number"]
    assert order["user_id"] == john.user_id and order["email"] == JOHN and order["state"] == "cart"
    assert order["item_total"] == "31.98"

    # Every step with the key alone (no order token).
    assert spree.put(f"/api/checkouts/{number}/next.json", **KEY).json()["state"] == "address"
    response = spree.put(f"/api/checkouts/{number}.json", {"save_user_address": "1", "order": {
        "bill_address_attributes": address(us_ids, address1="1 Billing Way"),
        "ship_address_attributes": address(us_ids)}}, **KEY)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "payment"
    assert Address.objects.filter(customer=john, address1="1 Billing Way", is_default_billing=True).exists()
    response = spree.put(f"/api/checkouts/{number}.json", {"order": {
        "payments_attributes": [{"payment_method_id": 1}]}, "payment_source": {"1": CARD}}, **KEY)
    assert response.status_code == 200, response.json()
    confirm = response.json()
    assert confirm["state"] == "confirm"
    card_id = confirm["payments"][0]["source"]["id"]
    assert CreditCard.objects.get(pk=card_id).customer == john
    assert confirm["credit_cards"][0]["id"] == card_id

    response = spree.put(f"/api/checkouts/{number}/next.json", **KEY)
    assert response.status_code == 200, response.json()
    done = response.json()
    assert done["state"] == "complete" and done["user_id"] == john.user_id
    assert Order.objects.get(number=number).customer == john
    assert spree.get(f"/api/orders/{number}", **KEY).json()["state"] == "complete"

    # A second order pays with the card kept from the first: existing_card.
    second = spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}, **KEY).json()
    spree.put(f"/api/checkouts/{second['number']}/next", **KEY)
    spree.put(f"/api/checkouts/{second['number']}", {"order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}}, **KEY)
    response = spree.put(f"/api/checkouts/{second['number']}", {"order": {"existing_card": str(card_id)}}, **KEY)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirm"
    assert response.json()["payments"][0]["source"]["id"] == card_id
    response = spree.put(f"/api/checkouts/{second['number']}/next", **KEY)
    assert response.status_code == 200, response.json()
    assert response.json()["payments"][0]["source"]["last_digits"] == "1111"
    assert response.json()["payments"][0]["state"] == "pending"
    # Paying with the kept card makes no copy of it: the wallet still holds one card, used by both orders.
    kept = CreditCard.objects.filter(pk=card_id).values("customer", "brand", "last_digits", "month", "year", "name")
    assert list(CreditCard.objects.filter(**kept.get()).values_list("pk", flat=True)) == [card_id]
    assert Payment.objects.get(order__number=second["number"]).source_id == card_id


def test_someone_elses_card_cannot_be_used_as_existing_card(spree, us_ids):
    other = CreditCard.objects.create(customer=Customer.objects.get(email="sonia@spryker.com", user__isnull=False),
                                      brand="visa", last_digits="4242", month=12, year=2035, name="Sonia")
    order = spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}, **KEY).json()
    spree.put(f"/api/checkouts/{order['number']}/next", **KEY)
    spree.put(f"/api/checkouts/{order['number']}", {"order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}}, **KEY)
    response = spree.put(f"/api/checkouts/{order['number']}", {"order": {"existing_card": other.pk}}, **KEY)
    assert response.status_code == 422
    assert response.json()["errors"] == {"existing_card": ["There is no such card among yours."]}


def test_staff_with_an_api_key_see_any_order(spree):
    from rest_framework.authtoken.models import Token

    guest = spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}).json()
    staff = Token.objects.create(user=get_user_model().objects.get(username="admin"))
    response = spree.get(f"/api/orders/{guest['number']}.json", **{"X-Spree-Token": staff.key})
    assert response.status_code == 200 and response.json()["number"] == guest["number"]


def test_a_registered_customer_changes_line_items_and_selects_the_shipping_rate(spree, us_ids, rental_dates):
    start, end = rental_dates
    order = spree.post("/api/orders.json", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}]}}, **KEY).json()
    number = order["number"]
    response = spree.post(f"/api/orders/{number}/line_items.json", {"line_item": {"variant_id": 1, "quantity": 2}},
                          **KEY)
    assert response.status_code == 422  # the tote is rented: dates and zipcode first
    assert list(response.json()["errors"]) == ["rental_start_date"]
    response = spree.put(f"/api/orders/{number}.json", {"order": {
        "line_items": {"0": {"id": order["line_items"][0]["id"], "quantity": 2}, "1": {"variant_id": 1, "quantity": 2}},
        "rental_start_date": start, "rental_end_date": end, "zipcode": "90064"}}, **KEY)
    assert response.status_code == 200, response.json()
    assert sorted((li["variant_id"], li["quantity"]) for li in response.json()["line_items"]) == [(1, 2), (6, 2)]
    spree.put(f"/api/checkouts/{number}/next.json", **KEY)
    at_payment = spree.put(f"/api/checkouts/{number}.json", {"order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}}, **KEY).json()
    shipment = at_payment["shipments"][0]
    response = spree.put(f"/api/checkouts/{number}.json", {"order": {
        "shipments_attributes": {"0": {"selected_shipping_rate_id": shipment["shipping_rates"][0]["id"],
                                       "id": shipment["id"]}},
        "payments_attributes": [{"payment_method_id": "2"}]}}, **KEY)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirm"
    assert response.json()["shipments"][0]["selected_shipping_rate"]["shipping_method_id"] == 6
