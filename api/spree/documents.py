"""Spree API v1 JSON (seed 004 and Spree's rabl views): orders, line items, variants, addresses.

Amounts are decimal strings ("15.99") with ``display_*`` amounts ("$15.99"), made here from
the domain's minor units. An order before ``complete`` is a checkout draft shown with its
preview (``checkout.step_checkout.preview``); after, the placed ``Order``.
"""

from __future__ import annotations

from datetime import datetime
from os.path import basename

from django.utils import timezone
from django_countries import countries as country_data

from api.spree.identity import Caller
from checkout.models import CheckoutDraft, Order, OrderState
from checkout.step_checkout import DraftPreview
from core.money import decimal_string, format_money
from payments.models import CreditCard, PaymentPlugin
from shipping.selectors import stock_location_ids_for, variant_availability

S = OrderState


def time(value: datetime | None) -> str | None:
    """Rails' JSON time: 2014-07-06T18:52:33.724Z (the zone's offset outside UTC)."""
    if value is None:
        return None
    local = timezone.localtime(value)
    offset = local.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + zone


class Money:
    def __init__(self, currency: str):
        self.currency = currency

    def amount(self, minor: int) -> str:
        return decimal_string(minor, self.currency)

    def display(self, minor: int) -> str:
        return format_money(minor, self.currency)


# --- catalog -----------------------------------------------------------------------------


def variant_price(variant, currency: str, price_mode: str) -> int | None:
    price = next((p for p in variant.prices.all() if p.currency == currency), None)
    return price.amount_for(price_mode) if price else None


def image_json(variant) -> list[dict]:
    if not variant.image_url:
        return []
    name = basename(variant.image_url.split("?")[0])
    kind = "image/png" if name.lower().endswith(".png") else "image/jpeg"
    return [{
        "id": variant.pk, "position": 1, "attachment_content_type": kind, "attachment_file_name": name,
        "type": "Spree::Image", "attachment_updated_at": None, "attachment_width": None, "attachment_height": None,
        "alt": None, "viewable_type": "Spree::Variant", "viewable_id": variant.pk,
        "mini_url": variant.image_url, "small_url": variant.image_url, "product_url": variant.image_url,
        "large_url": variant.image_url,
    }]


def variant_json(variant, *, store, in_stock: bool) -> dict:
    money = Money(store.default_currency)
    price = variant_price(variant, store.default_currency, store.price_mode)
    product = variant.product
    grams = variant.weight_grams
    return {
        "id": variant.pk, "name": variant.display_name, "sku": variant.sku,
        "product_type": product.product_type, "is_rentable": product.is_rentable,
        "price": money.amount(price) if price is not None else None,
        "weight": f"{grams / 1000:.1f}" if grams is not None else "0.0",
        "height": None, "width": None, "depth": None, "is_master": variant.is_master, "cost_price": None,
        "slug": product.slug, "description": product.description, "track_inventory": variant.track_inventory,
        "display_price": money.display(price) if price is not None else None,
        "options_text": ", ".join(f"{k}: {v}" for k, v in sorted(variant.attributes.items())),
        "in_stock": in_stock, "option_values": [], "images": image_json(variant), "product_id": product.pk,
    }


def stock_for(variants, store) -> dict[int, bool]:
    """Whether each variant is in stock at the store's locations (rentals: whether any unit exists)."""
    ids = [v.pk for v in variants]
    if not ids:
        return {}
    available = variant_availability(variant_ids=ids, location_ids=stock_location_ids_for(store=store))
    return {pk: a.is_available for pk, a in available.items()}


def product_json(product, *, store, in_stock: dict[int, bool]) -> dict:
    variants = sorted(product.variants.all(), key=lambda v: (not v.is_master, v.pk))
    master = variants[0] if variants else None
    money = Money(store.default_currency)
    price = variant_price(master, store.default_currency, store.price_mode) if master else None
    return {
        "id": product.pk, "name": product.name, "description": product.description,
        "price": money.amount(price) if price is not None else None,
        "display_price": money.display(price) if price is not None else None,
        "available_on": time(product.created_at), "slug": product.slug, "meta_description": None,
        "meta_keywords": None, "shipping_category_id": 1, "taxon_ids": [],
        "total_on_hand": None, "has_variants": len(variants) > 1,
        "product_type": product.product_type, "is_rentable": product.is_rentable,
        "master": variant_json(master, store=store, in_stock=in_stock.get(master.pk, False)) if master else None,
        "variants": [variant_json(v, store=store, in_stock=in_stock.get(v.pk, False)) for v in variants[1:]],
        "option_types": [], "product_properties": [], "classifications": [],
    }


