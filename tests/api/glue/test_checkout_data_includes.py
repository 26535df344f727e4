"""POST /checkout-data?include=… (Glue): addresses, payment-methods, shipments, shipment-methods and
company-business-unit-addresses, with the request bodies of Spryker's "Submit checkout data"."""

import pytest

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from customers.models import Customer

pytestmark = pytest.mark.usefixtures("shop")
SPENCOR_ADDRESS = {"salutation": "Mr", "firstName": "Spencor", "lastName": "Hopkin",
                   "address1": "Julie-Wolfthorn-Straße", "address2": "1", "address3": "new one", "zipCode": "10115",
                   "city": "Berlin", "iso2Code": "DE", "company": "spryker", "phone": "+49 (30) 2084 98350"}
INVOICE = {"dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}, "paymentMethodName": "Invoice",
           "paymentProviderName": "DummyPayment"}


@pytest.fixture
def sonia(glue):
    token = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": "sonia@spryker.com", "password": "change123"}}}).json()["data"]["attributes"]["accessToken"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def sonias_cart():
    cart = Cart.objects.create(store=Store.objects.get(code="DE"), currency="EUR",
                               customer=Customer.objects.get(email="sonia@spryker.com", user__isnull=False))
    for sku in ("066_23294028", "078_24602396"):
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=1)
    return cart


def split_shipment_body(cart) -> dict:
    """Spryker's "submit checkout data with a split shipment" sample, with our cart."""
    return {"data": {"type": "checkout-data", "attributes": {
        "idCart": str(cart.uuid), "billingAddress": {**SPENCOR_ADDRESS, "address3": "new address"},
        "payments": [INVOICE],
        "shipments": [
            {"items": ["078_24602396"], "shippingAddress": {"id": None, **SPENCOR_ADDRESS}, "idShipmentMethod": 1,
             "requestedDeliveryDate": "2099-09-29"},
            {"items": ["066_23294028"], "shippingAddress": {
                "id": None, **SPENCOR_ADDRESS, "salutation": "Mrs", "firstName": "Sonia", "lastName": "Wagner",
                "address2": "26"}, "idShipmentMethod": 2, "requestedDeliveryDate": None},
        ]}}}


