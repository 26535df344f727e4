"""What a cart comes to before checkout: its items priced by the totals pipeline. Reads only.

A cart has no address and no shipment yet, so items are taxed at the rate of the store's
country and there are no expenses; the cart rules and the cart's vouchers apply as at
checkout (``checkout/pricing.py``, the same pipeline). A voucher that no longer applies
to the cart as it is now (its minimum not reached, expired, used up) is shown as not
applied instead of failing the read: checkout refuses it with its reason. An item
without a price in the cart's currency counts 0 here; checkout refuses it.

Per-unit amounts (``unit_*``) are the line's sums shared over its units by the shop's
rounding rule, as Glue's cart items show them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal


from carts.models import Cart, CartItem
from catalog.models import PriceMode
from checkout.priced_items import option_price, priced_cart_items
from checkout.pricing import DiscountInput, ItemInput, LineTotals, OrderDiscount, Totals, calculate
from core.money import round_ratio
from discounts.exceptions import VoucherNotApplicable, VoucherNotFound
from discounts.models import CartRule
from discounts.selectors import discounts_and_rules_for_cart


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


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    currency: str
    lines: tuple[CartLine, ...]
    totals: Totals
    voucher_codes: tuple[str, ...]  # the cart's codes that apply now
    rules: tuple[CartRule, ...] = ()  # the cart rules behind the discounts

    def rule_of(self, discount: OrderDiscount) -> CartRule | None:
        """The cart rule a discount comes from (a voucher's rule for a discount with a code)."""
        wanted = discount.voucher_code is not None
        return next((r for r in self.rules if r.name == discount.name and r.requires_voucher == wanted), None)

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
    def price_to_pay(self) -> int:
        """The grand total less what gift cards pay (none are applied to carts here)."""
        return self.totals.grand_total


def cart_totals(*, cart: Cart) -> PricedCart:
    """The cart priced by the totals pipeline: a handful of queries, whatever it holds."""
    currency = cart.currency or cart.store.default_currency
    items = priced_cart_items(cart=cart, currency=currency, taxed=True,
                              tax_country_id=cart.store.country_id)
    inputs = [
        ItemInput(
            key=item.variant.sku, quantity=item.quantity, unit_price=item.unit_price_here or 0,
            tax_rate=item.tax_rate_here if item.tax_rate_here is not None else Decimal(0),
            unit_option_price=sum(option_price(o, cart.price_mode) or 0 for o in item.options_here),
            discountable=not item.variant.product.is_gift_card,
        )
        for item in items
    ]
    subtotal = sum((i.unit_price + i.unit_option_price) * i.quantity for i in inputs)
    discounts, rules, codes = _discounts(cart, currency, subtotal)
    totals = calculate(price_mode=cart.price_mode, items=inputs,
                       discounts=[DiscountInput(**asdict(d)) for d in discounts])
    lines = tuple(CartLine(item=item, line=line, price_mode=cart.price_mode) for item, line in zip(items, totals.items))
    return PricedCart(cart=cart, currency=currency, lines=lines, totals=totals, voucher_codes=tuple(codes),
                      rules=tuple(rules))


def _discounts(cart: Cart, currency: str, subtotal: int):
    """The discounts the cart gets now, leaving out codes that do not apply (any more)."""
    # A cart just read under lock knows whether it has codes (``has_vouchers``); others are asked.
    codes = [voucher.code for voucher in cart.vouchers.all()] if getattr(cart, "has_vouchers", True) else []
    for _ in range(len(codes) + 1):
        try:
            found, rules = discounts_and_rules_for_cart(store=cart.store, currency=currency,
                                                        price_mode=cart.price_mode, subtotal=subtotal,
                                                        voucher_codes=codes, with_shipment_methods=False)
            return found, rules, codes
        except (VoucherNotFound, VoucherNotApplicable) as refused:
            refused_code = str(refused.meta.get("code", "")).strip().lower()
            remaining = [code for code in codes if code.strip().lower() != refused_code]
            if len(remaining) == len(codes):
                remaining = codes[1:]
            codes = remaining
    return [], [], []
