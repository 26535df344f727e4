"""Elastic Path documents: carts, cart items, orders, order items, transactions, shipping groups.

Carts are rendered over ``checkout.cart_pricing`` (nothing here computes money).
Money at this boundary is Elastic Path's: ``{"amount": <minor units>, "currency", "formatted"}``
(``includes_tax`` on unit prices). Ids: a cart is its client-chosen id, an order its uuid,
a product the variant (``product_id``) and a cart item the line, both as UUIDs.
"""

from __future__ import annotations

import uuid
from datetime import timezone as dt_timezone

from django.utils import timezone

from api.elasticpath.states import ep_order_status, ep_payment_status, ep_shipping_status, order_authorized_amount
from catalog.models import PriceMode
from checkout.cart_pricing import CartLine, PricedCart
from core.money import format_money

# Product and cart item ids are the database ids inside a fixed UUID frame, so they read as
# Elastic Path's UUIDs and map back without a lookup table.
PRODUCT_PREFIX = "5e1ec7ed-0000-4000-8000-"
CART_ITEM_PREFIX = "ca47c0de-0000-4000-8000-"


def framed_id(prefix: str, pk: int) -> str:
    return f"{prefix}{pk:012x}"


def unframed_id(prefix: str, value) -> int | None:
    """The database id inside a framed UUID, or None for anything else."""
    text = str(value or "").strip().lower()
    if not text.startswith(prefix) or len(text) != 36:
        return None
    try:
        uuid.UUID(text)
        return int(text[len(prefix):], 16)
    except ValueError:
        return None


def product_id(variant_id: int) -> str:
    return framed_id(PRODUCT_PREFIX, variant_id)


def cart_item_id(item_id: int) -> str:
    return framed_id(CART_ITEM_PREFIX, item_id)


def money(amount: int, currency: str) -> dict:
    return {"amount": int(amount), "currency": currency, "formatted": format_money(int(amount), currency)}


def stamp(value) -> str | None:
    return timezone.localtime(value, dt_timezone.utc).isoformat().replace("+00:00", "Z") if value else None


# --- carts ------------------------------------------------------------------------------------


def _amounts(unit: int, value: int, currency: str) -> dict:
    return {"unit": money(unit, currency), "value": money(value, currency)}


def cart_item_resource(request, priced: PricedCart, line: CartLine, listed: CartLine) -> dict:
    """One cart item: its price before discounts (``listed``), and its share of the cart's discounts."""
    cart, currency, item = priced.cart, priced.currency, line.item
    includes_tax = cart.price_mode == PriceMode.GROSS
    variant = item.variant
    item_id = cart_item_id(item.pk)
    with_tax = _amounts(listed.unit_price_to_pay, listed.sum_price_to_pay, currency)
    resource = {
        "id": item_id, "type": "cart_item", "product_id": product_id(variant.pk), "name": variant.display_name,
        "description": "", "sku": variant.sku, "slug": variant.sku.lower(),
        "image": {"mime_type": "", "file_name": "", "href": variant.image_url},
        "quantity": line.quantity, "manage_stock": variant.track_inventory,
        "unit_price": {"amount": line.unit_subtotal, "currency": currency, "includes_tax": includes_tax},
        "value": {"amount": line.sum_subtotal, "currency": currency, "includes_tax": includes_tax},
        "links": {"product": request.build_absolute_uri(f"/v2/products/{product_id(variant.pk)}")},
        "meta": {
            "display_price": {
                "with_tax": with_tax,
                "without_tax": _amounts(listed.unit_price_to_pay_without_tax, listed.sum_price_to_pay_without_tax,
                                        currency),
                "tax": _amounts(listed.unit_tax, listed.sum_tax, currency),
                "discount": _amounts(-line.unit_discount, -line.sum_discount, currency),
                "without_discount": with_tax,
            },
            "timestamps": {"created_at": stamp(item.created_at), "updated_at": stamp(item.updated_at)},
        },
    }
    if item.shipping_group_id:
        resource["shipping_group_id"] = str(item.shipping_group.uuid)
    return resource


