"""Seed 004 replayed as a guest, request by request, in the seed's order: the order token is the key.

The requests are the seed's, adapted in ids only (our variant 1 is the seed's tote; country 49 /
state 48 are looked up as US / Maryland; line item 26 is the line created earlier), in dates
(the seed's 2015 dates would rent in the past) and in the card: the seed's sample card
(number "1", 2017) is refused as a gateway would (see test_the_seeds_sample_card_is_refused...).
"""

import pytest

from carts.models import Cart
from checkout.models import CheckoutDraft, Order
from payments.models import CreditCard, PaymentAttempt
from shipping.models import RentalBooking, StockItem

pytestmark = pytest.mark.usefixtures("shop")

ORDER_KEYS = [
    "id", "number", "item_total", "total", "ship_total", "state", "adjustment_total", "user_id", "created_at",
    "updated_at", "completed_at", "payment_total", "shipment_state", "payment_state", "email",
    "special_instructions", "channel", "included_tax_total", "additional_tax_total", "display_included_tax_total",
    "display_additional_tax_total", "tax_total", "currency", "rental_start_date", "rental_end_date", "zipcode",
    "display_item_total", "total_quantity", "display_total", "display_ship_total", "display_tax_total", "token",
    "checkout_steps", "permissions", "bill_address", "ship_address", "line_items", "payments", "shipments",
    "adjustments", "credit_cards", "default_credit_card",
]
LINE_ITEM_KEYS = ["id", "quantity", "price", "variant_id", "single_display_amount", "display_amount", "total",
                  "variant", "adjustments"]
VARIANT_KEYS = ["id", "name", "sku", "product_type", "is_rentable", "price", "weight", "height", "width", "depth",
                "is_master", "cost_price", "slug", "description", "track_inventory", "display_price", "options_text",
                "in_stock", "option_values", "images", "product_id"]
IMAGE_KEYS = ["id", "position", "attachment_content_type", "attachment_file_name", "type", "attachment_updated_at",
              "attachment_width", "attachment_height", "alt", "viewable_type", "viewable_id", "mini_url",
              "small_url", "product_url", "large_url"]
SHIPMENT_KEYS = ["id", "tracking", "number", "cost", "shipped_at", "state", "order_id", "stock_location_name",
                 "shipping_rates", "selected_shipping_rate", "shipping_methods", "manifest"]
RATE_KEYS = ["id", "name", "cost", "selected", "shipping_method_id", "display_cost"]
PAYMENT_KEYS = ["id", "source_type", "source_id", "amount", "display_amount", "payment_method_id", "response_code",
                "state", "avs_response", "created_at", "updated_at", "payment_method", "source"]
CARD = {"number": "4111111111111111", "month": "1", "year": "2035", "verification_value": "123", "name": "John Smith"}


def address(us_ids):
    return {"firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
            "phone": "3014445002", "zipcode": "20814", **us_ids}