def test_without_include_the_document_is_as_before(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data", split_shipment_body(sonias_cart), **sonia).json()
    assert "included" not in body and "relationships" not in body["data"]
    assert set(body["data"]["attributes"]) == {"addresses", "paymentProviders", "shipmentMethods",
                                               "selectedShipmentMethods", "selectedPaymentMethods"}


def test_include_shipments_lists_each_requested_shipment(glue, sonia, sonias_cart):
    response = glue.post("/checkout-data?include=shipments", split_shipment_body(sonias_cart), **sonia)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["data"]["links"]["self"].endswith("/checkout-data?include=shipments")
    linked = body["data"]["relationships"]["shipments"]["data"]
    assert [r["type"] for r in linked] == ["shipments", "shipments"]
    first, second = body["included"]
    assert [first["id"], second["id"]] == [r["id"] for r in linked] and len(first["id"]) == 32
    assert first["attributes"]["items"] == ["078_24602396"]
    assert first["attributes"]["requestedDeliveryDate"] == "2099-09-29"
    assert first["attributes"]["shippingAddress"] == {
        "id": None, "salutation": "Mr", "firstName": "Spencor", "lastName": "Hopkin",
        "address1": "Julie-Wolfthorn-Straße", "address2": "1", "address3": "new one", "zipCode": "10115",
        "city": "Berlin", "country": None, "iso2Code": "DE", "company": "spryker", "phone": "+49 (30) 2084 98350",
        "isDefaultBilling": None, "isDefaultShipping": None, "idCompanyBusinessUnitAddress": None}
    assert first["attributes"]["selectedShipmentMethod"] == {
        "id": 1, "name": "Standard", "carrierName": "Spryker Dummy Shipment", "price": 490, "taxRate": "19.00",
        "deliveryTime": None, "currencyIsoCode": "EUR"}
    assert second["attributes"]["selectedShipmentMethod"]["name"] == "Express"
    assert second["attributes"]["requestedDeliveryDate"] is None
    assert first["links"]["self"].endswith(f"/shipments/{first['id']}")
    # The same request names the same shipments.
    again = glue.post("/checkout-data?include=shipments", split_shipment_body(sonias_cart), **sonia).json()
    assert [r["id"] for r in again["included"]] == [first["id"], second["id"]]


def test_include_shipments_and_shipment_methods_links_the_methods_from_each_shipment(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data?include=shipments,shipment-methods", split_shipment_body(sonias_cart),
                     **sonia).json()
    methods = [r for r in body["included"] if r["type"] == "shipment-methods"]
    assert [m["id"] for m in methods] == ["1", "2", "3", "4", "5"]
    assert methods[0]["attributes"] == {"name": "Standard", "carrierName": "Spryker Dummy Shipment",
                                        "deliveryTime": None, "price": 490, "currencyIsoCode": "EUR"}
    shipments = [r for r in body["included"] if r["type"] == "shipments"]
    for shipment in shipments:
        assert [r["id"] for r in shipment["relationships"]["shipment-methods"]["data"]] == ["1", "2", "3", "4", "5"]
    assert set(body["data"]["relationships"]) == {"shipments"}


def test_include_shipment_methods_alone_relates_them_to_the_checkout_data(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data?include=shipment-methods", split_shipment_body(sonias_cart), **sonia).json()
    assert [r["id"] for r in body["data"]["relationships"]["shipment-methods"]["data"]] == ["1", "2", "3", "4", "5"]


def test_a_single_shipment_carries_the_whole_cart(glue, sonia, sonias_cart):
    body = {"data": {"type": "checkout-data", "attributes": {
        "idCart": str(sonias_cart.uuid), "shippingAddress": SPENCOR_ADDRESS, "shipment": {"idShipmentMethod": 1}}}}
    included = glue.post("/checkout-data?include=shipments", body, **sonia).json()["included"]
    assert [s["attributes"]["items"] for s in included] == [["066_23294028", "078_24602396"]]


def test_include_addresses_gives_the_customers_book(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data?include=addresses", split_shipment_body(sonias_cart), **sonia).json()
    assert [r["id"] for r in body["data"]["relationships"]["addresses"]["data"]] == [
        "f4cfa794-3c5d-58b9-8485-20d52c541d1d"]
    (address,) = body["included"]
    assert address["type"] == "addresses" and address["attributes"]["country"] == "Germany"
    assert address["attributes"]["isDefaultBilling"] is True
    assert address["links"]["self"].endswith("/customers/DE--2/addresses/f4cfa794-3c5d-58b9-8485-20d52c541d1d")


def test_include_payment_methods(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data?include=payment-methods", split_shipment_body(sonias_cart), **sonia).json()
    methods = {r["attributes"]["paymentMethodName"]: r for r in body["included"]}
    assert {"credit card", "invoice"} <= set(methods)
    invoice = methods["invoice"]
    assert set(invoice["attributes"]) == {"paymentMethodName", "paymentProviderName", "priority",
                                          "requiredRequestData"}
    assert invoice["attributes"]["requiredRequestData"][-1] == "dummyPaymentInvoice.dateOfBirth"
    assert invoice["links"]["self"].endswith(f"/payment-methods/{invoice['id']}")
    assert {r["id"] for r in body["data"]["relationships"]["payment-methods"]["data"]} == {
        r["id"] for r in body["included"]}


def test_include_company_business_unit_addresses(glue, sonia, sonias_cart):
    body = glue.post("/checkout-data?include=company-business-unit-addresses", split_shipment_body(sonias_cart),
                     **sonia).json()
    (unit_address,) = body["included"]
    assert (unit_address["type"], unit_address["id"]) == ("company-business-unit-addresses",
                                                          "19a55c0d-7bf0-580c-a9e8-6edacdc1ecde")
    assert unit_address["attributes"]["zipCode"] == "10115" and unit_address["attributes"]["iso2Code"] == "DE"


def test_a_guest_includes_no_addresses(glue):
    cart = Cart.objects.get(uuid="033ee1ad-c3e9-5d2e-816f-23ff38a58d6d")
    body = {"data": {"type": "checkout-data", "attributes": {"idCart": str(cart.uuid)}}}
    response = glue.post("/checkout-data?include=addresses,payment-methods", body,
                         **{"X-Anonymous-Customer-Unique-Id": "demo-guest-0001"})
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["relationships"]["addresses"] == {"data": []}


def test_an_unknown_include_is_a_400_as_for_every_glue_resource(glue, sonia, sonias_cart):
    response = glue.post("/checkout-data?include=shipments,bogus", split_shipment_body(sonias_cart), **sonia)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["source"]["pointer"]) == ("bad_request", "/include")