def cart_display_price(priced: PricedCart) -> dict:
    """What the cart comes to, with the discounts its checkout applies (``checkout.cart_pricing``)."""
    currency = priced.currency
    return {
        "with_tax": money(priced.grand_total, currency), "without_tax": money(priced.net_total, currency),
        "tax": money(priced.tax_total, currency), "discount": money(-priced.discount_total, currency),
        "without_discount": money(priced.total_without_discount, currency),
    }


def cart_timestamps(cart) -> dict:
    return {"created_at": stamp(cart.created_at), "updated_at": stamp(cart.updated_at),
            "expires_at": stamp(cart.expires_at())}


def cart_resource(request, priced: PricedCart) -> dict:
    cart = priced.cart
    relationships = {"items": {"data": [{"type": "cart_item", "id": cart_item_id(line.item.pk)}
                                        for line in priced.lines] or None}}
    if cart.customer_id:
        relationships["customers"] = {"data": [{"type": "customer", "id": cart.customer.reference}]}
    return {
        "id": cart.reference, "type": "cart", "name": cart.name or "Cart", "description": "",
        "links": {"self": request.build_absolute_uri(f"/v2/carts/{cart.reference}")},
        "meta": {"display_price": cart_display_price(priced), "timestamps": cart_timestamps(cart)},
        "relationships": relationships,
    }


def cart_items_document(request, priced: PricedCart) -> dict:
    return {
        "data": [cart_item_resource(request, priced, line, listed) for line, listed in zip(priced.lines,
                                                                                            priced.list_lines)],
        "meta": {"display_price": cart_display_price(priced), "timestamps": cart_timestamps(priced.cart)},
    }


# --- orders -----------------------------------------------------------------------------------


def address_fields(address, *, shipping: bool) -> dict:
    if address is None:
        return {}
    fields = {
        "first_name": address.first_name, "last_name": address.last_name, "company_name": address.company,
        "line_1": address.address1, "line_2": address.address2, "city": address.city,
        "postcode": address.zip_code, "county": address.county, "country": address.country.iso2_code,
        "region": address.region.iso2_code if address.region_id else "",
    }
    if shipping:
        fields = {"first_name": fields.pop("first_name"), "last_name": fields.pop("last_name"),
                  "phone_number": address.phone, **fields, "instructions": address.instructions}
    return fields


def _contact_name(order) -> str:
    customer = order.customer
    if customer is None:
        return ""
    return " ".join(p for p in (customer.first_name, customer.last_name) if p)


def order_display_price(order) -> dict:
    currency = order.currency
    paid = order.payment_total
    return {
        "with_tax": money(order.grand_total, currency),
        "without_tax": money(order.grand_total - order.tax_total, currency),
        "tax": money(order.tax_total, currency),
        "discount": money(-order.discount_total, currency),
        "balance_owing": money(max(order.grand_total - paid, 0) if order.state != "canceled" else 0, currency),
        "paid": money(paid, currency),
        "authorized": money(order_authorized_amount(order), currency),
        "without_discount": money(order.grand_total + order.discount_total, currency),
        "shipping": money(order.expense_total, currency),
    }


def order_resource(request, order) -> dict:
    shipments = list(order.shipments.all())
    ship_address = order.ship_address or (shipments[0].address if shipments else None)
    resource = {
        "type": "order", "id": str(order.uuid), "order_number": order.order_number,
        "external_ref": order.external_ref, "status": ep_order_status(order), "payment": ep_payment_status(order),
        "shipping": ep_shipping_status(order), "anonymized": False,
        "meta": {
            "display_price": order_display_price(order),
            "timestamps": {"created_at": stamp(order.created_at), "updated_at": stamp(order.updated_at)},
        },
        "billing_address": address_fields(order.bill_address, shipping=False),
        "contact": {"email": order.email, "name": _contact_name(order)},
        "shipping_address": address_fields(ship_address, shipping=True),
        "links": {},
        "relationships": {
            "items": {"data": [{"type": "item", "id": str(item.uuid)} for item in order.line_items.all()]},
            "customer": {"data": {"type": "customer", "id": order.customer.reference}
                         if order.customer_id and not order.customer.is_guest else None},
        },
    }
    if shipments:
        resource["relationships"]["shipping_groups"] = {
            "data": [{"type": "shipping_group", "id": s.number} for s in shipments]}
    return resource


