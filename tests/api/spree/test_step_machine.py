"""The step checkout as one machine (issue 14): the zipcode's stock locations serve every item at every
step and at placement alike, the e-mail is checked when the order leaves ``address``, and one ``next``
reads the draft once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Variant
from checkout.models import CheckoutDraft, Order
from shipping.models import Shipment, StockItem, StockLocation

pytestmark = pytest.mark.usefixtures("shop")

INVALID = "Invalid resource. Please fix errors and try again."
COULD_NOT_TRANSITION = "The order could not be transitioned. Please fix the errors and try again."
TOTE, PHONE = 1, 6


def address(us_ids):
    return {"firstname": "Ann", "lastname": "Buyer", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
            "phone": "3014445002", "zipcode": "20814", **us_ids}


def new_order(spree, rental_dates, *variant_ids, zipcode="10001", email="buyer@example.com"):
    start, end = rental_dates
    return spree.post("/api/orders", {"order": {
        "rental_start_date": start, "rental_end_date": end, "zipcode": zipcode, "email": email,
        "line_items": [{"variant_id": v, "quantity": 1} for v in variant_ids]}})


def to_confirm(spree, order, us_ids) -> dict:
    token = {"order_token": order["token"]}
    assert spree.put(f"/api/checkouts/{order['number']}/next", token).status_code == 200
    response = spree.put(f"/api/checkouts/{order['number']}", {**token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": 2}]}})
    assert response.status_code == 200 and response.json()["state"] == "confirm", response.json()
    return response.json()


def test_a_tote_and_a_phone_for_a_zipcode_whose_location_has_no_phone_are_refused_before_any_step(
        spree, rental_dates):
    # New York serves 10001 and holds totes only: placing would find no phone there, so nothing starts.
    response = new_order(spree, rental_dates, TOTE, PHONE)
    assert response.status_code == 422
    assert response.json() == {"error": INVALID, "errors": {
        "line_items": ["There is not enough stock of 047_26408568: 0 available, 1 wanted."]}}
    assert not CheckoutDraft.objects.exists()


def test_a_zipcode_given_later_is_checked_for_every_item_too(spree, rental_dates, us_ids):
    order = new_order(spree, rental_dates, TOTE, PHONE, zipcode="90025").json()
    response = spree.put(f"/api/orders/{order['number']}", {"order_token": order["token"],
                                                            "order": {"zipcode": "10001"}})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["line_items"]
    assert CheckoutDraft.objects.get(number=order["number"]).zipcode == "90025"


def test_a_phone_only_order_for_that_zipcode_is_refused_too(spree, rental_dates):
    response = new_order(spree, rental_dates, PHONE)
    assert response.status_code == 422
    assert response.json()["errors"] == {"line_items": [
        "There is not enough stock of 047_26408568: 0 available, 1 wanted."]}


def test_what_confirm_shows_is_where_a_phone_only_order_ships_from(spree, rental_dates, us_ids):
    new_york = StockLocation.objects.get(name="New York")
    StockItem.objects.create(stock_location=new_york, variant=Variant.objects.get(pk=PHONE), count_on_hand=5)
    order = new_order(spree, rental_dates, PHONE).json()
    at_confirm = to_confirm(spree, order, us_ids)
    assert at_confirm["shipments"][0]["stock_location_name"] == "New York"
    done = spree.put(f"/api/checkouts/{order['number']}/next", {"order_token": order["token"]})
    assert done.status_code == 200 and done.json()["state"] == "complete"
    assert Shipment.objects.get(order__number=order["number"]).stock_location == new_york
    assert StockItem.objects.get(stock_location=new_york, variant_id=PHONE).count_on_hand == 4


def test_a_tote_and_a_phone_where_one_location_holds_both_ship_from_it(spree, rental_dates, us_ids):
    order = new_order(spree, rental_dates, TOTE, PHONE, zipcode="90025").json()
    assert to_confirm(spree, order, us_ids)["shipments"][0]["stock_location_name"] == "Los Angeles"
    done = spree.put(f"/api/checkouts/{order['number']}/next", {"order_token": order["token"]})
    assert done.status_code == 200 and done.json()["state"] == "complete"
    assert Shipment.objects.get(order__number=order["number"]).stock_location.name == "Los Angeles"


def test_an_invalid_email_given_at_creation_is_refused_when_the_order_leaves_address(spree, us_ids):
    order = spree.post("/api/orders", {"order": {"email": "not-an-email",
                                                 "line_items": [{"variant_id": PHONE, "quantity": 1}]}}).json()
    token = {"order_token": order["token"]}
    assert spree.put(f"/api/checkouts/{order['number']}/next", token).json()["state"] == "address"
    response = spree.put(f"/api/checkouts/{order['number']}", {**token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}})
    assert response.status_code == 422
    assert response.json() == {"error": COULD_NOT_TRANSITION,
                               "errors": {"email": ["'not-an-email' is not a valid e-mail address."]}}
    draft = CheckoutDraft.objects.get(number=order["number"])
    assert draft.state == "address" and draft.bill_address_id is None

    fixed = spree.put(f"/api/checkouts/{order['number']}", {**token, "order": {
        "email": "ann@example.com", "bill_address_attributes": address(us_ids),
        "ship_address_attributes": address(us_ids)}})
    assert fixed.status_code == 200 and fixed.json()["state"] == "payment"


def test_one_next_reads_the_draft_once_and_prices_it_once(spree):
    order = spree.post("/api/orders", {"order": {"email": "q@example.com",
                                                 "line_items": [{"variant_id": PHONE, "quantity": 1}]}}).json()
    with CaptureQueriesContext(connection) as captured:
        response = spree.put(f"/api/checkouts/{order['number']}/next", {"order_token": order["token"]})
    assert response.status_code == 200 and response.json()["state"] == "address"
    selects = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len([sql for sql in selects if 'FROM "checkout_checkoutdraft"' in sql]) == 1
    assert len([sql for sql in selects if 'FROM "carts_cartitem"' in sql]) == 1  # the items, priced once
    assert not Order.objects.filter(number=order["number"]).exists()
