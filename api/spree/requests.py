"""Reading Spree request bodies into the step checkout's inputs; a clear 422 for anything malformed.

Spree's quirks are kept: ``line_items`` as a list or as a hash keyed "0", "1" … (an entry
with ``id`` updates that line, one with ``variant_id`` adds one); ``payments_attributes``
as a list or a single hash (2-2-stable); ``payment_source`` keyed by payment method id,
at the top level or inside ``order`` (2-2-stable); flags as "1"/"0", true/false.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from carts.exceptions import MAX_QUANTITY
from checkout.inputs import AddressInput
from checkout.step_checkout import UNSET, CheckoutUpdate, LineItemChange, PaymentChoice, RentalChange
from core.errors import DomainError
from customers.models import Country, Region
from api.spree.cards import card_data_from_spree_source


class SpreeParamsInvalid(DomainError):
    code = "params_invalid"
    pointer = "/order"
    default_detail = "The request is not what this endpoint expects."

    def __init__(self, detail: str, *, pointer: str):
        super().__init__(detail)
        self.pointer = pointer


def body_of(request) -> dict:
    body = request.data
    if body in (None, "") or (hasattr(body, "keys") and not body):
        return {}
    if not isinstance(body, dict):
        raise SpreeParamsInvalid("The body must be a JSON object.", pointer="/")
    return body


def object_at(body: dict, key: str, *, pointer: str, required: bool = False) -> dict:
    value = body.get(key)
    if value is None:
        if required:
            raise SpreeParamsInvalid(f"{key} is required.", pointer=pointer)
        return {}
    if not isinstance(value, dict):
        raise SpreeParamsInvalid(f"{key} must be an object.", pointer=pointer)
    return value


def entries(value: Any, *, pointer: str) -> list[tuple[str, dict]]:
    """A Spree collection: a list, or a hash keyed "0", "1" … (in key order); each entry an object."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [(f"{pointer}/{n}", v) for n, v in enumerate(value)]
    elif isinstance(value, dict):
        keys = sorted(value, key=lambda k: (not str(k).isdigit(), int(k) if str(k).isdigit() else 0, str(k)))
        items = [(f"{pointer}/{k}", value[k]) for k in keys]
    else:
        raise SpreeParamsInvalid("Expected a list or a hash of objects.", pointer=pointer)
    for where, entry in items:
        if not isinstance(entry, dict):
            raise SpreeParamsInvalid("Each entry must be an object.", pointer=where)
    return items


def integer(value: Any, *, pointer: str, low: int = 0, high: int = 10**12, default: int | None = None) -> int:
    if value is None and default is not None:
        return default
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 13:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpreeParamsInvalid(f"must be a whole number from {low} to {high}", pointer=pointer)
    return value


def flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True", "yes", "on")


def text(value: Any, *, pointer: str, max_length: int = 255) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > max_length:
        raise SpreeParamsInvalid(f"must be a text of at most {max_length} characters", pointer=pointer)
    return value


def moment(value: Any, *, pointer: str) -> datetime | None:
    """A rental date: "2015-02-03" (midnight, shop time) or an ISO 8601 time; "" or null clears it."""
    if value in (None, ""):
        return None
    parsed = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = parse_datetime(value.strip())
            if parsed is None and (day := parse_date(value.strip())) is not None:
                parsed = datetime.combine(day, time())
        except ValueError:
            parsed = None
    if parsed is None:
        raise SpreeParamsInvalid("is not a date (use 2015-02-03 or 2015-02-03T21:05:51Z)", pointer=pointer)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def rental_change(order: dict) -> RentalChange:
    return RentalChange(
        starts_at=moment(order["rental_start_date"], pointer="/order/rental_start_date")
        if "rental_start_date" in order else UNSET,
        ends_at=moment(order["rental_end_date"], pointer="/order/rental_end_date")
        if "rental_end_date" in order else UNSET,
        zipcode=text(order["zipcode"], pointer="/order/zipcode", max_length=20) if "zipcode" in order else UNSET,
    )


def line_item_changes(value: Any, *, creating: bool, pointer: str = "/order/line_items") -> list[LineItemChange]:
    changes = []
    for where, entry in entries(value, pointer=pointer):
        changes.append(line_item_change(entry, pointer=where, creating=creating))
    return changes


