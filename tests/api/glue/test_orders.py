"""GET /orders, /orders/{reference} and /order-shipments/{id} (Glue): a shopper reads their placed orders.

The shapes are Glue's own, from its order samples (DE--3 placed with discounts, DE--10 with
order-shipments included): every key, every type. Each unit of a line item is an item of
its own with quantity 1.
"""

import re
import uuid

import pytest

from checkout.models import LineItem, Order
from customers.models import Customer

pytestmark = pytest.mark.usefixtures("shop")

PASSWORD = "change123"
SPENCOR, SONIA = "spencor.hopkin@spryker.com", "sonia@spryker.com"
GUEST_HEADER = "X-Anonymous-Customer-Unique-Id"

# Typed out from the Glue samples (orders DE--10 and order-shipments 18).
ORDER_KEYS = {
    "merchantReferences", "itemStates", "createdAt", "currencyIsoCode", "priceMode", "totals", "billingAddress",
    "shippingAddress", "items", "expenses", "payments", "shipments", "calculatedDiscounts", "bundleItems",
}
TOTALS_KEYS = {"expenseTotal", "discountTotal", "taxTotal", "subtotal", "grandTotal", "canceledTotal",
               "remunerationTotal"}
ADDRESS_KEYS = {
    "salutation", "firstName", "middleName", "lastName", "address1", "address2", "address3", "company", "city",
    "zipCode", "poBox", "phone", "cellPhone", "description", "comment", "email", "country", "iso2Code",
}
ITEM_KEYS = {
    "merchantReference", "state", "name", "sku", "sumPrice", "quantity", "unitGrossPrice", "sumGrossPrice",
    "taxRate", "unitNetPrice", "sumNetPrice", "unitPrice", "unitTaxAmountFullAggregation",
    "sumTaxAmountFullAggregation", "refundableAmount", "canceledAmount", "sumSubtotalAggregation",
    "unitSubtotalAggregation", "unitProductOptionPriceAggregation", "sumProductOptionPriceAggregation",
    "unitExpensePriceAggregation", "sumExpensePriceAggregation", "unitDiscountAmountAggregation",
    "sumDiscountAmountAggregation", "unitDiscountAmountFullAggregation", "sumDiscountAmountFullAggregation",
    "unitPriceToPayAggregation", "sumPriceToPayAggregation", "taxRateAverageAggregation",
    "taxAmountAfterCancellation", "orderReference", "uuid", "isReturnable", "idShipment", "bundleItemIdentifier",
    "relatedBundleItemIdentifier", "salesOrderConfiguredBundle", "salesOrderConfiguredBundleItem", "metadata",
    "salesUnit", "calculatedDiscounts", "productOptions", "amount",
}
ITEM_INTS = {
    "sumPrice", "quantity", "unitGrossPrice", "sumGrossPrice", "unitNetPrice", "sumNetPrice", "unitPrice",
    "unitTaxAmountFullAggregation", "sumTaxAmountFullAggregation", "refundableAmount", "canceledAmount",
    "sumSubtotalAggregation", "unitSubtotalAggregation", "unitProductOptionPriceAggregation",
    "sumProductOptionPriceAggregation", "unitExpensePriceAggregation", "unitDiscountAmountAggregation",
    "sumDiscountAmountAggregation", "unitDiscountAmountFullAggregation", "sumDiscountAmountFullAggregation",
    "unitPriceToPayAggregation", "sumPriceToPayAggregation", "idShipment",
}
ITEM_NULLS = {
    "merchantReference", "sumExpensePriceAggregation", "taxAmountAfterCancellation", "orderReference",
    "bundleItemIdentifier", "relatedBundleItemIdentifier", "salesOrderConfiguredBundle",
    "salesOrderConfiguredBundleItem", "salesUnit", "amount",
}
EXPENSE_KEYS = {
    "type", "name", "sumPrice", "unitGrossPrice", "sumGrossPrice", "taxRate", "unitNetPrice", "sumNetPrice",
    "canceledAmount", "unitDiscountAmountAggregation", "sumDiscountAmountAggregation", "unitTaxAmount",
    "sumTaxAmount", "unitPriceToPayAggregation", "sumPriceToPayAggregation", "taxAmountAfterCancellation",
    "idShipment", "idSalesExpense",
}
PAYMENT_KEYS = {"amount", "paymentProvider", "paymentMethod"}
SHIPMENT_KEYS = {"shipmentMethodName", "carrierName", "deliveryTime", "defaultGrossPrice", "defaultNetPrice",
                 "currencyIsoCode"}
