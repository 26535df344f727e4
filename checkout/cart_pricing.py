"""What a cart comes to: the one service that prices a cart, for every caller. Reads only.

``cart_price`` builds the pricing pipeline's input (``pricing``) from a cart, and nothing
else does: every storefront's cart, the step-by-step checkout's preview and placement call it.

- **Without shipments** (a cart): items are taxed at the rate of ``destination_id`` (a country
  pk; the store's country by default) and there are no expenses; free shipping changes nothing.
- **With shipments**: each one's method is an expense (its cost in the cart's currency, taxed
  in its country), and an item is taxed in the country of the shipment that carries it.

The cart rules and the cart's vouchers apply as at checkout. A voucher that no longer applies
to the cart as it is now (its minimum not reached, expired, used up) is shown as not applied
instead of failing the read; placement (``refuse_vouchers``) refuses it with its reason.

A missing price: an item (or one of its options) without a price in the cart's currency
counts 0 in every read, so a cart never fails to show; placement refuses such a cart with
``CurrencyMismatch`` before pricing it (``is_priced``).

Per-unit amounts (``unit_*``) are the line's sums shared over its units by the shop's
rounding rule, as storefronts show a cart item's unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from carts.models import Cart, CartItem, CartShippingGroup
from catalog.models import PriceMode
from catalog.selectors import TaxRates, tax_rates_for
from checkout.priced_items import option_price, priced_cart_items
from checkout.shipment_methods import shipment_methods_for
from core.money import round_ratio
from customers.models import Country
from discounts.exceptions import VoucherNotApplicable, VoucherNotFound
from discounts.models import CartRule
from discounts.selectors import discounts_and_rules_for_cart
from pricing import ExpenseInput, ItemInput, LineTotals, OrderDiscount, Totals, calculate
from shipping.models import ShipmentMethod


@dataclass(frozen=True)
class ShipmentToPrice:
    """A shipment the cart is priced with: its method, where it goes, which items it carries."""

    method: ShipmentMethod
    cost: int  # the method's price in the cart's currency and price mode
    country_id: int | None
    skus: tuple[str, ...] | None = None  # None: every item of the cart


@dataclass(frozen=True)
class CartLine:
    """One cart item and what it comes to, in the cart's currency and price mode."""

    item: CartItem
    line: LineTotals
    price_mode: str

    @property
    def sku(self) -> str:
        return self.item.variant.sku

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def tax_rate(self) -> Decimal:
        return self.line.tax_rate

    @property
    def unit_price(self) -> int:
        return self.line.unit_price

    @property
    def sum_price(self) -> int:
        return self.line.sum_price

    @property
    def unit_option_price(self) -> int:
        return self.line.unit_option_price

    @property
    def sum_option_price(self) -> int:
        return self.line.sum_option_price

    @property
    def unit_subtotal(self) -> int:
        return self.line.unit_price + self.line.unit_option_price

    @property
    def sum_subtotal(self) -> int:
        return self.line.sum_subtotal

    @property
    def sum_discount(self) -> int:
        return self.line.sum_discount

    @property
    def unit_discount(self) -> int:
        return round_ratio(self.line.sum_discount, self.quantity)

    @property
    def sum_tax(self) -> int:
        return self.line.sum_tax

    @property
    def unit_tax(self) -> int:
        return round_ratio(self.line.sum_tax, self.quantity)

    @property
    def _net(self) -> bool:
        return self.price_mode == PriceMode.NET

    @property
    def sum_price_to_pay(self) -> int:
        """What the line costs the shopper: after discounts, with tax (added in net mode)."""
        return self.sum_subtotal - self.sum_discount + (self.sum_tax if self._net else 0)

    @property
    def unit_price_to_pay(self) -> int:
        return self.unit_subtotal - self.unit_discount + (self.unit_tax if self._net else 0)

    @property
    def sum_price_to_pay_without_tax(self) -> int:
        return self.sum_price_to_pay - self.sum_tax

    @property
    def unit_price_to_pay_without_tax(self) -> int:
        return self.unit_price_to_pay - self.unit_tax


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    currency: str
    lines: tuple[CartLine, ...]
    totals: Totals
    voucher_codes: tuple[str, ...]  # the cart's codes that apply now
    rules: tuple[CartRule, ...] = ()  # the cart rules behind the discounts
    item_inputs: tuple[ItemInput, ...] = ()  # what the lines were priced from

    def rule_of(self, discount: OrderDiscount) -> CartRule | None:
        """The cart rule a discount comes from (a voucher's rule for a discount with a code)."""
        wanted = discount.voucher_code is not None
        return next((r for r in self.rules if r.name == discount.name and r.requires_voucher == wanted), None)

    @cached_property
    def list_lines(self) -> tuple[CartLine, ...]:
        """The lines at list price: what each comes to before any discount (an item's list price)."""
        totals = calculate(price_mode=self.totals.price_mode, items=list(self.item_inputs))
        return tuple(CartLine(item=line.item, line=listed, price_mode=line.price_mode)
                     for line, listed in zip(self.lines, totals.items))

    @property
    def discounts(self) -> tuple[OrderDiscount, ...]:
        return self.totals.discounts

    @property
    def expense_total(self) -> int:
        return self.totals.expense_total

    @property
    def discount_total(self) -> int:
        return self.totals.discount_total

    @property
    def tax_total(self) -> int:
        return self.totals.tax_total

    @property
    def subtotal(self) -> int:
        return self.totals.subtotal

    @property
    def grand_total(self) -> int:
        return self.totals.grand_total

    @property
    def net_total(self) -> int:
        return self.totals.net_total

    @property
    def total_without_discount(self) -> int:
        return self.totals.grand_total + self.totals.discount_total

    @property
    def price_to_pay(self) -> int:
        """The grand total less what gift cards pay (none are applied to carts here)."""
        return self.totals.grand_total




