"""Glue's own error codes for its cart resources, and who may call them.

The domain raises its errors with the shop's codes (``carts.exceptions``, ``discounts``,
``shipping``); Spryker's cart endpoints answer with their own (``CartsRestApi`` 101-119,
``CartCodesRestApi`` 3301-3303, the Glue application's 002 and 901). ``glue_cart_error``
is the one place that renders a domain error in those words, keeping its detail, field
(or pointer) and meta; the cart views apply it to whatever they raise.
"""

from __future__ import annotations

from api.identity import GUEST_HEADER, customer_from_bearer
from carts.exceptions import (
    CartAttributeInvalid,
    CartNotFound,
    ItemNotAvailable,
    ItemNotInCart,
    PriceMissing,
    QuantityInvalid,
    VoucherNotInCart,
)
from core.errors import DomainError, NotFound
from customers.exceptions import CustomerFieldInvalid, GuestIdInvalid
from customers.models import Customer
from discounts.exceptions import VoucherNotApplicable, VoucherNotFound
from shipping.exceptions import InsufficientStock


class GlueCartNotFound(NotFound):
    code = "101"
    default_detail = "Cart with given uuid not found."


class GlueCartItemInvalid(DomainError):
    """Spryker's item validation: an unknown or unsold sku, no price in the cart's currency, no stock."""

    code = "102"
    status = 422
    pointer = "/data/attributes/sku"
    default_detail = "Failed to add an item to cart."


class GlueCartItemNotFound(NotFound):
    code = "103"
    pointer = "/data/attributes/sku"
    default_detail = "Item with the given group key not found in the cart."


class GlueAnonymousIdMissing(DomainError):
    code = "109"
    status = 400
    pointer = "/headers/X-Anonymous-Customer-Unique-Id"
    default_detail = "Anonymous customer unique id is empty."


class GluePriceModeLocked(DomainError):
    code = "111"
    status = 422
    pointer = "/data/attributes/priceMode"
    default_detail = "Can't switch price mode when there are items in the cart."


class GlueStoreInvalid(DomainError):
    code = "112"
    status = 422
    pointer = "/data/attributes/store"
    default_detail = "Store data is invalid."


class GlueCurrencyInvalid(DomainError):
    code = "117"
    status = 422
    pointer = "/data/attributes/currency"
    default_detail = "Currency is incorrect."


class GluePriceModeInvalid(DomainError):
    code = "119"
    status = 422
    pointer = "/data/attributes/priceMode"
    default_detail = "Price mode is incorrect."


class GlueAccessTokenMissing(DomainError):
    code = "002"
    status = 403
    pointer = "/headers/Authorization"
    default_detail = "Missing access token."


class GlueValidationFailed(CustomerFieldInvalid):
    """The Glue application's request validation (901, declared once by ``CustomerFieldInvalid``):
    a cart attribute missing or of the wrong kind; ``pointer=`` names it."""

    pointer = "/data/attributes"
    default_detail = "The request attributes are not valid."


class GlueVoucherNotFound(NotFound):
    code = "3301"
    pointer = "/data/attributes/code"
    default_detail = "Cart or voucher with the specified ID is not found."


class GlueVoucherInvalid(DomainError):
    code = "3302"
    status = 422
    pointer = "/data/attributes/code"
    default_detail = "Incorrect voucher code or the voucher cannot be applied."


_ITEM_ERRORS = (ItemNotAvailable, PriceMissing, InsufficientStock)
_BY_FIELD = {("store",): GlueStoreInvalid, ("currency",): GlueCurrencyInvalid, ("price_mode",): GluePriceModeInvalid}


def glue_cart_error(exc: Exception, *, vouchers: bool = False) -> Exception:
    """The error a Glue cart endpoint answers for ``exc``; anything else is returned unchanged."""
    target = None
    if isinstance(exc, CartNotFound):
        target = GlueVoucherNotFound if vouchers else GlueCartNotFound
    elif isinstance(exc, VoucherNotInCart):
        target = GlueVoucherNotFound
    elif isinstance(exc, (VoucherNotFound, VoucherNotApplicable)):
        target = GlueVoucherInvalid
    elif isinstance(exc, ItemNotInCart):
        target = GlueCartItemNotFound
    elif isinstance(exc, _ITEM_ERRORS):
        target = GlueCartItemInvalid
    elif isinstance(exc, QuantityInvalid):
        target = GlueValidationFailed
    elif isinstance(exc, CartAttributeInvalid):
        locked = exc.meta.get("reason") == "cart_has_items"
        target = GluePriceModeLocked if locked else _BY_FIELD.get(exc.field, GlueValidationFailed)
    if target is None:
        return exc
    translated = target(exc.detail, field=exc.field or None, meta={"reason": exc.code, **exc.meta})
    if exc.given_pointer:
        translated.pointer = exc.given_pointer
    return translated


# --- who calls ----------------------------------------------------------------------------


def cart_guest_id(request) -> str:
    """The guest's X-Anonymous-Customer-Unique-Id; guest carts are known by nothing else."""
    guest_id = (request.headers.get(GUEST_HEADER) or "").strip()
    if not guest_id:
        raise GlueAnonymousIdMissing()
    if len(guest_id) > 255 or not guest_id.isprintable():
        raise GuestIdInvalid()
    return guest_id


def cart_customer(request) -> Customer:
    """The customer of the bearer token; a customer's carts need one (a guest id does not do)."""
    authorization = request.headers.get("Authorization")
    if not authorization:
        raise GlueAccessTokenMissing()
    return customer_from_bearer(authorization)
