"""What a checkout draft comes to so far: its items priced, the shipping rates it may choose, totals.

Reads only. The order's real totals are computed when it is placed (``checkout.placement``);
this preview prices the cart by the same service (``checkout.cart_pricing.cart_price``) with
the chosen shipping method to the shipping address, so what Spree shows before ``complete``
is what placing charges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carts.models import CartItem
from checkout.cart_pricing import ShipmentToPrice, cart_price
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.models import CheckoutDraft
from checkout.options import ShipmentMethodOption, checkout_options
from pricing import LineTotals, Totals
from shipping.exceptions import ZipcodeNotServiceable
from shipping.models import StockLocation
from shipping.selectors import stock_location_ids_for


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


def draft_items(draft: CheckoutDraft, currency: str) -> list[CartItem]:
    if draft.cart_id is None:
        return []
    return list(
        CartItem.objects.filter(cart_id=draft.cart_id).select_related("variant__product__tax_set")
        .prefetch_related("variant__prices")
        .order_by("id")
    )


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
    items = draft_items(draft, currency)
    rates = draft_rates(draft) if with_rates and items else []
    selected = next((r for r in rates if r.method.pk == draft.shipment_method_id), None)
    totals = _totals(draft, selected) if items else Totals(price_mode=price_mode, items=(), expenses=())
    return DraftPreview(draft=draft, currency=currency, price_mode=price_mode, items=items,
                        lines={line.key: line for line in totals.items}, totals=totals, rates=rates,
                        selected_rate=selected, stock_location_name=_location_name(draft) if rates else "")


def _totals(draft: CheckoutDraft, selected: ShipmentMethodOption | None) -> Totals:
    country_id = draft.ship_address.country_id if draft.ship_address_id else draft.store.country_id
    shipments = []
    if selected:
        shipments.append(ShipmentToPrice(method=selected.method, cost=selected.price, country_id=country_id))
    return cart_price(cart=draft.cart, destination_id=country_id, shipments=shipments).totals


def _location_name(draft: CheckoutDraft) -> str:
    """The stock location that would serve the draft: the zipcode's for a rental, else the store's first."""
    try:
        ids = stock_location_ids_for(store=draft.store, zipcode=draft.zipcode if draft.rental_start_date else "")
    except ZipcodeNotServiceable:  # reported by the step rules, not here
        return ""
    location = StockLocation.objects.filter(pk__in=ids[:1]).first()
    return location.name if location else ""
