"""The totals calculator: one pipeline over plain inputs, in integer minor units.

    items → discounts → expenses → tax → totals

Prices are in the order's price mode: gross prices include tax (tax is the part
``rate / (100 + rate)`` of what is paid), net prices exclude it (tax is added,
``rate / 100``). Percentage discounts are taken from item prices (not from product
options) and spread over the discounted units by largest remainder, so a 6653
discount over two equal units is 3327 + 3326.

Rounding rule: tax is computed exactly per unit on what that unit finally costs, then
rounded once per group (all item units; all expense units) by the shop's rule (half
away from zero) and spread back by largest remainder. Every sum of parts therefore
equals its total, and the result does not depend on the order of the lines.
This reproduces the seed documents' orders (DE--3: tax 9880; DE--10: 6283 + 94).

Pure functions, no database: ``checkout.cart_pricing`` feeds it a cart; placement stores its output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from core.money import allocate, percentage_of, round_shares

GROSS_MODE = "GROSS_MODE"
NET_MODE = "NET_MODE"


class DiscountKind:
    PERCENTAGE = "percentage"  # value: percent off item prices
    FIXED = "fixed"  # value: minor units off item prices, spread over the units
    FREE_SHIPPING = "free_shipping"  # the matching expenses cost nothing


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    key: str  # stable and unique in the order, e.g. the sku
    quantity: int
    unit_price: int
    tax_rate: Decimal
    unit_option_price: int = 0
    discountable: bool = True  # gift cards are not


@dataclass(frozen=True)
class ExpenseInput:
    key: str  # e.g. "shipment-1"
    name: str
    unit_price: int
    tax_rate: Decimal
    quantity: int = 1
    kind: str = "SHIPMENT_EXPENSE_TYPE"
    method_key: str = ""  # the shipment method, for free-delivery rules


@dataclass(frozen=True)
class DiscountInput:
    name: str
    kind: str
    value: Decimal | int = 0
    description: str = ""
    voucher_code: str | None = None
    method_keys: frozenset[str] | None = None  # FREE_SHIPPING: only these methods (None: all)


# --- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedDiscount:
    """One discount on one line, unit by unit (``calculatedDiscounts`` of an item or expense)."""

    name: str
    description: str
    voucher_code: str | None
    unit_amounts: tuple[int, ...]

    @property
    def amount(self) -> int:
        return sum(self.unit_amounts)


@dataclass(frozen=True)
class UnitAmounts:
    """What one unit of a line comes to: Glue shows every unit as an item of its own."""

    price: int
    option_price: int
    discount: int
    tax: int

    @property
    def subtotal(self) -> int:
        return self.price + self.option_price

    @property
    def price_to_pay(self) -> int:
        return self.subtotal - self.discount


@dataclass(frozen=True)
class LineTotals:
    key: str
    quantity: int
    unit_price: int
    unit_option_price: int
    tax_rate: Decimal
    units: tuple[UnitAmounts, ...]
    discounts: tuple[AppliedDiscount, ...]
    name: str = ""

    @property
    def sum_price(self) -> int:
        return self.unit_price * self.quantity

    @property
    def sum_option_price(self) -> int:
        return self.unit_option_price * self.quantity

    @property
    def sum_subtotal(self) -> int:
        return self.sum_price + self.sum_option_price

    @property
    def sum_discount(self) -> int:
        return sum(u.discount for u in self.units)

    @property
    def sum_tax(self) -> int:
        return sum(u.tax for u in self.units)

    @property
    def sum_price_to_pay(self) -> int:
        return sum(u.price_to_pay for u in self.units)


@dataclass(frozen=True)
class OrderDiscount:
    """A discount over the whole order (order-level ``calculatedDiscounts``)."""

    name: str
    description: str
    voucher_code: str | None
    amount: int
    quantity: int  # units it was spread over


@dataclass(frozen=True)
class Totals:
    price_mode: str
    items: tuple[LineTotals, ...]
    expenses: tuple[LineTotals, ...]
    discounts: tuple[OrderDiscount, ...] = field(default=())

    @property
    def subtotal(self) -> int:
        return sum(i.sum_subtotal for i in self.items)

    @property
    def expense_total(self) -> int:
        return sum(e.sum_subtotal for e in self.expenses)

    @property
    def discount_total(self) -> int:
        return sum(line.sum_discount for line in (*self.items, *self.expenses))

    @property
    def tax_total(self) -> int:
        return sum(line.sum_tax for line in (*self.items, *self.expenses))

    @property
    def grand_total(self) -> int:
        paid = self.subtotal + self.expense_total - self.discount_total
        return paid if self.price_mode == GROSS_MODE else paid + self.tax_total

    @property
    def net_total(self) -> int:
        """The grand total without tax."""
        return self.grand_total - self.tax_total

    canceled_total = 0
    remuneration_total = 0


# --- the pipeline ---------------------------------------------------------------------------


def calculate(
    *,
    price_mode: str,
    items: list[ItemInput],
    expenses: list[ExpenseInput] = (),
    discounts: list[DiscountInput] = (),
) -> Totals:
    """Every total of an order from its lines, discounts and price mode."""
    if price_mode not in (GROSS_MODE, NET_MODE):
        raise ValueError(f"Unknown price mode {price_mode!r}.")
    _check_unique_keys(items, expenses)
    item_discounts = _spread_item_discounts(items, [d for d in discounts if d.kind != DiscountKind.FREE_SHIPPING])
    expense_discounts = _expense_discounts(expenses, [d for d in discounts if d.kind == DiscountKind.FREE_SHIPPING])
    item_lines = _taxed_lines(price_mode, items, item_discounts)
    expense_lines = _taxed_lines(price_mode, expenses, expense_discounts)
    return Totals(
        price_mode=price_mode,
        items=tuple(item_lines),
        expenses=tuple(expense_lines),
        discounts=_order_discounts(discounts, [*item_lines, *expense_lines]),
    )


def _check_unique_keys(items, expenses) -> None:
    keys = [line.key for line in (*items, *expenses)]
    if len(keys) != len(set(keys)):
        raise ValueError("Line keys must be unique.")
    if any(line.quantity <= 0 for line in (*items, *expenses)):
        raise ValueError("Quantities must be positive.")
    if any(line.unit_price < 0 for line in (*items, *expenses)):
        raise ValueError("Prices must not be negative.")


Spread = dict[str, list[AppliedDiscount]]  # line key -> its discounts, unit by unit


def _spread_item_discounts(items: list[ItemInput], discounts: list[DiscountInput]) -> Spread:
    """Take each discount from what the discountable units still cost, in the given order."""
    units = [(item.key, n) for item in items if item.discountable for n in range(item.quantity)]
    remaining = {unit: _item(items, unit[0]).unit_price for unit in units}
    spread: Spread = {item.key: [] for item in items}
    for discount in discounts:
        base = sum(remaining.values())
        if base == 0:
            break
        if discount.kind == DiscountKind.PERCENTAGE:
            amount = percentage_of(base, discount.value)
        elif discount.kind == DiscountKind.FIXED:
            amount = min(int(discount.value), base)
        else:
            raise ValueError(f"Unknown discount kind {discount.kind!r}.")
        parts = allocate(amount, [remaining[u] for u in units], tie_keys=units)
        per_unit = dict(zip(units, parts))
        for unit, part in per_unit.items():
            remaining[unit] -= part
        for item in items:
            amounts = tuple(per_unit.get((item.key, n), 0) for n in range(item.quantity))
            if any(amounts):
                spread[item.key].append(
                    AppliedDiscount(discount.name, discount.description, discount.voucher_code, amounts)
                )
    return spread


def _item(items: list[ItemInput], key: str) -> ItemInput:
    return next(item for item in items if item.key == key)


def _expense_discounts(expenses: list[ExpenseInput], discounts: list[DiscountInput]) -> Spread:
    spread: Spread = {expense.key: [] for expense in expenses}
    for expense in expenses:
        for discount in discounts:
            if discount.method_keys is None or expense.method_key in discount.method_keys:
                amounts = (expense.unit_price,) * expense.quantity
                spread[expense.key].append(
                    AppliedDiscount(discount.name, discount.description, discount.voucher_code, amounts)
                )
                break  # an expense is free once
    return spread


def _taxed_lines(price_mode: str, lines, spread: Spread) -> list[LineTotals]:
    """Tax every unit on what it finally costs; round the group once, spread by largest remainder."""
    units = []
    for line in lines:
        option = getattr(line, "unit_option_price", 0)
        for n in range(line.quantity):
            discount = sum(d.unit_amounts[n] for d in spread[line.key])
            paid = line.unit_price + option - discount
            units.append((line, n, option, discount, _exact_tax(price_mode, paid, line.tax_rate)))
    taxes = round_shares([u[4] for u in units], tie_keys=[(u[0].key, u[1]) for u in units])
    per_line: dict[str, list[UnitAmounts]] = {line.key: [] for line in lines}
    for (line, _n, option, discount, _exact), tax in zip(units, taxes):
        per_line[line.key].append(UnitAmounts(line.unit_price, option, discount, tax))
    return [
        LineTotals(
            key=line.key, quantity=line.quantity, unit_price=line.unit_price,
            unit_option_price=getattr(line, "unit_option_price", 0), tax_rate=line.tax_rate,
            units=tuple(per_line[line.key]), discounts=tuple(spread[line.key]), name=getattr(line, "name", ""),
        )
        for line in lines
    ]


def _exact_tax(price_mode: str, amount: int, rate: Decimal) -> Fraction:
    rate = Fraction(Decimal(rate))
    if price_mode == GROSS_MODE:
        return Fraction(amount) * rate / (100 + rate)
    return Fraction(amount) * rate / 100


def _order_discounts(discounts: list[DiscountInput], lines: list[LineTotals]) -> tuple[OrderDiscount, ...]:
    result = []
    for discount in discounts:
        applied = [d for line in lines for d in line.discounts if d.name == discount.name]
        amount = sum(d.amount for d in applied)
        if amount:
            quantity = sum(1 for d in applied for unit in d.unit_amounts if unit)
            result.append(OrderDiscount(discount.name, discount.description, discount.voucher_code, amount, quantity))
    return tuple(result)
