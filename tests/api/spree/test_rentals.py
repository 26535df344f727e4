"""Rentals (seed 004's ADDITION): both dates, the end after the start, a serviceable zipcode, and a unit
free for the dates; two orders cannot book the same unit for overlapping dates."""

import pytest
from django.utils import timezone

from checkout.models import CheckoutDraft, Order
from shipping.models import RentalBooking

pytestmark = pytest.mark.usefixtures("shop")

COULD_NOT_TRANSITION = "The order could not be transitioned. Please fix the errors and try again."
INVALID = "Invalid resource. Please fix errors and try again."


def day(offset: int) -> str:
    return str(timezone.localdate() + timezone.timedelta(days=offset))


def tote_order(spree, quantity=1, **order):
    return spree.post("/api/orders.json", {"order": {"line_items": [{"variant_id": 1, "quantity": quantity}],
                                                     "email": "renter@example.com", **order}})


def address(us_ids):
    return {"firstname": "Ann", "lastname": "Renter", "address1": "1 Wilshire Blvd", "city": "Los Angeles",
            "phone": "3105550100", "zipcode": "20814", **us_ids}


def to_confirm(spree, order, us_ids):
    number, token = order["number"], order["token"]
    assert spree.put(f"/api/checkouts/{number}/next", {"order_token": token}).status_code == 200
    response = spree.put(f"/api/checkouts/{number}", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": 2}]}})
    assert response.json()["state"] == "confirm", response.json()


def test_a_rented_item_needs_both_dates(spree):
    response = tote_order(spree, rental_start_date=day(5), zipcode="90025")
    assert response.status_code == 422
    assert response.json() == {"error": INVALID, "errors": {
        "rental_start_date": ["Rented items need a rental start date and a rental end date."]}}
    assert not CheckoutDraft.objects.exists()


def test_the_rental_must_end_after_it_starts(spree):
    response = tote_order(spree, rental_start_date=day(6), rental_end_date=day(5), zipcode="90025")
    assert response.status_code == 422
    assert response.json() == {"error": INVALID, "errors": {"rental_end_date": ["The rental must end after it starts."]}}


def test_an_unserviceable_zipcode_is_refused(spree):
    response = tote_order(spree, rental_start_date=day(5), rental_end_date=day(7), zipcode="99999")
    assert response.status_code == 422
    assert response.json() == {"error": INVALID, "errors": {"zipcode": ["We cannot deliver to zipcode '99999'."]}}


def test_a_rented_item_needs_a_zipcode(spree):
    response = tote_order(spree, rental_start_date=day(5), rental_end_date=day(7))
    assert response.status_code == 422 and list(response.json()["errors"]) == ["zipcode"]


def test_dates_made_invalid_later_are_refused_and_nothing_changes(spree):
    order = tote_order(spree, rental_start_date=day(5), rental_end_date=day(7), zipcode="90025").json()
    response = spree.put(f"/api/orders/{order['number']}", {"order_token": order["token"],
                                                            "order": {"rental_end_date": day(4)}})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["rental_end_date"]
    assert CheckoutDraft.objects.get(number=order["number"]).rental_end_date.date().isoformat() == day(7)


def test_non_rentable_items_ignore_the_dates(spree, us_ids):
    response = spree.post("/api/orders", {"order": {"line_items": [{"variant_id": 6, "quantity": 1}],
                                                    "email": "buyer@example.com"}})
    assert response.status_code == 201
    order = response.json()
    to_confirm(spree, order, us_ids)
    done = spree.put(f"/api/checkouts/{order['number']}/next", {"order_token": order["token"]})
    assert done.status_code == 200 and done.json()["state"] == "complete"
    assert Order.objects.get(number=order["number"]).rental_start_date is None


def test_a_unit_booked_for_overlapping_dates_is_unavailable(spree, us_ids):
    # Los Angeles (zipcode 90025) has 10 totes; the first order rents all of them for days 10-13.
    first = tote_order(spree, 10, rental_start_date=day(10), rental_end_date=day(13), zipcode="90025").json()
    to_confirm(spree, first, us_ids)
    assert spree.put(f"/api/checkouts/{first['number']}/next", {"order_token": first["token"]}).json()["state"] \
        == "complete"
    assert sum(RentalBooking.objects.filter(released_at__isnull=True, line_item__order__number=first["number"])
               .values_list("quantity", flat=True)) == 10

    overlapping = tote_order(spree, 1, rental_start_date=day(12), rental_end_date=day(15), zipcode="90049")
    assert overlapping.status_code == 422
    assert overlapping.json()["error"] == INVALID
    assert overlapping.json()["errors"] == {"line_items": [
        "Ruby on Rails Tote is not available for these dates: 0 of 1 can be rented."]}

    # The day the first rental ends, a unit is free again (ranges are half-open).
    after = tote_order(spree, 1, rental_start_date=day(13), rental_end_date=day(15), zipcode="90025")
    assert after.status_code == 201


def test_two_orders_racing_for_the_last_units_only_one_completes(spree, us_ids):
    # Both are checked while the units are free; the engine books at completion under lock.
    first = tote_order(spree, 10, rental_start_date=day(20), rental_end_date=day(22), zipcode="90025").json()
    second = tote_order(spree, 1, rental_start_date=day(21), rental_end_date=day(23), zipcode="90025").json()
    to_confirm(spree, first, us_ids)
    to_confirm(spree, second, us_ids)
    assert spree.put(f"/api/checkouts/{first['number']}/next", {"order_token": first["token"]}).status_code == 200
    response = spree.put(f"/api/checkouts/{second['number']}/next", {"order_token": second["token"]})
    assert response.status_code == 422
    assert response.json()["error"] == COULD_NOT_TRANSITION
    assert response.json()["errors"] == {"base": ["There is not enough stock of ROR-00011: 0 available, 1 wanted."]}
    assert not Order.objects.filter(number=second["number"]).exists()
    assert CheckoutDraft.objects.get(number=second["number"]).state == "confirm"


def test_moving_to_address_checks_the_dates_again(spree, us_ids):
    first = tote_order(spree, 10, rental_start_date=day(30), rental_end_date=day(32), zipcode="90025").json()
    second = tote_order(spree, 1, rental_start_date=day(30), rental_end_date=day(31), zipcode="90025").json()
    to_confirm(spree, first, us_ids)
    spree.put(f"/api/checkouts/{first['number']}/next", {"order_token": first["token"]})
    response = spree.put(f"/api/checkouts/{second['number']}/next", {"order_token": second["token"]})
    assert response.status_code == 422 and response.json()["error"] == COULD_NOT_TRANSITION
    assert list(response.json()["errors"]) == ["line_items"]
