"""What a checkout draft comes to so far: its items priced, the shipping rates it may choose, totals.

Reads only. The order's real totals are computed when it is placed (``checkout.placement``);
this preview runs the same pricing pipeline (``checkout.pricing.calculate``) over the cart,
the chosen shipping method and the discounts the cart gets, so what Spree shows before
``complete`` is what placing charges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from carts.models import CartItem
from catalog.models import Price
from catalog.selectors import tax_rates_for
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.models import CheckoutDraft
from checkout.options import ShipmentMethodOption, checkout_options
from checkout.pricing import DiscountInput, ExpenseInput, ItemInput, LineTotals, Totals, calculate
from checkout.stock_sources import order_stock_locations, ships_from
from discounts.selectors import discounts_for_cart
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


def draft_items(draft: CheckoutDraft, currency: str) -> list[CartItem]:
    if draft.cart_id is None:
        return []
    return list(
        CartItem.objects.filter(cart_id=draft.cart_id).select_related("variant__product__tax_set")
        .prefetch_related(Prefetch("variant__prices", queryset=Price.objects.filter(currency=currency),
                                   to_attr="prices_here"), "variant__prices")
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
    country_id = draft.ship_address.country_id if draft.ship_address_id else store.country_id
    tax_sets = {i.variant.product.tax_set_id for i in items} | ({selected.method.tax_set_id} if selected else set())
    tax_rates = tax_rates_for(tax_set_ids=tax_sets)

    def rate(tax_set_id) -> Decimal:
        return tax_rates.rate(tax_set_id, country_id)

    inputs = [ItemInput(key=i.variant.sku, quantity=i.quantity, unit_price=_unit_price(i, price_mode),
                        tax_rate=rate(i.variant.product.tax_set_id), discountable=not i.variant.product.is_gift_card)
              for i in items]
    expenses = [ExpenseInput(key="shipment-0", name=selected.method.name, unit_price=selected.price,
                             tax_rate=rate(selected.method.tax_set_id), method_key=selected.method.key)] if selected else []
    subtotal = sum(i.unit_price * i.quantity for i in inputs)
    codes = list(draft.cart.vouchers.values_list("code", flat=True)) if draft.cart_id else []
    discounts = discounts_for_cart(store=store, currency=currency, price_mode=price_mode, subtotal=subtotal,
                                   voucher_codes=codes) if inputs else []
    totals = calculate(price_mode=price_mode, items=inputs, expenses=expenses,
                       discounts=[DiscountInput(name=d.name, kind=d.kind, value=d.value, description=d.description,
                                                voucher_code=d.voucher_code, method_keys=d.method_keys)
                                  for d in discounts])
    return DraftPreview(draft=draft, currency=currency, price_mode=price_mode, items=items,
                        lines={line.key: line for line in totals.items}, totals=totals, rates=rates,
                        selected_rate=selected, stock_location_name=_location_name(draft, items) if rates else "")


def _unit_price(item: CartItem, price_mode: str) -> int:
    prices = item.variant.prices_here
    return (prices[0].amount_for(price_mode) or 0) if prices else 0


def _location_name(draft: CheckoutDraft, items: list[CartItem]) -> str:
    """The stock location the draft ships from, picked as placement picks it (checkout.stock_sources)."""
    try:
        ids = order_stock_locations(store=draft.store, zipcode=draft.zipcode)
    except ZipcodeNotServiceable:  # reported by the step rules, not here
        return ""
    in_line_order = sorted(items, key=lambda i: i.variant.sku)  # placement's line items go by sku
    location = ships_from(location_ids=ids, variant_ids=[i.variant_id for i in in_line_order])
    return location.name if location else ""