# --- addresses, countries ------------------------------------------------------------------


def country_json(country) -> dict:
    return {"id": country.pk, "iso_name": country.name.upper(), "iso": country.iso2_code, "iso3": country.iso3_code,
            "name": country.name, "numcode": country_data.numeric(country.iso2_code)}


def state_json(region) -> dict:
    return {"id": region.pk, "name": region.name, "abbr": region.iso2_code, "country_id": region.country_id}


def address_json(address) -> dict | None:
    if address is None:
        return None
    region = address.region if address.region_id else None
    return {
        "id": address.pk, "firstname": address.first_name, "lastname": address.last_name,
        "full_name": address.full_name, "address1": address.address1, "address2": address.address2 or None,
        "city": address.city, "zipcode": address.zip_code, "phone": address.phone, "company": address.company or None,
        "alternative_phone": None, "country_id": address.country_id, "state_id": address.region_id,
        "state_name": None, "state_text": region.iso2_code if region else None,
        "country": country_json(address.country), "state": state_json(region) if region else None,
    }


# --- payments -------------------------------------------------------------------------------


def card_json(card: CreditCard) -> dict:
    return {"id": card.pk, "month": str(card.month), "year": str(card.year), "cc_type": card.brand or None,
            "last_digits": card.last_digits, "name": card.name}


def payment_method_json(method) -> dict:
    return {"id": method.pk, "name": method.name.title() if method.name.islower() else method.name}


# --- orders ---------------------------------------------------------------------------------


def checkout_steps(total: int) -> list[str]:
    """Spree's list: payment and confirm only when there is something to pay (seed: an empty order)."""
    return ["address", "delivery", *(["payment", "confirm"] if total > 0 else []), "complete"]


def _order_head(*, pk, number, state, money: Money, item_total, total, ship_total, tax_total, included, additional,
                discount, payment_total, user_id, created_at, updated_at, completed_at, shipment_state,
                payment_state, email, special_instructions, channel, rental, quantity, token, can_update) -> dict:
    start, end, zipcode = rental
    return {
        "id": pk, "number": number, "item_total": money.amount(item_total), "total": money.amount(total),
        "ship_total": money.amount(ship_total), "state": state,
        "adjustment_total": money.amount(additional - discount), "user_id": user_id,
        "created_at": time(created_at), "updated_at": time(updated_at), "completed_at": time(completed_at),
        "payment_total": money.amount(payment_total), "shipment_state": shipment_state,
        "payment_state": payment_state, "email": email or None, "special_instructions": special_instructions or None,
        "channel": channel, "included_tax_total": money.amount(included),
        "additional_tax_total": money.amount(additional),
        "display_included_tax_total": money.display(included),
        "display_additional_tax_total": money.display(additional), "tax_total": money.amount(tax_total),
        "currency": money.currency, "rental_start_date": time(start), "rental_end_date": time(end),
        "zipcode": zipcode or None, "display_item_total": money.display(item_total), "total_quantity": quantity,
        "display_total": money.display(total), "display_ship_total": money.display(ship_total),
        "display_tax_total": money.display(tax_total), "token": token, "checkout_steps": checkout_steps(total),
        "permissions": {"can_update": can_update},
    }


def _cards(customer) -> list[CreditCard]:
    if customer is None or customer.is_guest:
        return []
    return list(CreditCard.objects.filter(customer=customer).order_by("-created_at", "-pk"))


