"""Reading Elastic Path request bodies: ``{"data": {…}}`` with the fields at the top of ``data``.

Shapes only (types, required objects, lengths): a malformed body is a 400 with the field
named in ``meta.field``; what the values mean is the engine's to judge (an address it
cannot use is a 422).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.elasticpath.errors import EPError
from checkout.inputs import AddressInput, CustomerInput

ADDRESS_FIELDS = {
    "first_name": "first_name", "last_name": "last_name", "company_name": "company", "line_1": "address1",
    "line_2": "address2", "city": "city", "postcode": "zip_code", "county": "county", "country": "iso2_code",
    "region": "region_code", "phone_number": "phone", "instructions": "instructions",
}
MAX_TEXT = 255
MAX_REF = 64


def invalid(field: str, detail: str) -> EPError:
    return EPError(detail, meta={"field": field}, title="Failed Validation")


def ep_data(request, *, required: bool = True):
    """The ``data`` member of the body: an object (or, where allowed, a list)."""
    body = request.data
    if not isinstance(body, dict) or "data" not in body:
        if not required and (body is None or body == {}):
            return {}
        raise invalid("data", 'The body must be a JSON object with a "data" member.')
    return body["data"]


def data_object(request, *, type_: str | None = None, required: bool = True) -> dict:
    data = ep_data(request, required=required)
    if not isinstance(data, dict):
        raise invalid("data", "data must be an object.")
    if type_ is not None and data.get("type") != type_:
        raise invalid("data.type", f'data.type must be "{type_}".')
    return data


def text(data: dict, name: str, *, field: str | None = None, max_length: int = MAX_TEXT, required: bool = False) -> str:
    value = data.get(name)
    field = field or f"data.{name}"
    if value is None:
        if required:
            raise invalid(field, f"{field} is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(field, f"{field} must be text.")
    value = str(value).strip()
    if required and not value:
        raise invalid(field, f"{field} is required.")
    if len(value) > max_length:
        raise invalid(field, f"{field} may have at most {max_length} characters.")
    return value


def quantity(data: dict, *, field: str = "data.quantity") -> int:
    value = data.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"{field} must be a whole number.")
    return value


@dataclass(frozen=True)
class ItemInput:
    sku: str | None
    product: str | None
    quantity: int


def cart_item_input(request) -> ItemInput:
    data = data_object(request, type_="cart_item")
    sku = text(data, "sku", max_length=64)
    product = text(data, "id", max_length=64)
    if not sku and not product:
        raise invalid("data.sku", "Name the product with sku or id.")
    return ItemInput(sku=sku or None, product=product or None, quantity=quantity(data))


def address_input(data: dict, name: str) -> AddressInput:
    given = data.get(name)
    if not isinstance(given, dict):
        raise invalid(f"data.{name}", f"data.{name} is required, as an object.")
    values = {field: text(given, key, field=f"data.{name}.{key}", max_length=500 if key == "instructions" else 255)
              for key, field in ADDRESS_FIELDS.items()}
    return AddressInput(**values)


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first[:100], last.strip()[:100]


@dataclass(frozen=True)
class CheckoutRequest:
    way: str  # customer_id, guest, account
    customer_id: str = ""
    customer: CustomerInput | None = None
    account_id: str = ""
    member_id: str = ""
    billing: AddressInput | None = None
    shipping: AddressInput | None = None
    order_number: str = ""
    external_ref: str = ""


def checkout_input(request) -> CheckoutRequest:
    data = data_object(request)
    common = dict(
        billing=address_input(data, "billing_address"), shipping=address_input(data, "shipping_address"),
        order_number=text(data, "order_number", max_length=MAX_REF),
        external_ref=text(data, "external_ref", max_length=MAX_REF),
    )
    if "account" in data:
        account = data["account"]
        if not isinstance(account, dict):
            raise invalid("data.account", "data.account must be an object.")
        contact = data.get("contact", {})
        if not isinstance(contact, dict):
            raise invalid("data.contact", "data.contact must be an object.")
        first, last = split_name(text(contact, "name", field="data.contact.name"))
        return CheckoutRequest(
            way="account", account_id=text(account, "id", field="data.account.id", max_length=64),
            member_id=text(account, "member_id", field="data.account.member_id", max_length=64),
            customer=CustomerInput(email=text(contact, "email", field="data.contact.email"),
                                   first_name=first, last_name=last),
            **common,
        )
    customer = data.get("customer")
    if not isinstance(customer, dict):
        raise invalid("data.customer", "Check out with data.customer (an id, or a name and an email) "
                                       "or with data.account.")
    if customer.get("id") is not None:
        return CheckoutRequest(way="customer_id",
                               customer_id=text(customer, "id", field="data.customer.id", max_length=64), **common)
    first, last = split_name(text(customer, "name", field="data.customer.name"))
    email = text(customer, "email", field="data.customer.email", required=True)
    return CheckoutRequest(way="guest", customer=CustomerInput(email=email, first_name=first, last_name=last),
                           **common)


def page_params(request, *, default_limit: int = 25, max_limit: int = 100) -> tuple[int, int]:
    """``page[limit]`` (1..100, default 25) and ``page[offset]`` (0 or more) of a list request."""
    values = []
    for name, default, low, high in (("limit", default_limit, 1, max_limit), ("offset", 0, 0, 10**9)):
        raw = request.query_params.get(f"page[{name}]", str(default)).strip()
        if not re.fullmatch(r"[0-9]{1,10}", raw) or not low <= int(raw) <= high:
            raise invalid(f"page[{name}]", f"page[{name}] must be a whole number from {low} to {high}.")
        values.append(int(raw))
    return values[0], values[1]
