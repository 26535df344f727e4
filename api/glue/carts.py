"""Carts in the Glue dialect: ``carts`` and ``guest-carts`` with their ``items``/``guest-cart-items``.

Rendering over a cart priced by ``checkout.cart_pricing`` (nothing here queries or computes
money), and reading the request documents of the cart endpoints (shape only: the
services decide what is allowed). The shapes are Spryker's cart samples: a cart's id is
its uuid, an item's id and group key are its sku.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings

from api.glue.cart_errors import GlueStoreInvalid, GlueValidationFailed
from api.glue.documents import resource
from api.glue.requests import glue_attributes, requested_includes
from checkout.cart_pricing import CartLine, PricedCart

ITEM_INCLUDES = {"items", "cart-items", "guest-cart-items"}
INCLUDABLE = ITEM_INCLUDES | {"vouchers", "cart-rules"}
_WHOLE_NUMBER = re.compile(r"\s*\d{1,12}\s*")


# --- reading requests ---------------------------------------------------------------------


def cart_includes(request) -> set[str]:
    """What ``?include=`` asks for: ``items`` (also named ``cart-items`` or ``guest-cart-items``),
    ``vouchers``, ``cart-rules``; anything else is a 400."""
    names = requested_includes(request, INCLUDABLE)
    return {"items" if name in ITEM_INCLUDES else name for name in names}


def _text(attributes: dict, name: str, *, required: bool, max_length: int = 255) -> str | None:
    value = attributes.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise GlueValidationFailed(f"{name} is required: a text of at most {max_length} characters.",
                                   pointer=f"/data/attributes/{name}")
    return value.strip()


def _quantity(attributes: dict) -> int:
    """A whole number, as a JSON number or a string of digits (Spryker's samples send both)."""
    value = attributes.get("quantity")
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GlueValidationFailed("quantity is required: a whole number of at least 1.",
                                   pointer="/data/attributes/quantity", meta={"quantity": str(value)[:50]})
    return value


def item_input(request, type_: str) -> tuple[str, int]:
    """sku and quantity of an item to add."""
    attributes = glue_attributes(request, type_)
    return _text(attributes, "sku", required=True), _quantity(attributes)


def quantity_input(request, type_: str) -> int:
    return _quantity(glue_attributes(request, type_))


def voucher_code_input(request, type_: str) -> str:
    return _text(glue_attributes(request, type_), "code", required=True, max_length=100)


def cart_input(request, *, creating: bool) -> dict:
    """name, currency, priceMode and store of a cart (all optional when editing); keyword
    arguments for ``cart_create``/``cart_edit``. Glue serves one store, ``GLUE_STORE``."""
    attributes = glue_attributes(request, "carts")
    store = _text(attributes, "store", required=False)
    if store is not None and store != settings.GLUE_STORE:
        raise GlueStoreInvalid(f"This shop serves the store {settings.GLUE_STORE}.", meta={"store": store})
    return {
        "name": _text(attributes, "name", required=creating),
        "currency": _text(attributes, "currency", required=False),
        "price_mode": _text(attributes, "priceMode", required=False),
    }


# --- rendering ----------------------------------------------------------------------------


def cart_type(guest: bool) -> str:
    return "guest-carts" if guest else "carts"


def item_type(guest: bool) -> str:
    return "guest-cart-items" if guest else "items"


def _number(rate: Decimal) -> int | float:
    return int(rate) if rate == rate.to_integral_value() else float(rate)


def cart_attributes(priced: PricedCart) -> dict:
    cart = priced.cart
    return {
        "priceMode": cart.price_mode,
        "currency": priced.currency,
        "store": cart.store.code,
        "name": cart.name,
        "isDefault": cart.is_default,
        "totals": {
            "expenseTotal": priced.expense_total,
            "discountTotal": priced.discount_total,
            "taxTotal": priced.tax_total,
            "subtotal": priced.subtotal,
            "grandTotal": priced.grand_total,
            "priceToPay": priced.price_to_pay,
        },
        "discounts": [{"displayName": d.name, "amount": d.amount, "code": d.voucher_code} for d in priced.discounts],
        "thresholds": [],
    }


def item_attributes(line: CartLine, price_mode: str) -> dict:
    gross = price_mode == "GROSS_MODE"
    return {
        "sku": line.sku,
        "quantity": line.quantity,
        "groupKey": line.sku,
        "abstractSku": line.item.variant.product.abstract_sku,
        "amount": None,
        "productOfferReference": None,
        "merchantReference": None,
        "calculations": {
            "unitPrice": line.unit_price,
            "sumPrice": line.sum_price,
            "taxRate": _number(line.tax_rate),
            "unitNetPrice": 0 if gross else line.unit_price,
            "sumNetPrice": 0 if gross else line.sum_price,
            "unitGrossPrice": line.unit_price if gross else 0,
            "sumGrossPrice": line.sum_price if gross else 0,
            "unitTaxAmountFullAggregation": line.unit_tax,
            "sumTaxAmountFullAggregation": line.sum_tax,
            "sumSubtotalAggregation": line.sum_subtotal,
            "unitSubtotalAggregation": line.unit_subtotal,
            "unitProductOptionPriceAggregation": line.unit_option_price,
            "sumProductOptionPriceAggregation": line.sum_option_price,
            "unitDiscountAmountAggregation": line.unit_discount,
            "sumDiscountAmountAggregation": line.sum_discount,
            "unitDiscountAmountFullAggregation": line.unit_discount,
            "sumDiscountAmountFullAggregation": line.sum_discount,
            "unitPriceToPayAggregation": line.unit_price_to_pay,
            "sumPriceToPayAggregation": line.sum_price_to_pay,
        },
        "salesUnit": None,
        "selectedProductOptions": [
            {"optionGroupName": option.name, "sku": option.sku, "optionName": option.name,
             "price": option.prices_here[0].amount_for(price_mode) if option.prices_here else None}
            for option in line.item.options_here
        ],
    }


def _cart_path(priced: PricedCart, guest: bool) -> str:
    return f"/{cart_type(guest)}/{priced.cart.uuid}"


def item_resource(request, priced: PricedCart, line: CartLine, *, guest: bool) -> dict:
    return resource(request, item_type(guest), line.sku, item_attributes(line, priced.cart.price_mode),
                    self_path=f"{_cart_path(priced, guest)}/{item_type(guest)}/{line.sku}")


def _discount_resource(request, priced: PricedCart, discount) -> dict:
    """A discount of the cart as Glue's ``vouchers`` (id: the code) or ``cart-rules`` (id: the rule's id)."""
    rule = priced.rule_of(discount)
    expires = rule.valid_to.strftime("%Y-%m-%d %H:%M:%S.%f") if rule and rule.valid_to else None
    attributes = {
        "amount": discount.amount, "code": discount.voucher_code,
        "discountType": "voucher" if discount.voucher_code else "cart_rule", "displayName": discount.name,
        "isExclusive": bool(rule and rule.is_exclusive), "expirationDateTime": expires,
        "discountPromotionAbstractSku": None, "discountPromotionQuantity": None,
    }
    if discount.voucher_code:
        return resource(request, "vouchers", discount.voucher_code, attributes)
    return resource(request, "cart-rules", str(rule.pk) if rule else discount.name, attributes)


def _related(request, priced: PricedCart, guest: bool, includes: set[str]) -> dict[str, list[dict]]:
    """The included resources of one cart, by relationship name."""
    related = {}
    if "items" in includes:
        related[item_type(guest)] = [item_resource(request, priced, line, guest=guest) for line in priced.lines]
    discounts = [_discount_resource(request, priced, d) for d in priced.discounts]
    for name in ("vouchers", "cart-rules"):
        if name in includes:
            related[name] = [d for d in discounts if d["type"] == name]
    return {name: resources for name, resources in related.items() if resources}


def cart_resource(request, priced: PricedCart, *, guest: bool, includes: set[str] = frozenset()) -> dict:
    data = resource(request, cart_type(guest), str(priced.cart.uuid), cart_attributes(priced),
                    self_path=_cart_path(priced, guest))
    if related := _related(request, priced, guest, includes):
        data["relationships"] = {name: {"data": [{"type": r["type"], "id": r["id"]} for r in resources]}
                                 for name, resources in related.items()}
    return data


def _included(request, carts: list[PricedCart], guest: bool, includes: set[str]) -> list[dict]:
    included, seen = [], set()
    for priced in carts:
        for resources in _related(request, priced, guest, includes).values():
            for r in resources:
                if (r["type"], r["id"], r["links"]["self"]) not in seen:
                    seen.add((r["type"], r["id"], r["links"]["self"]))
                    included.append(r)
    return included


def cart_document(request, priced: PricedCart, *, guest: bool, includes: set[str] = frozenset()) -> dict:
    body = {"data": cart_resource(request, priced, guest=guest, includes=includes)}
    if included := _included(request, [priced], guest, includes):
        body["included"] = included
    return body


def carts_document(request, carts: list[PricedCart], *, guest: bool, includes: set[str] = frozenset()) -> dict:
    body = {"data": [cart_resource(request, priced, guest=guest, includes=includes) for priced in carts],
            "links": {"self": request.build_absolute_uri()}}
    if included := _included(request, carts, guest, includes):
        body["included"] = included
    return body
