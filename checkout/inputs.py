"""What a storefront sends to check out, in the shop's own terms; each API dialect parses into these."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class AddressInput:
    """An address by value, by the id of one in the customer's book, or by a business unit address id."""

    id: str | None = None
    company_address_id: str | None = None
    salutation: str = ""
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    zip_code: str = ""
    city: str = ""
    county: str = ""
    iso2_code: str = ""
    region_code: str = ""
    phone: str = ""
    email: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class CustomerInput:
    email: str = ""
    salutation: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class ShipmentInput:
    """Which cart items (by sku; None: all not named elsewhere) go where, how, and when."""

    items: tuple[str, ...] | None = None
    address: AddressInput | None = None
    method_id: int | None = None
    requested_delivery_date: date | None = None


@dataclass(frozen=True)
class RentalInput:
    """Rental dates and the zipcode; the zipcode picks the stock locations of every item (checkout.stock_sources),
    so an order with a zipcode and no rented items has it without dates."""

    starts_at: datetime | None
    ends_at: datetime | None
    zipcode: str = ""


@dataclass(frozen=True)
class CheckoutData:
    customer: CustomerInput | None = None
    billing_address: AddressInput | None = None
    shipments: tuple[ShipmentInput, ...] = ()
    payments: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)  # may hold card data
    order_number: str = ""
    external_ref: str = ""
    # A dialect whose orders exist before they are placed (Spree) keeps their number and guest token.
    number: str = ""
    guest_token: str = field(default="", repr=False)
    locale: str = ""
    rental: RentalInput | None = None
    special_instructions: str = ""

    def fingerprint(self, *, cart_key: str) -> str:
        """A stable hash of the request, so a reused idempotency key with other data is recognised."""
        payload = {k: v for k, v in asdict(self).items() if k != "payments"}
        # Card data never goes into the hash: the payment is known by its provider and method.
        payload["cart"] = cart_key
        payload["payments"] = [
            [str(p.get("paymentProviderName", "")).lower(), str(p.get("paymentMethodName", "")).lower()]
            for p in self.payments
        ]
        canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