def create(spree, rental_dates, quantity=5, **extra):
    start, end = rental_dates
    response = spree.post("/api/orders.json", {"order": {
        "rental_start_date": start, "rental_end_date": end, "zipcode": "90025",
        "line_items": [{"variant_id": 1, "quantity": quantity}], **extra}})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_guest_checks_out_a_rental_step_by_step_as_the_seed_shows(spree, us_ids, rental_dates):
    start, end = rental_dates
    # POST /api/orders.json — an order with the tote, the rental dates and the zipcode.
    order = create(spree, rental_dates, email="guest@example.com")
    assert list(order) == ORDER_KEYS
    number, token = order["number"], order["token"]
    assert number.startswith("R") and len(number) == 10 and token
    assert order["state"] == "cart" and order["user_id"] is None and order["completed_at"] is None
    assert order["shipment_state"] is None and order["payment_state"] is None
    assert order["currency"] == "USD" and order["channel"] == "spree"
    assert (order["item_total"], order["display_item_total"], order["total_quantity"]) == ("79.95", "$79.95", 5)
    assert order["rental_start_date"] == f"{start}T00:00:00.000Z"
    assert order["rental_end_date"] == f"{end}T00:00:00.000Z"
    assert order["zipcode"] == "90025"
    assert order["checkout_steps"] == ["address", "delivery", "payment", "confirm", "complete"]
    assert order["permissions"] == {"can_update": True}
    assert (order["bill_address"], order["ship_address"]) == (None, None)
    assert (order["payments"], order["shipments"], order["adjustments"]) == ([], [], [])
    assert (order["credit_cards"], order["default_credit_card"]) == ([], {})
    [line] = order["line_items"]
    assert list(line) == LINE_ITEM_KEYS
    assert (line["quantity"], line["price"], line["variant_id"]) == (5, "15.99", 1)
    assert (line["single_display_amount"], line["display_amount"], line["total"]) == ("$15.99", "$79.95", "79.95")
    variant = line["variant"]
    assert list(variant) == VARIANT_KEYS
    assert variant | {"images": None} == {
        "id": 1, "name": "Ruby on Rails Tote", "sku": "ROR-00011", "product_type": "Luggage", "is_rentable": True,
        "price": "15.99", "weight": "0.0", "height": None, "width": None, "depth": None, "is_master": True,
        "cost_price": None, "slug": "ruby-on-rails-tote", "description": "A sturdy canvas tote, rented by the day.",
        "track_inventory": True, "display_price": "$15.99", "options_text": "color: Black", "in_stock": True,
        "option_values": [], "images": None, "product_id": variant["product_id"],
    }
    [image] = variant["images"]
    assert list(image) == IMAGE_KEYS and image["type"] == "Spree::Image" and image["viewable_id"] == 1
    assert image["attachment_file_name"] == "ror_tote.jpeg"

    # POST /api/orders/:number/line_items.json with the order token in the body.
    response = spree.post(f"/api/orders/{number}/line_items.json",
                          {"line_item": {"variant_id": 6, "quantity": 1}, "order_token": token})
    assert response.status_code == 201, response.json()
    added = response.json()
    assert list(added) == LINE_ITEM_KEYS
    assert (added["variant_id"], added["quantity"], added["price"]) == (6, 1, "57.80")
    assert added["variant"]["is_rentable"] is False and added["variant"]["product_type"] == "Smartphone"

    # PUT /api/orders/:number.json — both line item syntaxes and new rental dates.
    tote = line["id"]
    response = spree.put(f"/api/orders/{number}.json", {"order": {
        "line_items": {"0": {"id": tote, "quantity": 1}, "1": {"variant_id": 6, "quantity": 2}},
        "rental_start_date": f"{start}T21:05:51.309Z", "rental_end_date": f"{end}T21:05:51.309Z",
    }, "order_token": token})
    assert response.status_code == 200, response.json()
    updated = response.json()
    assert [(li["variant_id"], li["quantity"]) for li in updated["line_items"]] == [(1, 1), (6, 3)]
    assert updated["line_items"][0]["id"] == tote
    assert updated["rental_start_date"] == f"{start}T21:05:51.309Z"
    assert updated["item_total"] == "189.39"  # 15.99 + 3 × 57.80
    assert updated["state"] == "cart"

    # PUT /api/checkouts/:number/next.json — to address.
    response = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "address"

    # PUT /api/checkouts/:number.json — addresses: shipments with their rates appear; one method: delivery skipped.
    response = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}})
    assert response.status_code == 200, response.json()
    at_payment = response.json()
    assert at_payment["state"] == "payment"
    assert at_payment["bill_address"]["firstname"] == "John" and at_payment["bill_address"]["state_text"] == "MD"
    assert at_payment["ship_address"]["country"]["iso"] == "US"
    assert at_payment["ship_address"]["state"] == {"id": us_ids["state_id"], "name": "Maryland", "abbr": "MD",
                                                   "country_id": us_ids["country_id"]}
    [shipment] = at_payment["shipments"]
    assert list(shipment) == SHIPMENT_KEYS
    assert shipment["state"] == "pending" and shipment["order_id"] == number and shipment["tracking"] is None
    assert shipment["stock_location_name"] == "Los Angeles"
    [rate] = shipment["shipping_rates"]
    assert list(rate) == RATE_KEYS
    assert rate | {"id": None} == {"id": None, "name": "UPS Ground (USD)", "cost": "5.00", "selected": True,
                                   "shipping_method_id": 6, "display_cost": "$5.00"}
    assert shipment["selected_shipping_rate"] == rate and shipment["cost"] == "5.00"
    [method] = shipment["shipping_methods"]
    assert method["id"] == 6 and method["name"] == "UPS Ground (USD)"
    assert method["zones"][0]["name"] == "North America" and method["zones"][0]["description"] == "USA + Canada"
    assert method["shipping_categories"] == [{"id": 1, "name": "Default"}]
    assert shipment["manifest"] == [{"quantity": 1, "states": {"on_hand": 1}, "variant_id": 1},
                                    {"quantity": 3, "states": {"on_hand": 3}, "variant_id": 6}]
    assert at_payment["ship_total"] == "5.00" and at_payment["display_ship_total"] == "$5.00"

    # GET /api/payments/new — the payment methods with their ids.
    response = spree.get(f"/api/orders/{number}/payments/new.json?order_token={token}")
    assert response.status_code == 200
    assert {"id": 1, "name": "Credit Card", "description": None, "method_type": "gateway"} in \
        response.json()["payment_methods"]

    # PUT /api/checkouts/:number.json — the payment: to confirm; only the last digits are kept.
    response = spree.put(f"/api/checkouts/{number}.json", {"order": {
        "payments_attributes": [{"payment_method_id": "1"}]}, "payment_source": {"1": CARD}, "order_token": token})
    assert response.status_code == 200, response.json()
    confirm = response.json()
    assert confirm["state"] == "confirm"
    [payment] = confirm["payments"]
    assert list(payment) == PAYMENT_KEYS
    assert payment["source_type"] == "Spree::CreditCard" and payment["state"] == "checkout"
    assert payment["amount"] == confirm["total"] and payment["display_amount"] == confirm["display_total"]
    assert payment["payment_method"] == {"id": 1, "name": "Credit Card"}
    assert payment["source"] | {"id": None} == {"id": None, "month": "1", "year": "2035", "cc_type": "visa",
                                                "last_digits": "1111", "name": "John Smith"}
    assert not any("4111111111111111" in str(v) for v in CreditCard.objects.values())

    # PUT /api/checkouts/:number/next.json — complete: the engine places it with this number and token.
    response = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token}, **{"Idempotency-Key": "g-1"})
    assert response.status_code == 200, response.json()
    done = response.json()
    assert done["state"] == "complete" and done["number"] == number and done["token"] == token
    assert done["completed_at"] and done["payment_state"] == "balance_due" and done["shipment_state"] == "pending"
    assert done["total"] == confirm["total"] and done["permissions"] == {"can_update": False}
    assert done["payments"][0]["state"] == "pending" and done["payments"][0]["source"]["last_digits"] == "1111"
    placed = Order.objects.get(number=number)
    assert placed.state == "complete" and placed.guest_token == token and placed.email == "guest@example.com"
    assert placed.grand_total == int(done["total"].replace(".", ""))
    assert RentalBooking.objects.filter(line_item__order=placed, quantity=1).count() == 1
    assert not Cart.objects.filter(uuid=CheckoutDraft.objects.get(number=number).cart_uuid).exists()

    # GET /api/orders/:number.json — the placed order.
    shown = spree.get(f"/api/orders/{number}.json", **{"X-Spree-Order-Token": token}).json()
    assert shown["state"] == "complete" and shown["id"] == order["id"]
    assert sorted((li["variant_id"], li["quantity"], li["price"]) for li in shown["line_items"]) == \
        [(1, 1, "15.99"), (6, 3, "57.80")]

    # Repeating the complete returns the completed order; no second order.
    again = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    assert again.status_code == 200 and again.json()["state"] == "complete"
    assert Order.objects.filter(number=number).count() == 1