def line_item_change(entry: dict, *, pointer: str, creating: bool = True) -> LineItemChange:
    if entry.get("id") is not None and not creating:
        return LineItemChange(quantity=integer(entry.get("quantity"), pointer=f"{pointer}/quantity",
                                               high=MAX_QUANTITY),
                              item_id=integer(entry["id"], pointer=f"{pointer}/id"), at=field_at(pointer))
    if entry.get("variant_id") is None:
        raise SpreeParamsInvalid("variant_id is required.", pointer=f"{pointer}/variant_id")
    return LineItemChange(quantity=integer(entry.get("quantity"), pointer=f"{pointer}/quantity", low=1,
                                           high=MAX_QUANTITY, default=1),
                          variant_id=integer(entry["variant_id"], pointer=f"{pointer}/variant_id"),
                          at=field_at(pointer))


def field_at(pointer: str) -> tuple:
    """The domain's path to what a request pointer names: ``/order/line_items/0`` → ``("line_items", 0)``."""
    parts = [p for p in pointer.split("/") if p and p != "order"]
    return tuple(int(p) if p.isdigit() else p for p in parts)


ADDRESS_FIELDS = {"firstname": "first_name", "lastname": "last_name", "address1": "address1", "address2": "address2",
                  "city": "city", "zipcode": "zip_code", "phone": "phone", "company": "company"}


def address(value: Any, *, pointer: str):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SpreeParamsInvalid("must be an object", pointer=pointer)
    fields = {ours: text(value.get(theirs), pointer=f"{pointer}/{theirs}") for theirs, ours in ADDRESS_FIELDS.items()}
    return spree_address_input(country_id=value.get("country_id"), state_id=value.get("state_id"), **fields)


def checkout_update(body: dict) -> CheckoutUpdate:
    order = object_at(body, "order", pointer="/order")
    payment = _payment(body, order)
    shipments = entries(order.get("shipments_attributes"), pointer="/order/shipments_attributes")
    rate_id = shipment_id = None
    if shipments:
        where, first = shipments[0]
        if first.get("selected_shipping_rate_id") is None:
            raise SpreeParamsInvalid("selected_shipping_rate_id is required.",
                                     pointer=f"{where}/selected_shipping_rate_id")
        rate_id, shipment_id = first["selected_shipping_rate_id"], first.get("id")
    return CheckoutUpdate(
        email=text(order["email"], pointer="/order/email") if "email" in order else None,
        bill_address=address(order.get("bill_address_attributes"), pointer="/order/bill_address_attributes"),
        ship_address=address(order.get("ship_address_attributes"), pointer="/order/ship_address_attributes"),
        use_shipping=flag(order.get("use_shipping", body.get("use_shipping"))),
        save_user_address=flag(body.get("save_user_address", order.get("save_user_address"))),
        shipping_rate_id=rate_id, shipment_id=shipment_id, payment=payment,
        special_instructions=text(order["special_instructions"], pointer="/order/special_instructions",
                                  max_length=5000) if "special_instructions" in order else None,
    )


def _payment(body: dict, order: dict) -> PaymentChoice | None:
    raw = order.get("payments_attributes")
    if isinstance(raw, dict) and "payment_method_id" in raw:  # 2-2-stable: one hash
        raw = [raw]
    payments = entries(raw, pointer="/order/payments_attributes")
    existing = order.get("existing_card", body.get("existing_card"))
    if not payments and existing in (None, ""):
        return None
    method_id = payments[0][1].get("payment_method_id") if payments else None
    sources = order.get("payment_source", body.get("payment_source"))
    source = None
    if isinstance(sources, dict) and method_id is not None:
        source = sources.get(str(method_id))
    elif sources is not None and not isinstance(sources, dict):
        raise SpreeParamsInvalid("payment_source must be a hash keyed by payment method id.", pointer="/payment_source")
    card = card_data_from_spree_source(source) if isinstance(source, dict) else source
    return PaymentChoice(method_id=method_id, source=card,
                         existing_card_id=existing if existing not in (None, "") else None)


def spree_address_input(*, country_id: Any, state_id: Any = None, **fields: str) -> AddressInput:
    """An address by value from Spree's ids (``country_id``/``state_id`` are our primary keys)."""
    country = Country.objects.filter(pk=country_id).first() if _is_id(country_id) else None
    region = Region.objects.filter(pk=state_id).first() if _is_id(state_id) else None
    values = {name: str(value).strip() if value is not None else "" for name, value in fields.items()}
    return AddressInput(iso2_code=country.iso2_code if country else ("?" if country_id not in (None, "") else ""),
                        region_code=region.iso2_code if region else ("?" if state_id not in (None, "") else ""),
                        **values)


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit()
                                                                        and len(value) < 18)