DISCOUNT_KEYS = {"unitAmount", "sumAmount", "displayName", "description", "voucherCode", "quantity"}
ORDER_SHIPMENT_KEYS = {"itemUuids", "methodName", "carrierName", "requestedDeliveryDate", "shippingAddress"}


@pytest.fixture
def login(glue):
    def token_for(email: str) -> dict:
        response = glue.post("/access-tokens", {"data": {"type": "access-tokens",
                                                         "attributes": {"username": email, "password": PASSWORD}}})
        assert response.status_code == 201
        return {"Authorization": f"Bearer {response.json()['data']['attributes']['accessToken']}"}

    return token_for


def get_order(glue, headers: dict, reference: str, query: str = "") -> dict:
    response = glue.get(f"/orders/{reference}{query}", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.api+json"
    return response.json()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == (str(status), code)
    return error


# --- the order's shape ---------------------------------------------------------------------------


def test_an_order_has_every_attribute_of_a_glue_order_with_glue_types(glue, login):
    body = get_order(glue, login(SPENCOR), "DE--1")
    data = body["data"]
    assert (data["type"], data["id"]) == ("orders", "DE--1")
    assert data["links"]["self"] == "http://testserver/orders/DE--1"
    assert "relationships" not in data and "included" not in body
    attributes = data["attributes"]
    assert set(attributes) == ORDER_KEYS
    assert attributes["merchantReferences"] == [] and attributes["bundleItems"] == []
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", attributes["createdAt"])
    assert (attributes["currencyIsoCode"], attributes["priceMode"]) == ("EUR", "GROSS_MODE")
    assert set(attributes["totals"]) == TOTALS_KEYS
    assert all(type(value) is int for value in attributes["totals"].values())
    for address in (attributes["billingAddress"], attributes["shippingAddress"]):
        assert set(address) == ADDRESS_KEYS
        assert address["iso2Code"] == "DE" and address["country"] == "Germany"
        assert all(value is None or isinstance(value, str) for value in address.values())
        assert address["middleName"] != "" and address["email"] != "" and address["poBox"] != ""

    (item,) = attributes["items"]
    assert set(item) == ITEM_KEYS
    assert all(type(item[key]) is int for key in ITEM_INTS), {k: item[k] for k in ITEM_INTS}
    assert all(item[key] is None for key in ITEM_NULLS)
    assert (item["taxRate"], item["taxRateAverageAggregation"]) == ("19.00", "19.00")
    assert (item["quantity"], item["isReturnable"], item["productOptions"]) == (1, False, [])
    assert (item["sku"], item["state"]) == ("066_23294028", "payment pending")
    assert set(item["metadata"]) == {"superAttributes", "image"}
    line = LineItem.objects.get(order__reference="DE--1")
    assert item["uuid"] == str(line.uuid) and item["idShipment"] == line.shipment_id
    assert item["unitGrossPrice"] == item["unitPrice"] == item["sumPrice"] == line.unit_price
    assert (item["unitNetPrice"], item["sumNetPrice"]) == (0, 0)
    assert item["sumPriceToPayAggregation"] == item["sumSubtotalAggregation"] - item["sumDiscountAmountAggregation"]
    assert item["refundableAmount"] == item["sumPriceToPayAggregation"]
    assert attributes["itemStates"] == ["payment pending"]

    (expense,) = attributes["expenses"]
    assert set(expense) == EXPENSE_KEYS
    assert expense["type"] == "SHIPMENT_EXPENSE_TYPE" and expense["taxRate"] == "19.00"
    assert expense["idShipment"] == line.shipment_id and type(expense["idSalesExpense"]) is int
    assert expense["canceledAmount"] is None and expense["taxAmountAfterCancellation"] is None
    assert all(type(expense[k]) is int for k in ("sumPrice", "unitGrossPrice", "sumGrossPrice", "unitTaxAmount",
                                                 "sumTaxAmount", "unitPriceToPayAggregation",
                                                 "sumPriceToPayAggregation"))

    (payment,) = attributes["payments"]
    assert payment == {"amount": attributes["totals"]["grandTotal"], "paymentProvider": "DummyPayment",
                       "paymentMethod": "invoice"}
    (shipment,) = attributes["shipments"]
    assert set(shipment) == SHIPMENT_KEYS
    assert shipment["deliveryTime"] is None and shipment["currencyIsoCode"] == "EUR"
    assert shipment["defaultGrossPrice"] == expense["sumPrice"] and shipment["defaultNetPrice"] == 0


def test_each_unit_of_a_line_item_is_an_item_with_quantity_one(glue, login):
    attributes = get_order(glue, login(SONIA), "DE--2")["data"]["attributes"]
    items = attributes["items"]
    assert len(items) == 3
    assert all(item["quantity"] == 1 and set(item) == ITEM_KEYS for item in items)
    galaxies = [item for item in items if item["sku"] == "047_26408568"]
    assert len(galaxies) == 2
    line = LineItem.objects.get(order__reference="DE--2", sku="047_26408568")
    assert line.quantity == 2
    assert sum(item["unitDiscountAmountAggregation"] for item in galaxies) == line.sum_discount_amount > 0
    assert sum(item["unitTaxAmountFullAggregation"] for item in galaxies) == line.sum_tax_amount
    assert all(item["sumPrice"] == item["unitPrice"] == line.unit_price for item in galaxies)
    # The first unit keeps the line's uuid; the second has its own, the same on every read.
    uuids = [item["uuid"] for item in galaxies]
    assert uuids[0] == str(line.uuid) and uuids[1] != uuids[0] and uuid.UUID(uuids[1])
    assert [i["uuid"] for i in get_order(glue, login(SONIA), "DE--2")["data"]["attributes"]["items"]] == \
        [i["uuid"] for i in items]
    assert len({item["uuid"] for item in items}) == 3


def test_discounts_are_listed_per_unit_and_per_order(glue, login):
    attributes = get_order(glue, login(SONIA), "DE--2")["data"]["attributes"]
    for item in attributes["items"]:
        (discount,) = item["calculatedDiscounts"]
        assert set(discount) == DISCOUNT_KEYS
        assert discount["unitAmount"] == discount["sumAmount"] == item["unitDiscountAmountAggregation"] > 0
        assert (discount["displayName"], discount["voucherCode"], discount["quantity"]) == \
            ("10% Discount for all orders above", None, 1)
    (order_discount,) = attributes["calculatedDiscounts"]
    assert set(order_discount) == DISCOUNT_KEYS
    assert order_discount["unitAmount"] is None and order_discount["quantity"] == 3
    assert order_discount["sumAmount"] == sum(i["sumDiscountAmountAggregation"] for i in attributes["items"])
    assert order_discount["sumAmount"] == attributes["totals"]["discountTotal"]


@pytest.mark.parametrize(("email", "reference"), [(SPENCOR, "DE--1"), (SONIA, "DE--2")])
def test_totals_add_up_as_glue_adds_them_in_gross_mode(glue, login, email, reference):
    attributes = get_order(glue, login(email), reference)["data"]["attributes"]
    totals = attributes["totals"]
    assert totals["grandTotal"] == totals["subtotal"] + totals["expenseTotal"] - totals["discountTotal"]
    assert totals["subtotal"] == sum(item["sumSubtotalAggregation"] for item in attributes["items"])
    assert totals["expenseTotal"] == sum(expense["sumPrice"] for expense in attributes["expenses"])
    assert totals["grandTotal"] == (sum(i["sumPriceToPayAggregation"] for i in attributes["items"])
                                    + sum(e["sumPriceToPayAggregation"] for e in attributes["expenses"]))
    assert totals["canceledTotal"] == 0 and totals["remunerationTotal"] == 0


def test_item_states_follow_payment_shipment_and_cancellation(glue, login):
    assert get_order(glue, login(SONIA), "DE--2")["data"]["attributes"]["itemStates"] == ["shipped"]
    canceled = get_order(glue, login("john.doe@example.com"), "US--1")["data"]["attributes"]
    assert canceled["itemStates"] == ["canceled"] and canceled["currencyIsoCode"] == "USD"


# --- includes and order-shipments --------------------------------------------------------------


def test_include_order_shipments_adds_relationships_and_included_shipments(glue, login):
    body = get_order(glue, login(SONIA), "DE--2", "?include=order-shipments")
    order = Order.objects.get(reference="DE--2")
    shipment = order.shipments.get()
    assert body["data"]["relationships"] == {
        "order-shipments": {"data": [{"type": "order-shipments", "id": str(shipment.id)}]}}
    (included,) = body["included"]
    assert (included["type"], included["id"]) == ("order-shipments", str(shipment.id))
    assert included["links"]["self"] == f"http://testserver/order-shipments/{shipment.id}"
    attributes = included["attributes"]
    assert set(attributes) == ORDER_SHIPMENT_KEYS
    assert attributes["itemUuids"] == [item["uuid"] for item in body["data"]["attributes"]["items"]]
    assert (attributes["methodName"], attributes["carrierName"]) == ("Express", "Spryker Dummy Shipment")
    assert attributes["requestedDeliveryDate"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d",
                                                                        attributes["requestedDeliveryDate"])
    assert set(attributes["shippingAddress"]) == ADDRESS_KEYS


def test_an_order_shipment_can_be_read_by_its_owner_only(glue, login):
    shipment_id = Order.objects.get(reference="DE--2").shipments.get().id
    response = glue.get(f"/order-shipments/{shipment_id}", **login(SONIA))
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("order-shipments", str(shipment_id))
    assert set(data["attributes"]) == ORDER_SHIPMENT_KEYS and len(data["attributes"]["itemUuids"]) == 3
    assert_error(glue.get(f"/order-shipments/{shipment_id}", **login(SPENCOR)), 404, "not_found")
    assert_error(glue.get(f"/order-shipments/{shipment_id}", **{GUEST_HEADER: "someone"}), 404, "not_found")
    for garbage in ("abc", "-1", "99999999", "1e3"):
        assert_error(glue.get(f"/order-shipments/{garbage}", **login(SONIA)), 404, "not_found")


def test_an_unknown_include_is_a_400(glue, login):
    error = assert_error(glue.get("/orders/DE--2?include=order-shipments,carts", **login(SONIA)), 400,
                         "bad_request")
    assert "carts" in error["detail"]


# --- who may read what --------------------------------------------------------------------------


def test_someone_elses_or_an_unknown_order_is_not_found(glue, login):
    sonia = login(SONIA)
    error = assert_error(glue.get("/orders/DE--1", **sonia), 404, "order_not_found")
    assert error["detail"] == "Order not found."
    assert_error(glue.get("/orders/DE--999", **sonia), 404, "order_not_found")
    assert_error(glue.get("/orders/DE--1", **{GUEST_HEADER: "demo-guest-0001"}), 404, "order_not_found")


def test_without_identification_it_is_1105_and_with_a_bad_token_401(glue):
    assert_error(glue.get("/orders"), 400, "1105")
    assert_error(glue.get("/orders/DE--1"), 400, "1105")
    assert_error(glue.get("/order-shipments/1"), 400, "1105")
    assert glue.get("/orders/DE--1", Authorization="Bearer nonsense").status_code == 401
    assert glue.get("/orders", Authorization="Bearer nonsense").status_code == 401


def test_the_order_list_holds_the_shoppers_placed_orders_newest_first(glue, login):
    response = glue.get("/orders", **login(SONIA))
    assert response.status_code == 200
    body = response.json()
    assert [order["id"] for order in body["data"]] == ["DE--2"]
    assert body["links"]["self"] == "http://testserver/orders"
    assert set(body["data"][0]["attributes"]) == ORDER_KEYS

    spencor = Customer.objects.get(email=SPENCOR, user__isnull=False)
    later = Order.objects.get(reference="DE--2")
    Order.objects.filter(pk=later.pk).update(customer=spencor)
    assert [o["id"] for o in glue.get("/orders", **login(SPENCOR)).json()["data"]] == ["DE--2", "DE--1"]
    assert glue.get("/orders", **login(SONIA)).json()["data"] == []


def test_a_guest_reads_the_orders_placed_with_their_guest_id(glue):
    guest = Customer.objects.create(anonymous_id="guest-orders-1", email="guest@example.com",
                                    first_name="Gina", last_name="Guest")
    Order.objects.filter(reference="DE--1").update(customer=guest)
    headers = {GUEST_HEADER: "guest-orders-1"}
    assert [o["id"] for o in glue.get("/orders", **headers).json()["data"]] == ["DE--1"]
    assert get_order(glue, headers, "DE--1")["data"]["id"] == "DE--1"
    assert glue.get("/orders", **{GUEST_HEADER: "someone-else"}).json()["data"] == []
    assert_error(glue.get("/orders/DE--1", **{GUEST_HEADER: "someone-else"}), 404, "order_not_found")


# --- a constant number of queries ---------------------------------------------------------------

QUERY_BUDGET = 7  # shopper, orders, line items, expenses, adjustments, payments, shipments


def test_reading_an_order_with_its_shipments_takes_a_fixed_number_of_queries(
        glue, login, django_assert_max_num_queries):
    headers = login(SONIA)
    with django_assert_max_num_queries(QUERY_BUDGET):
        body = get_order(glue, headers, "DE--2", "?include=order-shipments")
    assert len(body["data"]["attributes"]["items"]) == 3 and len(body["included"]) == 1


def test_listing_orders_takes_a_fixed_number_of_queries_whatever_their_number(
        glue, login, django_assert_max_num_queries):
    spencor = Customer.objects.get(email=SPENCOR, user__isnull=False)
    headers = login(SPENCOR)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert len(glue.get("/orders", **headers).json()["data"]) == 1
    Order.objects.exclude(reference="DE--1").update(customer=spencor)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert len(glue.get("/orders", **headers).json()["data"]) == 3