def cart_price(
    *, cart: Cart, destination_id: int | None = None, shipments: Sequence[ShipmentToPrice] = (),
    items: list[CartItem] | None = None, tax_rates: TaxRates | None = None, refuse_vouchers: bool = False,
) -> PricedCart:
    """The cart priced by the totals pipeline: a handful of queries, whatever it holds.

    ``items``: the cart's items as ``priced_cart_items`` read them, when the caller has them
    (placement reads more with them); else they are read here, taxed in ``destination_id``
    (the store's country by default). ``tax_rates``: the rates to tax items and shipments
    with, by the country each goes to (else an item's own ``tax_rate_here``, and the methods'
    rates are read). ``refuse_vouchers``: a code that does not apply raises instead of being
    left out (placement).
    """
    currency = cart.currency or cart.store.default_currency
    if items is None:
        items = priced_cart_items(cart=cart, currency=currency, taxed=True,
                                  tax_country_id=destination_id or cart.store.country_id)
    country_of = {sku: s.country_id for s in shipments for sku in (s.skus or ())}
    default_country = next((s.country_id for s in shipments if s.skus is None), destination_id)
    inputs = [_item_input(item, cart.price_mode, tax_rates, country_of.get(item.variant.sku, default_country))
              for item in items]
    expenses = _expenses(shipments, tax_rates)
    subtotal = sum((i.unit_price + i.unit_option_price) * i.quantity for i in inputs)
    methods = {s.method.pk: s.method.key for s in shipments}
    discounts, rules, codes = _discounts(cart, currency, subtotal, methods, refuse=refuse_vouchers)
    totals = calculate(price_mode=cart.price_mode, items=inputs, expenses=expenses, discounts=discounts)
    lines = tuple(CartLine(item=item, line=line, price_mode=cart.price_mode) for item, line in zip(items, totals.items))
    return PricedCart(cart=cart, currency=currency, lines=lines, totals=totals, voucher_codes=tuple(codes),
                      rules=tuple(rules), item_inputs=tuple(inputs))


def is_priced(item: CartItem, price_mode: str) -> bool:
    """Whether the item and each of its options have a price in the currency it was read in."""
    return item.unit_price_here is not None and all(option_price(o, price_mode) is not None
                                                    for o in item.options_here)