def draft_document(preview: DraftPreview, *, caller: Caller) -> dict:
    draft: CheckoutDraft = preview.draft
    money = Money(preview.currency)
    totals = preview.totals
    gross = preview.price_mode == "GROSS_MODE"
    customer = draft.customer
    body = _order_head(
        pk=draft.pk, number=draft.number, state=draft.state, money=money, item_total=totals.subtotal,
        total=totals.grand_total, ship_total=totals.expense_total, tax_total=totals.tax_total,
        included=totals.tax_total if gross else 0, additional=0 if gross else totals.tax_total,
        discount=totals.discount_total, payment_total=0, user_id=customer.user_id if customer else None,
        created_at=draft.created_at, updated_at=draft.updated_at, completed_at=None, shipment_state=None,
        payment_state=None, email=draft.email or (customer.email if customer else ""),
        special_instructions=draft.special_instructions, channel="spree",
        rental=(draft.rental_start_date, draft.rental_end_date, draft.zipcode),
        quantity=sum(i.quantity for i in preview.items), token=draft.token, can_update=True,
    )
    cards = _cards(customer)
    body.update({
        "bill_address": address_json(draft.bill_address), "ship_address": address_json(draft.ship_address),
        "line_items": [draft_line_item_json(item, preview) for item in preview.items],
        "payments": _draft_payments(draft, money, totals.grand_total),
        "shipments": _draft_shipments(preview, money) if draft.state not in (S.CART, S.ADDRESS) else [],
        "adjustments": [], "credit_cards": [card_json(c) for c in cards],
        "default_credit_card": card_json(cards[0]) if cards else {},
    })
    return body


def draft_line_item_json(item, preview: DraftPreview) -> dict:
    money = Money(preview.currency)
    line = preview.lines.get(item.variant.sku)
    unit = line.unit_price if line else 0
    store = preview.draft.store
    return {
        "id": item.pk, "quantity": item.quantity, "price": money.amount(unit), "variant_id": item.variant_id,
        "single_display_amount": money.display(unit), "display_amount": money.display(unit * item.quantity),
        "total": money.amount(unit * item.quantity),
        "variant": variant_json(item.variant, store=store, in_stock=True), "adjustments": [],
    }


def _draft_payments(draft: CheckoutDraft, money: Money, total: int) -> list[dict]:
    method = draft.payment_method
    if method is None:
        return []
    card = draft.credit_card
    return [{
        "id": draft.pk, "source_type": "Spree::CreditCard" if card else None, "source_id": card.pk if card else None,
        "amount": money.amount(total), "display_amount": money.display(total), "payment_method_id": method.pk,
        "response_code": None, "state": "checkout", "avs_response": None, "created_at": time(draft.updated_at),
        "updated_at": time(draft.updated_at), "payment_method": payment_method_json(method),
        "source": card_json(card) if card else None,
    }]


def _rate_json(rate_id: int, method, cost: int, selected: bool, money: Money) -> dict:
    return {"id": rate_id, "name": method.name, "cost": money.amount(cost), "selected": selected,
            "shipping_method_id": method.pk, "display_cost": money.display(cost)}


def shipping_method_json(method) -> dict:
    return {"id": method.pk, "name": method.name,
            "zones": [{"id": z.pk, "name": z.name, "description": z.description} for z in method.zones.all()],
            "shipping_categories": [{"id": 1, "name": "Default"}]}


def _draft_shipments(preview: DraftPreview, money: Money) -> list[dict]:
    draft = preview.draft
    if not preview.rates or not preview.items:
        return []
    selected = preview.selected_rate
    rates = [_rate_json(r.method.pk, r.method, r.price, r is selected, money) for r in preview.rates]
    return [{
        "id": draft.pk, "tracking": None, "number": "H" + draft.number.removeprefix("R"),
        "cost": money.amount(selected.price if selected else 0), "shipped_at": None, "state": "pending",
        "order_id": draft.number, "stock_location_name": preview.stock_location_name,
        "shipping_rates": rates, "selected_shipping_rate": next((r for r in rates if r["selected"]), None),
        "shipping_methods": [shipping_method_json(r.method) for r in preview.rates],
        "manifest": [{"quantity": i.quantity, "states": {"on_hand": i.quantity}, "variant_id": i.variant_id}
                     for i in preview.items],
    }]


# --- a placed order -----------------------------------------------------------------------------


