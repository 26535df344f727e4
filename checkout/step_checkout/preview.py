"""What a checkout draft comes to so far: its items priced, the shipping rates it may choose, totals.

Reads only. The order's real totals are computed when it is placed (``checkout.placement``);
this preview prices the cart by the same service (``checkout.cart_pricing.cart_price``) with
the chosen shipping method to the shipping address, so what Spree shows before ``complete``
is what placing charges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects

from carts.models import CartItem
from checkout.cart_pricing import ShipmentToPrice, cart_price
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.models import CheckoutDraft
from checkout.options import ShipmentMethodOption, checkout_options
from checkout.priced_items import priced_cart_items
from checkout.stock_sources import order_stock_locations, ships_from
from pricing import LineTotals, Totals
from shipping.exceptions import ZipcodeNotServiceable


@dataclass
class DraftPreview:
    draft: CheckoutDraft
    currency: str
    price_mode: str
    items: list[CartItem]
    lines: dict[str, LineTotals]  # by sku
    totals: Totals
    rates: list[ShipmentMethodOption] = field(default_factory=list)  # offered for the shipping address
    selected_rate: ShipmentMethodOption | None = None
    stock_location_name: str = ""

    @property
    def shipment_cost(self) -> int:
        return self.totals.expense_total


def draft_items(draft: CheckoutDraft, currency: str, *, tax_country_id: int) -> list[CartItem]:
    """The draft's items as the pricing service reads them (taxed where they ship), with the variants' prices."""
    if draft.cart_id is None:
        return []
    items = priced_cart_items(cart=draft.cart, currency=currency, taxed=True, tax_country_id=tax_country_id)
    prefetch_related_objects(items, "variant__prices")
    return items


def draft_rates(draft: CheckoutDraft) -> list[ShipmentMethodOption]:
    """The shipping methods that deliver the draft's cart to its shipping address (none without one)."""
    if draft.ship_address_id is None or draft.cart_id is None:
        return []
    ship_to = AddressInput(iso2_code=draft.ship_address.country.iso2_code)
    options = checkout_options(cart_uuid=draft.cart_uuid, owner={}, customer=None,
                               data=CheckoutData(shipments=(ShipmentInput(address=ship_to),)))
    return options.shipment_methods


def draft_preview(draft: CheckoutDraft, *, with_rates: bool = True) -> DraftPreview:
    store = draft.store
    currency = (draft.cart.currency if draft.cart_id else None) or store.default_currency
    price_mode = draft.cart.price_mode if draft.cart_id else store.price_mode
    country_id = draft.ship_address.country_id if draft.ship_address_id else store.country_id
    items = draft_items(draft, currency, tax_country_id=country_id)
    rates = draft_rates(draft) if with_rates and items else []
    selected = next((r for r in rates if r.method.pk == draft.shipment_method_id), None)
    totals = _totals(draft, items, selected, country_id) if items else Totals(price_mode=price_mode, items=(),
                                                                              expenses=())
    return DraftPreview(draft=draft, currency=currency, price_mode=price_mode, items=items,
                        lines={line.key: line for line in totals.items}, totals=totals, rates=rates,
                        selected_rate=selected, stock_location_name=_location_name(draft, items) if rates else "")


def _totals(draft: CheckoutDraft, items: list[CartItem], selected: ShipmentMethodOption | None,
            country_id: int) -> Totals:
    shipments = []
    if selected:
        shipments.append(ShipmentToPrice(method=selected.method, cost=selected.price, country_id=country_id))
    return cart_price(cart=draft.cart, destination_id=country_id, shipments=shipments, items=items).totals


def _location_name(draft: CheckoutDraft, items: list[CartItem]) -> str:
    """The stock location the draft ships from, picked as placement picks it (checkout.stock_sources)."""
    try:
        ids = order_stock_locations(store=draft.store, zipcode=draft.zipcode)
    except ZipcodeNotServiceable:  # reported by the step rules, not here
        return ""
    in_line_order = sorted(items, key=lambda i: i.variant.sku)  # placement's line items go by sku
    location = ships_from(location_ids=ids, variant_ids=[i.variant_id for i in in_line_order])
    return location.name if location else ""