def test_addresses_and_payment_in_one_request_go_straight_to_confirm(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    assert spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token}).json()["state"] == "address"
    response = spree.put(f"/api/checkouts/{number}.json", {
        "order_token": token,
        "order": {"bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
                  "payments_attributes": [{"payment_method_id": "1"}]},
        "payment_source": {"1": CARD},
    })
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirm"


def test_use_shipping_copies_the_shipping_address_to_billing(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    response = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "save_user_address": "1", "order": {
        "ship_address_attributes": address(us_ids), "use_shipping": "1"}})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "payment"
    assert body["bill_address"]["address1"] == body["ship_address"]["address1"] == "7735 Old Georgetown Road"


def test_the_2_2_stable_payment_syntax_is_understood(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}})
    response = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "payments_attributes": {"payment_method_id": "1"}, "payment_source": {"1": CARD}}})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirm"
    assert response.json()["payments"][0]["source"]["last_digits"] == "1111"


def test_the_seeds_sample_card_is_refused_as_a_gateway_would_and_nothing_changes(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    response = spree.put(f"/api/checkouts/{number}.json", {
        "order_token": token,
        "order": {"bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
                  "payments_attributes": [{"payment_method_id": "1"}]},
        "payment_source": {"1": {"number": "1", "month": "1", "year": "2017", "verification_value": "123",
                                 "name": "John Smith"}},
    })
    assert response.status_code == 422
    assert response.json() == {
        "error": "The order could not be transitioned. Please fix the errors and try again.",
        "errors": {"payment_source.number": ["The card number must have 12 to 19 digits."]},
    }
    draft = CheckoutDraft.objects.get(number=number)
    assert (draft.state, draft.bill_address_id, draft.payment_method_id) == ("address", None, None)
    assert CreditCard.objects.filter(last_digits="0001").count() == 0


def test_the_declining_test_card_is_declined_when_the_order_is_placed_and_nothing_is_placed(
        spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    confirm = spree.put(f"/api/checkouts/{number}.json", {
        "order_token": token,
        "order": {"bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
                  "payments_attributes": [{"payment_method_id": "1"}]},
        "payment_source": {"1": {**CARD, "number": "4000000000000002"}},
    })
    assert confirm.status_code == 200, confirm.json()
    assert confirm.json()["state"] == "confirm"  # a valid card: as with a gateway, it is declined when charged
    stock = list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True))
    bookings, attempts = RentalBooking.objects.count(), PaymentAttempt.objects.count()

    response = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})

    assert response.status_code == 422
    assert response.json() == {
        "error": "The order could not be transitioned. Please fix the errors and try again.",
        "errors": {"payments": ["The payment was declined. Please use another card or payment method."]},
    }
    assert not Order.objects.filter(number=number).exists()
    assert CheckoutDraft.objects.get(number=number).state == "confirm"
    assert list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True)) == stock
    assert RentalBooking.objects.count() == bookings
    assert list(PaymentAttempt.objects.order_by("pk").values_list("status", flat=True)[attempts:]) == ["declined"]
    # Another card, and the order is placed.
    spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "payments_attributes": [{"payment_method_id": "1"}]}, "payment_source": {"1": CARD}})
    placed = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    assert placed.status_code == 200 and placed.json()["state"] == "complete"