def order_item_resource(order, item) -> dict:
    currency = order.currency
    gross_mode = order.price_mode == PriceMode.GROSS
    unit = item.unit_price + item.unit_option_price
    value = unit * item.quantity
    with_tax = item.sum_price_to_pay if gross_mode else item.sum_price_to_pay + item.sum_tax_amount
    without_tax = with_tax - item.sum_tax_amount
    per_unit = lambda amount: amount // item.quantity if item.quantity else 0  # noqa: E731
    return {
        "type": "order_item", "id": str(item.uuid), "quantity": item.quantity,
        "product_id": product_id(item.variant_id) if item.variant_id else None, "name": item.name, "sku": item.sku,
        "unit_price": {"amount": unit, "currency": currency, "includes_tax": gross_mode},
        "value": {"amount": value, "currency": currency, "includes_tax": gross_mode},
        "links": {},
        "meta": {
            "display_price": {
                "with_tax": {"unit": money(per_unit(with_tax), currency), "value": money(with_tax, currency)},
                "without_tax": {"unit": money(per_unit(without_tax), currency), "value": money(without_tax, currency)},
                "tax": {"unit": money(per_unit(item.sum_tax_amount), currency),
                        "value": money(item.sum_tax_amount, currency)},
                "discount": {"unit": money(-per_unit(item.sum_discount_amount), currency),
                             "value": money(-item.sum_discount_amount, currency)},
                "without_discount": {"unit": money(per_unit(with_tax + item.sum_discount_amount), currency),
                                     "value": money(with_tax + item.sum_discount_amount, currency)},
            },
            "timestamps": {"created_at": stamp(order.created_at), "updated_at": stamp(order.updated_at)},
        },
        "relationships": {"order": {"data": {"type": "order", "id": str(order.uuid)}}},
    }


def transaction_resource(order, transaction) -> dict:
    currency = transaction.currency
    refunded = sum(child.amount for child in transaction.children.all() if child.kind == "refund")
    return {
        "id": str(transaction.uuid), "type": "transaction", "reference": str(transaction.payment.uuid),
        "name": "", "custom_reference": "", "gateway": transaction.gateway, "amount": transaction.amount,
        "refunded_amount": refunded, "currency": currency, "transaction_type": transaction.kind,
        "status": "complete",
        "relationships": {"order": {"data": {"type": "order", "id": str(order.uuid)}}},
        "meta": {
            "display_price": money(transaction.amount, currency),
            "display_refunded_amount": {"total": money(refunded, currency)},
            "timestamps": {"created_at": stamp(transaction.created_at), "updated_at": stamp(transaction.created_at)},
        },
    }


# --- shipping groups --------------------------------------------------------------------------


def shipping_group_resource(cart, group) -> dict:
    return {
        "id": str(group.uuid), "type": "shipping_group", "relation": "cart", "cart_id": cart.reference,
        "shipping_type": group.shipping_type, "tracking_reference": group.tracking_reference,
        "address": {
            "first_name": group.first_name, "last_name": group.last_name, "phone_number": group.phone_number,
            "company_name": group.company_name, "line_1": group.line_1, "line_2": group.line_2, "city": group.city,
            "postcode": group.postcode, "county": group.county, "country": group.country, "region": group.region,
            "instructions": group.instructions,
        },
        "relationships": {"items": {"data": [{"type": "cart_item", "id": cart_item_id(i.pk)}
                                             for i in group.items.all()]}},
        "created_at": stamp(group.created_at), "updated_at": stamp(group.updated_at),
    }
