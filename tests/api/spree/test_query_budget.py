"""Reading an order costs the same number of queries for one line item as for several."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.usefixtures("shop")


def address(us_ids):
    return {"firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
            "phone": "3014445002", "zipcode": "20814", **us_ids}


def order_with(spree, us_ids, variant_ids, *, complete: bool):
    order = spree.post("/api/orders", {"order": {"email": "q@example.com", "line_items": [
        {"variant_id": v, "quantity": 1} for v in variant_ids]}}).json()
    token = {"order_token": order["token"]}
    spree.put(f"/api/checkouts/{order['number']}/next", token)
    spree.put(f"/api/checkouts/{order['number']}", {**token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": 2}]}})
    if complete:
        assert spree.put(f"/api/checkouts/{order['number']}/next", token).json()["state"] == "complete"
    return order


def queries_to_read(spree, order) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = spree.get(f"/api/orders/{order['number']}?order_token={order['token']}")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("complete", [False, True], ids=["before complete", "placed"])
def test_reading_an_order_does_not_grow_with_its_line_items(spree, us_ids, complete):
    one = order_with(spree, us_ids, [6], complete=complete)
    three = order_with(spree, us_ids, [6, 2, 3], complete=complete)
    assert queries_to_read(spree, one) == queries_to_read(spree, three) <= 40