def test_completing_twice_with_the_same_idempotency_key_places_one_order(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids),
        "payments_attributes": [{"payment_method_id": "2"}]}})
    first = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token}, **{"Idempotency-Key": "k-42"})
    second = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token}, **{"Idempotency-Key": "k-42"})
    assert first.status_code == second.status_code == 200
    assert first.json()["state"] == second.json()["state"] == "complete"
    assert first.json()["payments"] == second.json()["payments"]
    assert Order.objects.filter(number=number).count() == 1


def test_advance_goes_as_far_as_the_order_allows_and_stops_at_confirm(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    response = spree.put(f"/api/checkouts/{number}/advance.json", {"order_token": token})
    assert response.status_code == 200 and response.json()["state"] == "address"
    spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": address(us_ids), "ship_address_attributes": address(us_ids)}})
    spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "payments_attributes": [{"payment_method_id": "2"}]}})
    response = spree.put(f"/api/checkouts/{number}/advance.json", {"order_token": token})
    assert response.status_code == 200 and response.json()["state"] == "confirm"
    assert not Order.objects.filter(number=number).exists()


def test_next_from_cart_without_line_items_is_spree_failed_transition(spree):
    order = spree.post("/api/orders.json", {"order": {"email": "guest@example.com"}}).json()
    assert order["checkout_steps"] == ["address", "delivery", "complete"]  # as the seed's empty order
    assert order["total"] == "0.00" and order["display_total"] == "$0.00"
    response = spree.put(f"/api/checkouts/{order['number']}/next.json", {"order_token": order["token"]})
    assert response.status_code == 422
    assert response.json() == {
        "error": "The order could not be transitioned. Please fix the errors and try again.",
        "errors": {"base": ["There are no items for this order. Please add an item to the order to continue."]},
    }
    assert CheckoutDraft.objects.get(number=order["number"]).state == "cart"


def test_next_from_address_without_addresses_names_what_is_missing(spree, rental_dates):
    order = create(spree, rental_dates)
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    response = spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    assert response.status_code == 422
    assert response.json()["errors"] == {"email": ["can't be blank"], "bill_address": ["can't be blank"],
                                         "ship_address": ["can't be blank"]}


def test_an_invalid_address_is_refused_with_the_field_named(spree, us_ids, rental_dates):
    order = create(spree, rental_dates, email="guest@example.com")
    number, token = order["number"], order["token"]
    spree.put(f"/api/checkouts/{number}/next.json", {"order_token": token})
    bad = {**address(us_ids), "zipcode": "ABC"}
    response = spree.put(f"/api/checkouts/{number}.json", {"order_token": token, "order": {
        "bill_address_attributes": bad, "ship_address_attributes": address(us_ids)}})
    assert response.status_code == 422
    assert response.json()["errors"] == {"bill_address.zipcode": ["'ABC' is not a valid postal code for "
                                                                  "United States of America."]}
    assert CheckoutDraft.objects.get(number=number).ship_address_id is None
