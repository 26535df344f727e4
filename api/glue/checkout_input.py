"""Reading Glue's checkout bodies (seeds 000, 001, 002) into the engine's CheckoutData.

Both shapes are read: one shipment (`shippingAddress` + `shipment.idShipmentMethod`) and
split shipments (`shipments[]` with `items`, `shippingAddress`, `idShipmentMethod`,
`requestedDeliveryDate`). An address is given by value, by `id`, or by
`idCompanyBusinessUnitAddress`. Shapes only: the engine decides what is allowed.
"""

from __future__ import annotations

from datetime import date

from catalog.selectors import best_locale, shop_locales
from checkout.exceptions import CheckoutDataInvalid
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput

BASE = "/data/attributes"
ADDRESS_FIELDS = {
    "salutation": "salutation", "firstName": "first_name", "middleName": "middle_name", "lastName": "last_name",
    "company": "company", "address1": "address1", "address2": "address2", "address3": "address3",
    "zipCode": "zip_code", "city": "city", "iso2Code": "iso2_code", "phone": "phone", "email": "email",
    "region": "region_code",
}


def checkout_input(attributes: dict, *, accept_language: str | None = None) -> tuple[str, CheckoutData]:
    """The cart id and the checkout data of a Glue checkout or checkout-data body; the order keeps
    the shop locale that best answers ``Accept-Language`` (empty: the shop's default)."""
    cart_id = attributes.get("idCart")
    if not isinstance(cart_id, str) or not cart_id.strip():
        raise CheckoutDataInvalid("idCart is required.", pointer=f"{BASE}/idCart")
    return cart_id.strip(), CheckoutData(
        customer=_customer(attributes.get("customer")),
        billing_address=_billing_address(attributes),
        shipments=_shipments(attributes),
        payments=tuple(_payments(attributes.get("payments"))),
        locale=_locale(accept_language),
    )


def _locale(accept_language: str | None) -> str:
    if not accept_language or not accept_language.strip():
        return ""
    return best_locale(accept_language=accept_language, available=shop_locales()) or ""


def _object(value, pointer: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CheckoutDataInvalid("This must be an object.", pointer=pointer)
    return value


def _text(value, pointer: str, *, max_length: int = 255) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise CheckoutDataInvalid("This must be text.", pointer=pointer)
    text = str(value).strip()
    if len(text) > max_length:
        raise CheckoutDataInvalid(f"At most {max_length} characters.", pointer=pointer)
    return text


def _customer(value) -> CustomerInput | None:
    given = _object(value, f"{BASE}/customer")
    if given is None:
        return None
    pointer = f"{BASE}/customer"
    return CustomerInput(email=_text(given.get("email"), f"{pointer}/email"),
                         salutation=_text(given.get("salutation"), f"{pointer}/salutation", max_length=10),
                         first_name=_text(given.get("firstName"), f"{pointer}/firstName", max_length=100),
                         last_name=_text(given.get("lastName"), f"{pointer}/lastName", max_length=100))


def _address(value, pointer: str) -> AddressInput | None:
    given = _object(value, pointer)
    if given is None:
        return None
    if given.get("id"):
        return AddressInput(id=_text(given["id"], f"{pointer}/id"))
    if given.get("idCompanyBusinessUnitAddress"):
        return AddressInput(company_address_id=_text(given["idCompanyBusinessUnitAddress"],
                                                     f"{pointer}/idCompanyBusinessUnitAddress"))
    return AddressInput(**{field: _text(given.get(name), f"{pointer}/{name}") for name, field in ADDRESS_FIELDS.items()})


def _billing_address(attributes: dict) -> AddressInput | None:
    if "billingAddress.id" in attributes and "billingAddress" not in attributes:  # seed 002's shorthand
        return AddressInput(id=_text(attributes["billingAddress.id"], f"{BASE}/billingAddress.id"))
    return _address(attributes.get("billingAddress"), f"{BASE}/billingAddress")


def _shipments(attributes: dict) -> tuple[ShipmentInput, ...]:
    if attributes.get("shipments") is not None:
        shipments = attributes["shipments"]
        if not isinstance(shipments, list):
            raise CheckoutDataInvalid("shipments must be a list.", pointer=f"{BASE}/shipments")
        return tuple(_shipment(given, f"{BASE}/shipments/{n}") for n, given in enumerate(shipments))
    shipment = _object(attributes.get("shipment"), f"{BASE}/shipment")
    if shipment is None:
        return ()
    return (ShipmentInput(address=_address(attributes.get("shippingAddress"), f"{BASE}/shippingAddress"),
                          method_id=_method_id(shipment.get("idShipmentMethod"), f"{BASE}/shipment/idShipmentMethod")),)


def _shipment(value, pointer: str) -> ShipmentInput:
    given = _object(value, pointer) or {}
    items = given.get("items")
    if items is not None and (not isinstance(items, list) or not all(isinstance(i, str) for i in items)):
        raise CheckoutDataInvalid("items must be a list of skus.", pointer=f"{pointer}/items")
    return ShipmentInput(
        items=tuple(items) if items is not None else None,
        address=_address(given.get("shippingAddress"), f"{pointer}/shippingAddress"),
        method_id=_method_id(given.get("idShipmentMethod"), f"{pointer}/idShipmentMethod"),
        requested_delivery_date=_date(given.get("requestedDeliveryDate"), f"{pointer}/requestedDeliveryDate"),
    )


def _method_id(value, pointer: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise CheckoutDataInvalid("idShipmentMethod must be a shipment method id.", pointer=pointer)
    number = int(str(value).strip())
    if number > 2**31:
        raise CheckoutDataInvalid("There is no such shipment method.", pointer=pointer)
    return number


def _date(value, pointer: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CheckoutDataInvalid("Use a date like 2021-09-29.", pointer=pointer) from None


def _payments(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise CheckoutDataInvalid("payments must be a list of objects.", pointer=f"{BASE}/payments")
    return value
