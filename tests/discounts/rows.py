"""Rows for the discount tests, built inline (small helpers, no factories)."""

from datetime import datetime, timezone
from decimal import Decimal

from catalog.models import PriceMode, Store
from discounts.models import CartRule, CartRuleAmount, CartRuleKind, CartRuleMinimum, Voucher
from discounts.selectors import discounts_for_cart

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
STANDARD = "spryker_dummy_shipment-standard"


def make_rule(
    name: str = "10% off", *, kind: str = CartRuleKind.PERCENTAGE, percentage: str | None = None,
    minimums: dict[str, int] | None = None, amounts: dict[str, int] | None = None,
    stores=(), methods=(), **fields,
) -> CartRule:
    """A rule that applies from 0 in EUR unless told otherwise; 10% for percentage rules."""
    if kind == CartRuleKind.PERCENTAGE and percentage is None:
        percentage = "10"
    rule = CartRule.objects.create(
        name=name, kind=kind, percentage=Decimal(percentage) if percentage is not None else None, **fields
    )
    for currency, min_subtotal in ({"EUR": 0} if minimums is None else minimums).items():
        CartRuleMinimum.objects.create(rule=rule, currency=currency, min_subtotal=min_subtotal)
    for currency, amount in (amounts or {}).items():
        CartRuleAmount.objects.create(rule=rule, currency=currency, amount=amount)
    rule.stores.set(stores)
    rule.shipment_methods.set(methods)
    return rule


def make_voucher(code: str = "SAVE5", *, rule: CartRule | None = None, **fields) -> Voucher:
    """A voucher for a 5 EUR voucher-only rule unless given a rule."""
    if rule is None:
        rule = make_rule("5 off", kind=CartRuleKind.FIXED, amounts={"EUR": 500}, requires_voucher=True)
    return Voucher.objects.create(code=code, rule=rule, **fields)


def discounts(store: Store, *, subtotal: int = 10000, currency: str = "EUR", price_mode: str = PriceMode.GROSS,
              codes: list[str] = (), at: datetime = NOW):
    return discounts_for_cart(store=store, currency=currency, price_mode=price_mode, subtotal=subtotal,
                              voucher_codes=list(codes), at=at)


def names(store: Store, **kwargs) -> list[str]:
    return [d.name for d in discounts(store, **kwargs)]