def _item_input(item: CartItem, price_mode: str, rates: TaxRates | None, country_id: int | None) -> ItemInput:
    if rates is not None:
        rate = rates.rate(item.variant.product.tax_set_id, country_id)
    else:
        rate = item.tax_rate_here if getattr(item, "tax_rate_here", None) is not None else Decimal(0)
    return ItemInput(
        key=item.variant.sku, quantity=item.quantity, unit_price=item.unit_price_here or 0, tax_rate=rate,
        unit_option_price=sum(option_price(o, price_mode) or 0 for o in item.options_here),
        discountable=not item.variant.product.is_gift_card,
    )


def _expenses(shipments: Sequence[ShipmentToPrice], rates: TaxRates | None) -> list[ExpenseInput]:
    if shipments and rates is None:
        rates = tax_rates_for(tax_set_ids={s.method.tax_set_id for s in shipments})
    return [
        ExpenseInput(key=f"shipment-{n}", name=s.method.name, unit_price=s.cost,
                     tax_rate=rates.rate(s.method.tax_set_id, s.country_id), method_key=s.method.key)
        for n, s in enumerate(shipments)
    ]


def _discounts(cart: Cart, currency: str, subtotal: int, methods: dict[int, str], *, refuse: bool):
    """The discounts the cart gets now, leaving out codes that do not apply (any more) unless ``refuse``."""
    # A cart just read under lock knows whether it has codes (``has_vouchers``); others are asked.
    codes = [voucher.code for voucher in cart.vouchers.all()] if getattr(cart, "has_vouchers", True) else []
    for _ in range(len(codes) + 1):
        try:
            found, rules = discounts_and_rules_for_cart(
                store=cart.store, currency=currency, price_mode=cart.price_mode, subtotal=subtotal,
                voucher_codes=codes, with_shipment_methods=bool(methods), shipment_methods=methods or None)
            return found, rules, codes
        except (VoucherNotFound, VoucherNotApplicable) as refused:
            if refuse:
                raise
            refused_code = str(refused.meta.get("code", "")).strip().lower()
            remaining = [code for code in codes if code.strip().lower() != refused_code]
            if len(remaining) == len(codes):
                remaining = codes[1:]
            codes = remaining
    return [], [], []


def cart_price_as_grouped(*, cart: Cart) -> PricedCart:
    """The cart with its shipping groups as the shipments they become at checkout.

    Each group that carries items ships them by its method to its country; items in no
    group are priced as in a cart (taxed in the store's country, no shipment). A group's
    method without a price in the cart's currency costs 0 here (checkout refuses it).
    """
    currency = cart.currency or cart.store.default_currency
    items = priced_cart_items(cart=cart, currency=currency, taxed=True, tax_country_id=cart.store.country_id)
    groups = _groups_of(items)
    if not groups:
        return cart_price(cart=cart, items=items)
    countries = dict(Country.objects.filter(iso2_code__in={g.country.strip().upper() for g in groups})
                     .values_list("iso2_code", "pk"))
    methods = shipment_methods_for(cart=cart, currency=currency, ids=[g.shipment_method_id for g in groups])
    shipments = [
        ShipmentToPrice(method=methods[g.shipment_method_id], cost=methods[g.shipment_method_id].cost_here or 0,
                        country_id=countries.get(g.country.strip().upper()),
                        skus=tuple(i.variant.sku for i in items if i.shipping_group_id == g.pk))
        for g in groups if g.shipment_method_id in methods
    ]
    rates = tax_rates_for(tax_set_ids={i.variant.product.tax_set_id for i in items}
                          | {s.method.tax_set_id for s in shipments})
    return cart_price(cart=cart, items=items, destination_id=cart.store.country_id, shipments=shipments,
                      tax_rates=rates)


def _groups_of(items: list[CartItem]) -> list[CartShippingGroup]:
    """The shipping groups that carry some of ``items``, each item's group set on it (no query per item)."""
    ids = {item.shipping_group_id for item in items} - {None}
    groups = {g.pk: g for g in CartShippingGroup.objects.filter(pk__in=ids).order_by("pk")} if ids else {}
    for item in items:
        if item.shipping_group_id:
            item.shipping_group = groups[item.shipping_group_id]
    return list(groups.values())
