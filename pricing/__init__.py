"""The totals pipeline: pure functions over plain inputs, in integer minor units (``pricing.pipeline``).

It sits below every app that prices: ``discounts`` returns its ``DiscountInput`` and
``checkout.cart_pricing`` feeds it a cart. Its only shop import is ``core.money``.
"""

from pricing.pipeline import (
    GROSS_MODE, NET_MODE, AppliedDiscount, DiscountInput, DiscountKind, ExpenseInput, ItemInput, LineTotals,
    OrderDiscount, Totals, UnitAmounts, calculate,
)

__all__ = [
    "GROSS_MODE", "NET_MODE", "AppliedDiscount", "DiscountInput", "DiscountKind", "ExpenseInput", "ItemInput",
    "LineTotals", "OrderDiscount", "Totals", "UnitAmounts", "calculate",
]
