"""A double click on Spree's last ``next`` (PostgreSQL, real threads): one order; each click is told it is
complete, or to wait while the cart is checked out."""

import time

import pytest
from django.test import Client

from checkout.models import Order
from shipping.models import StockItem
from tests.races import postgres_only, run_together

pytestmark = [*postgres_only, pytest.mark.usefixtures("shop")]

ROUNDS = 20
BEING_CHECKED_OUT = {"error": "The order could not be transitioned. Please fix the errors and try again.",
                     "errors": {"base": ["This cart is being checked out right now. Retry in a moment."]}}


def confirmed_order(spree, us_ids, rental_dates) -> tuple[str, str]:
    start, end = rental_dates
    order = spree.post("/api/orders.json", {"order": {
        "email": "guest@example.com", "rental_start_date": start, "rental_end_date": end, "zipcode": "90025",
        "line_items": [{"variant_id": 1, "quantity": 1}]}}).json()
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    address = {"firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
               "phone": "3014445002", "zipcode": "20814", **us_ids}
    response = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address, "ship_address_attributes": address,
        "payments_attributes": [{"payment_method_id": "2"}]}})
    assert response.json()["state"] == "confirm", response.json()
    return number, token


def click_next(number: str, token: str, *, after: float = 0):
    def put():
        time.sleep(after)
        response = Client().put(f"/api/checkouts/{number}/next.json", data=f'{{"order_token": "{token}"}}',
                                content_type="application/json")
        return response.status_code, response.json()

    return put


def test_a_double_click_on_the_last_next_answers_the_completed_order_or_409_never_cart_is_empty(
        spree, us_ids, rental_dates):
    StockItem.objects.filter(variant_id=1).update(count_on_hand=1000)
    for n in range(ROUNDS):
        number, token = confirmed_order(spree, us_ids, rental_dates)
        # The second click lands ever later: at the first one's claim, its payment, its finalize, after it.
        results = run_together([click_next(number, token), click_next(number, token, after=n * 0.01)])
        assert Order.objects.filter(number=number).count() == 1
        for status, body in results:
            if status == 200:
                assert (body["number"], body["state"]) == (number, "complete"), body
            else:
                assert (status, body) == (409, BEING_CHECKED_OUT)
