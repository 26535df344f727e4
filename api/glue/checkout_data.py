"""``/checkout-data?include=…`` (Glue): the resources a checkout-data document can include.

As Spryker's newest "Submit checkout data" shows them: ``addresses`` (the customer's book),
``payment-methods``, ``shipments`` (what the request asks to ship where, each with the
``shipment-methods`` that can serve it), ``shipment-methods`` and
``company-business-unit-addresses``. Rendering only, over ``checkout.options.CheckoutOptions``.
"""

from __future__ import annotations

import hashlib
import json

from api.glue.customers import address_resource
from api.glue.documents import resource
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.options import CheckoutOptions, ShipmentMethodOption

INCLUDABLE = {"addresses", "payment-methods", "shipments", "shipment-methods", "company-business-unit-addresses"}


def _linkage(resources: list[dict]) -> dict:
    return {"data": [{"type": r["type"], "id": r["id"]} for r in resources]}


def checkout_data_includes(request, *, options: CheckoutOptions, data: CheckoutData, includes: set[str],
                           customer_reference: str | None) -> tuple[dict, list[dict]]:
    """The checkout-data resource's relationships and the included resources ``includes`` asks for."""
    relationships: dict[str, dict] = {}
    included: list[dict] = []
    currency = options.cart.currency or options.cart.store.default_currency
    if "addresses" in includes:
        addresses = [address_resource(request, a, customer_reference) for a in options.addresses]
        relationships["addresses"] = _linkage(addresses)
        included += addresses
    if "company-business-unit-addresses" in includes:
        unit_addresses = [_company_address_resource(request, a) for a in options.business_unit_addresses]
        relationships["company-business-unit-addresses"] = _linkage(unit_addresses)
        included += unit_addresses
    if "payment-methods" in includes:
        methods = [_payment_method_resource(request, m) for p in options.payment_providers for m in p.methods]
        relationships["payment-methods"] = _linkage(methods)
        included += methods
    methods = [_shipment_method_resource(request, o, currency) for o in options.shipment_methods]
    if "shipments" in includes:
        shipments = [_shipment_resource(request, s, skus, options, currency)
                     for s, skus in zip(data.shipments, _skus_per_shipment(options, data))]
        if "shipment-methods" in includes:
            included += methods  # reached through each shipment, as Glue shows it
            for shipment in shipments:
                shipment["relationships"] = {"shipment-methods": _linkage(methods)}
        relationships["shipments"] = _linkage(shipments)
        included += shipments
    elif "shipment-methods" in includes:
        relationships["shipment-methods"] = _linkage(methods)
        included += methods
    return relationships, included


def _skus_per_shipment(options: CheckoutOptions, data: CheckoutData) -> list[list[str]]:
    """The skus each shipment names; a shipment naming none carries the cart's other items."""
    if not data.shipments:
        return []
    named = {sku for shipment in data.shipments for sku in (shipment.items or ())}
    rest = sorted({item.variant.sku for item in options.cart.items.select_related("variant")} - named) \
        if any(shipment.items is None for shipment in data.shipments) else []
    return [list(shipment.items) if shipment.items is not None else rest for shipment in data.shipments]


def _shipment_id(shipment: ShipmentInput, skus: list[str]) -> str:
    """Glue identifies a requested shipment by a hash of what it is (items, address, method, date)."""
    key = json.dumps([skus, _address(shipment.address), shipment.method_id,
                      str(shipment.requested_delivery_date or "")], sort_keys=True, default=str)
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()


def _address(address: AddressInput | None) -> dict | None:
    if address is None:
        return None
    return {
        "id": address.id or None, "salutation": address.salutation or None, "firstName": address.first_name or None,
        "lastName": address.last_name or None, "address1": address.address1 or None,
        "address2": address.address2 or None, "address3": address.address3 or None,
        "zipCode": address.zip_code or None, "city": address.city or None, "country": None,
        "iso2Code": address.iso2_code or None, "company": address.company or None, "phone": address.phone or None,
        "isDefaultBilling": None, "isDefaultShipping": None,
        "idCompanyBusinessUnitAddress": address.company_address_id or None,
    }


def _selected_method(options: CheckoutOptions, method_id: int | None, currency: str) -> dict | None:
    option = next((o for o in options.shipment_methods if o.method.pk == method_id), None)
    if option is None:
        return None
    return {"id": option.method.pk, "name": option.method.name, "carrierName": option.carrier_name,
            "price": option.price, "taxRate": f"{option.tax_rate:.2f}" if option.tax_rate is not None else None,
            "deliveryTime": option.method.delivery_time_days, "currencyIsoCode": currency}


def _shipment_resource(request, shipment: ShipmentInput, skus: list[str], options: CheckoutOptions,
                       currency: str) -> dict:
    attributes = {
        "items": skus,
        "requestedDeliveryDate": shipment.requested_delivery_date.isoformat()
        if shipment.requested_delivery_date else None,
        "shippingAddress": _address(shipment.address),
        "selectedShipmentMethod": _selected_method(options, shipment.method_id, currency),
    }
    return resource(request, "shipments", _shipment_id(shipment, skus), attributes)


def _shipment_method_resource(request, option: ShipmentMethodOption, currency: str) -> dict:
    attributes = {"name": option.method.name, "carrierName": option.carrier_name,
                  "deliveryTime": option.method.delivery_time_days, "price": option.price,
                  "currencyIsoCode": currency}
    return resource(request, "shipment-methods", str(option.method.pk), attributes)


def _payment_method_resource(request, method) -> dict:
    attributes = {"paymentMethodName": method.name, "paymentProviderName": method.provider.name,
                  "priority": method.position, "requiredRequestData": method.required_request_data}
    return resource(request, "payment-methods", str(method.pk), attributes)


def _company_address_resource(request, address) -> dict:
    attributes = {"address1": address.address1, "address2": address.address2, "address3": address.address3,
                  "zipCode": address.zip_code, "city": address.city, "phone": address.phone,
                  "iso2Code": address.country.iso2_code, "comment": ""}
    return resource(request, "company-business-unit-addresses", str(address.uuid), attributes)