def order_document(order: Order, *, draft: CheckoutDraft | None, caller: Caller) -> dict:
    money = Money(order.currency)
    customer = order.customer
    registered = customer if customer and not customer.is_guest else None
    body = _order_head(
        pk=draft.pk if draft else order.pk, number=order.number, state=order.state, money=money,
        item_total=order.item_total, total=order.grand_total, ship_total=order.expense_total,
        tax_total=order.tax_total, included=order.included_tax_total, additional=order.additional_tax_total,
        discount=order.discount_total, payment_total=order.payment_total,
        user_id=registered.user_id if registered else None, created_at=draft.created_at if draft else order.created_at,
        updated_at=order.updated_at, completed_at=order.completed_at, shipment_state=order.shipment_state,
        payment_state=order.payment_state, email=order.email, special_instructions=order.special_instructions,
        channel="spree" if draft else order.channel,
        rental=(order.rental_start_date, order.rental_end_date, order.zipcode),
        quantity=sum(i.quantity for i in order.line_items.all()), token=order.guest_token, can_update=False,
    )
    cards = _cards(registered)
    body.update({
        "bill_address": address_json(order.bill_address), "ship_address": address_json(order.ship_address),
        "line_items": [order_line_item_json(item, order) for item in order.line_items.all()],
        "payments": [_payment_json(p, money) for p in order.payments.all()],
        "shipments": [_shipment_json(s, order, money) for s in order.shipments.all()],
        "adjustments": [{"id": a.pk, "label": a.label, "amount": money.amount(-a.amount),
                         "display_amount": money.display(-a.amount)} for a in order.adjustments.all()
                        if a.line_item_id is None and a.expense_id is None],
        "credit_cards": [card_json(c) for c in cards], "default_credit_card": card_json(cards[0]) if cards else {},
    })
    return body


def order_line_item_json(item, order: Order) -> dict:
    money = Money(order.currency)
    variant = item.variant
    return {
        "id": item.pk, "quantity": item.quantity, "price": money.amount(item.unit_price),
        "variant_id": item.variant_id, "single_display_amount": money.display(item.unit_price),
        "display_amount": money.display(item.sum_price), "total": money.amount(item.sum_price),
        "variant": variant_json(variant, store=order.store, in_stock=True) if variant else {
            "id": None, "name": item.name, "sku": item.sku, "product_type": item.product_type,
            "is_rentable": item.is_rentable},
        "adjustments": [{"id": a.pk, "label": a.label, "amount": money.amount(-a.amount),
                         "display_amount": money.display(-a.amount)} for a in item.adjustments.all()],
    }


def _payment_json(payment, money: Money) -> dict:
    card = payment.source
    return {
        "id": payment.pk, "source_type": "Spree::CreditCard" if card else None,
        "source_id": card.pk if card else None, "amount": money.amount(payment.amount),
        "display_amount": money.display(payment.amount), "payment_method_id": payment.method_id,
        "response_code": payment.transaction_id or None, "state": payment.state,
        "avs_response": payment.avs_response or None, "created_at": time(payment.created_at),
        "updated_at": time(payment.updated_at), "payment_method": payment_method_json(payment.method),
        "source": card_json(card) if card else None,
    }


def _shipment_json(shipment, order: Order, money: Money) -> dict:
    rates = [_rate_json(r.pk, r.method, r.cost, r.selected, money) for r in shipment.shipping_rates.all()]
    return {
        "id": shipment.pk, "tracking": shipment.tracking or None, "number": shipment.number,
        "cost": money.amount(shipment.cost), "shipped_at": time(shipment.shipped_at), "state": shipment.state,
        "order_id": order.number,
        "stock_location_name": shipment.stock_location.name if shipment.stock_location_id else None,
        "shipping_rates": rates, "selected_shipping_rate": next((r for r in rates if r["selected"]), None),
        "shipping_methods": [shipping_method_json(shipment.method)] if shipment.method_id else [],
        "manifest": [{"quantity": i.quantity, "states": {"on_hand": i.quantity}, "variant_id": i.variant_id}
                     for i in order.line_items.all() if i.shipment_id == shipment.pk],
    }


def payment_methods_json(methods) -> list[dict]:
    return [{**payment_method_json(m), "description": None,
             "method_type": "gateway" if m.plugin == PaymentPlugin.DUMMY_CREDIT_CARD else "check"} for m in methods]
