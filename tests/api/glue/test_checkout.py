"""POST /checkout-data, /checkout and /order-payments (Glue), with the seed documents' request bodies."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.models import Order
from payments.providers.redirect import redirect_confirmation_hash
from shipping.models import StockItem

pytestmark = pytest.mark.usefixtures("shop")
GUEST = {"X-Anonymous-Customer-Unique-Id": "guest-seed-000"}
SPENCOR = {"salutation": "Mr", "email": "spencor.hopkin@spryker.com", "firstName": "spencor", "lastName": "hopkin",
           "address1": "West road", "address2": "212", "address3": "", "zipCode": "61000", "city": "Berlin",
           "iso2Code": "DE", "company": "Spryker", "phone": "+380669455897"}


def guest_cart(*skus, anonymous_id="guest-seed-000") -> Cart:
    cart = Cart.objects.create(store=Store.objects.get(code="DE"), anonymous_id=anonymous_id, currency="EUR")
    for sku in skus:
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=1)
    return cart


def seed_000_checkout(cart: Cart) -> dict:
    """Seed 000's 'Placing Orders' body, with our cart's id."""
    return {"data": {"type": "checkout", "attributes": {
        "customer": {"salutation": "Mr", "email": "spencor.hopkin@spryker.com", "firstName": "spencor",
                     "lastName": "hopkin"},
        "idCart": str(cart.uuid),
        "billingAddress": {**SPENCOR, "isDefaultShipping": True, "isDefaultBilling": True},
        "shippingAddress": {**SPENCOR, "isDefaultShipping": False, "isDefaultBilling": False},
        "payments": [{"paymentMethodName": "invoice", "paymentProviderName": "DummyPayment"}],
        "shipment": {"idShipmentMethod": 1},
    }}}


def test_seed_000_checkout_places_the_order_and_deletes_the_cart(glue):
    cart = guest_cart("066_23294028")
    response = glue.post("/checkout", seed_000_checkout(cart), **GUEST)
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("checkout", None)
    assert data["attributes"] == {"orderReference": "DE--3", "redirectUrl": None, "isExternalRedirect": None}
    assert data["links"]["self"].endswith("/checkout")
    order = Order.objects.get(reference="DE--3")
    # The demo's cart rules apply: 39353 less 10 % (3935); the 490 standard delivery is free.
    assert (order.state, order.email, order.grand_total) == ("complete", "spencor.hopkin@spryker.com", 35418)
    assert not Cart.objects.filter(pk=cart.pk).exists()


def test_seed_002_split_shipments_with_dates_and_invoice_date_of_birth(glue):
    cart = guest_cart("066_23294028", "078_24602396")
    sonia = {**SPENCOR, "salutation": "Mrs", "firstName": "Sonia", "lastName": "Wagner", "zipCode": "10115"}
    body = {"data": {"type": "checkout", "attributes": {
        "customer": {"salutation": "Mr", "email": "spencor.hopkin@spryker.com", "firstName": "Spencor",
                     "lastName": "Hopkin"},
        "idCart": str(cart.uuid), "billingAddress": {**SPENCOR, "zipCode": "10115"},
        "payments": [{"dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}, "paymentMethodName": "Invoice",
                      "paymentProviderName": "DummyPayment"}],
        "shipments": [
            {"items": ["066_23294028"], "shippingAddress": {**SPENCOR, "id": None, "zipCode": "10967"},
             "idShipmentMethod": 1, "requestedDeliveryDate": "2099-09-29"},
            {"items": ["078_24602396"], "shippingAddress": {**sonia, "id": None}, "idShipmentMethod": 2,
             "requestedDeliveryDate": None},
        ],
    }}}
    response = glue.post("/checkout", body, **GUEST)
    assert response.status_code == 201, response.json()
    order = Order.objects.get(reference=response.json()["data"]["attributes"]["orderReference"])
    assert sorted(order.shipments.values_list("method_id", "address__first_name")) == [(1, "spencor"), (2, "Sonia")]


def test_a_customer_checks_out_with_address_ids_and_placeholder_values(glue):
    token = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": "spencor.hopkin@spryker.com", "password": "change123"}}}).json()["data"]["attributes"]["accessToken"]
    from customers.models import Customer

    spencor = Customer.objects.get(email="spencor.hopkin@spryker.com", user__isnull=False)
    cart = Cart.objects.create(store=Store.objects.get(code="DE"), customer=spencor, currency="EUR")
    CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku="047_26408568"), quantity=1)
    dummy = {"id": "22d78681-9885-5b47-8916-42f9e72b29ff", "salutation": "dummyValue", "firstName": "dummyValue",
             "lastName": "dummyValue", "address1": "dummyValue", "address2": "dummyValue", "zipCode": "dummyValue",
             "city": "dummyValue", "iso2Code": "DE"}
    body = {"data": {"type": "checkout", "attributes": {
        "customer": {"salutation": "Mr", "email": "spencor.hopkin@spryker.com", "firstName": "spencor",
                     "lastName": "hopkin"},
        "idCart": str(cart.uuid), "billingAddress": dummy, "shippingAddress": dummy,
        "payments": [{"paymentMethodName": "Invoice", "paymentProviderName": "DummyPayment"}],
        "shipment": {"idShipmentMethod": 1}}}}
    response = glue.post("/checkout", body, Authorization=f"Bearer {token}")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(reference=response.json()["data"]["attributes"]["orderReference"])
    assert (order.bill_address.address1, order.bill_address.zip_code) == ("West road", "61000")


def test_checkout_data_lists_addresses_payment_providers_and_shipment_methods(glue):
    cart = guest_cart("066_23294028")
    body = {"data": {"type": "checkout-data", "attributes": {"idCart": str(cart.uuid)}}}
    response = glue.post("/checkout-data", body, **GUEST)
    assert response.status_code == 200
    attributes = response.json()["data"]["attributes"]
    assert attributes["addresses"] == []
    assert {"carrierName": "Spryker Dummy Shipment", "id": 1, "name": "Standard", "price": 490, "taxRate": "19.00",
            "deliveryTime": None} in attributes["shipmentMethods"]
    dummy = next(p for p in attributes["paymentProviders"] if p["paymentProviderName"] == "DummyPayment")
    assert {"paymentMethodName": "invoice",
            "requiredRequestData": ["paymentMethod", "paymentProvider", "dummyPaymentInvoice.dateOfBirth"]} \
        in dummy["paymentMethods"]


def test_the_same_idempotency_key_replays_the_first_order_and_other_data_is_refused(glue):
    from checkout.models import IdempotencyKey

    keyed = {**GUEST, "Idempotency-Key": "k-1"}
    cart = guest_cart("066_23294028")
    first = glue.post("/checkout", seed_000_checkout(cart), **keyed)
    assert IdempotencyKey.objects.filter(key="k-1", state="completed").exists()
    again = glue.post("/checkout", seed_000_checkout(cart), **keyed)
    assert first.status_code == again.status_code == 201
    assert again.json()["data"]["attributes"] == first.json()["data"]["attributes"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Order.objects.filter(cart_uuid=cart.uuid).count() == 1
    other = seed_000_checkout(guest_cart("047_26408568"))
    conflict = glue.post("/checkout", other, **keyed)
    assert conflict.status_code == 422 and conflict.json()["errors"][0]["code"] == "idempotency_conflict"


@pytest.mark.parametrize(("change", "status", "code", "pointer"), [
    (lambda a: a.pop("idCart"), 422, "1101", "/data/attributes/idCart"),
    (lambda a: a.update(idCart="5b1f1ff5-0000-4000-8000-000000000000"), 404, "1103", "/data"),
    (lambda a: a.update(shipment={"idShipmentMethod": "abc"}), 422, "1101", "/data/attributes/shipment/idShipmentMethod"),
    (lambda a: a.update(shipment={"idShipmentMethod": 999}), 422, "1101",
     "/data/attributes/shipments/0/idShipmentMethod"),
    (lambda a: a["billingAddress"].update(zipCode="123"), 422, "1101", "/data/attributes/billingAddress/zipCode"),
    (lambda a: a.update(payments=[a["payments"][0], a["payments"][0]]), 422, "1107", None),
    (lambda a: a.update(payments=[{"paymentMethodName": "x", "paymentProviderName": "DummyPayment"}]), 422, "1108",
     None),
    (lambda a: a.update(shipments="nope"), 422, "1101", "/data/attributes/shipments"),
    (lambda a: a.update(billingAddress={"id": "22d78681-9885-5b47-8916-42f9e72b29ff"}), 422, "address_not_owned",
     "/data/attributes/billingAddress/id"),
])
def test_bad_checkout_data_gets_its_documented_error_and_nothing_is_written(glue, change, status, code, pointer):
    cart = guest_cart("066_23294028")
    body = seed_000_checkout(cart)
    change(body["data"]["attributes"])
    orders = Order.objects.count()
    response = glue.post("/checkout", body, **GUEST)
    assert response.status_code == status, response.json()
    (error,) = response.json()["errors"]
    assert (error["status"], error["code"]) == (str(status), code)
    if pointer:
        assert error["source"]["pointer"] == pointer
    assert Order.objects.count() == orders and Cart.objects.filter(pk=cart.pk).exists()


def test_no_identification_is_1105_and_another_guests_cart_is_404(glue):
    cart = guest_cart("066_23294028")
    missing = glue.post("/checkout", seed_000_checkout(cart))
    assert missing.status_code == 400 and missing.json()["errors"][0]["code"] == "1105"
    other = glue.post("/checkout", seed_000_checkout(cart), **{"X-Anonymous-Customer-Unique-Id": "someone-else"})
    assert other.status_code == 404 and other.json()["errors"][0]["code"] == "1103"


def test_insufficient_stock_says_what_is_left(glue):
    cart = guest_cart("066_23294028")
    StockItem.objects.filter(variant__sku="066_23294028").update(count_on_hand=0)
    response = glue.post("/checkout", seed_000_checkout(cart), **GUEST)
    assert response.status_code == 409
    assert response.json()["errors"][0]["meta"] == {"sku": "066_23294028", "requested": 1, "available": 0}


def test_a_redirect_payment_is_confirmed_through_order_payments(glue):
    cart = guest_cart("047_26408568")
    body = seed_000_checkout(cart)
    body["data"]["attributes"]["payments"] = [{"paymentMethodName": "redirect",
                                               "paymentProviderName": "DummyExternalPayment"}]
    placed = glue.post("/checkout", body, **GUEST).json()["data"]["attributes"]
    assert placed["isExternalRedirect"] is True and placed["redirectUrl"].startswith("https://")
    order = Order.objects.get(reference=placed["orderReference"])
    payload = [{"type": "payment-confirmation", "hash": redirect_confirmation_hash(order.payments.get().transaction_id)}]
    confirm = {"data": {"type": "order-payments", "attributes": {"paymentIdentifier": order.reference,
                                                                 "dataPayload": payload}}}
    response = glue.post("/order-payments", confirm, **GUEST)
    assert response.status_code == 201
    assert response.json()["data"]["attributes"] == {"paymentIdentifier": order.reference, "dataPayload": None}
    order.refresh_from_db()
    assert order.payment_state == "paid"
    tampered = {"data": {"type": "order-payments", "attributes": {"paymentIdentifier": "DE--999",
                                                                  "dataPayload": payload}}}
    assert glue.post("/order-payments", tampered, **GUEST).status_code == 404


def test_a_redirect_payment_confirmed_after_cancel_stale_orders_is_recorded_as_money_owed(glue):
    cart = guest_cart("047_26408568")
    body = seed_000_checkout(cart)
    body["data"]["attributes"]["payments"] = [{"paymentMethodName": "redirect",
                                               "paymentProviderName": "DummyExternalPayment"}]
    order = Order.objects.get(reference=glue.post("/checkout", body, **GUEST).json()["data"]["attributes"][
        "orderReference"])
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=2))
    call_command("cancel_stale_orders", "--older-than", "24h", stdout=StringIO())
    stock = list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True))
    payment = order.payments.get()
    confirm = {"data": {"type": "order-payments", "attributes": {"paymentIdentifier": order.reference, "dataPayload": [
        {"type": "payment-confirmation", "hash": redirect_confirmation_hash(payment.transaction_id)}]}}}

    response = glue.post("/order-payments", confirm, **GUEST)

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["id"] == str(payment.uuid)
    assert response.json()["data"]["attributes"] == {"paymentIdentifier": order.reference, "dataPayload": None}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == ("completed", order.grand_total)
    assert (order.state, order.payment_state, order.payment_total) == ("canceled", "credit_owed", order.grand_total)
    assert list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True)) == stock
    # The provider sends it again: the same answer, nothing more recorded.
    again = glue.post("/order-payments", confirm, **GUEST)
    assert (again.status_code, again.json()) == (201, response.json())
    order.refresh_from_db()
    assert (order.payment_state, order.payment_total) == ("credit_owed", order.grand_total)


def test_the_declining_test_card_is_declined_and_nothing_is_placed(glue):
    cart = guest_cart("047_26408568")
    body = seed_000_checkout(cart)
    body["data"]["attributes"]["payments"] = [{
        "paymentProviderName": "DummyPayment", "paymentMethodName": "credit card",
        "dummyPaymentCreditCard": {"cardType": "visa", "cardNumber": "4000000000000002", "nameOnCard": "Spencor Hopkin",
                                   "cardExpiresMonth": "01", "cardExpiresYear": "2035", "cardSecurityCode": "123"}}]
    stock = list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True))

    response = glue.post("/checkout", body, **GUEST)

    assert response.status_code == 402
    assert response.json() == {"errors": [{
        "status": "402", "code": "payment_declined",
        "detail": "The payment was declined. Please use another card or payment method.",
        "source": {"pointer": "/data/attributes/payments/0"}, "meta": {"reason": "card_declined"}}]}
    assert not Order.objects.filter(cart_uuid=cart.uuid).exists() and Cart.objects.filter(pk=cart.pk).exists()
    assert list(StockItem.objects.order_by("pk").values_list("count_on_hand", flat=True)) == stock


def test_include_orders_and_order_shipments_embeds_them_as_the_seed_shows(glue):
    cart = guest_cart("066_23294028")
    response = glue.post("/checkout?include=orders,order-shipments", seed_000_checkout(cart), **GUEST)
    assert response.status_code == 201
    body = response.json()
    reference = body["data"]["attributes"]["orderReference"]
    assert body["data"]["relationships"] == {"orders": {"data": [{"type": "orders", "id": reference}]}}
    assert [r["type"] for r in body["included"]] == ["order-shipments", "orders"]
    shipment, order = body["included"]
    assert order["id"] == reference and order["attributes"]["totals"]["grandTotal"] == 35418
    assert order["relationships"]["order-shipments"]["data"] == [{"type": "order-shipments", "id": shipment["id"]}]
    assert shipment["attributes"]["methodName"] == "Standard"
    assert glue.post("/checkout?include=bogus", seed_000_checkout(guest_cart("047_26408568")), **GUEST).status_code == 400
