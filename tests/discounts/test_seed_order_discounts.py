"""The seed's cart rules, fed to the totals calculator, reproduce order DE--3 (seed 000)."""

from dataclasses import asdict
from decimal import Decimal

import pytest

from pricing import GROSS_MODE, DiscountInput, ExpenseInput, ItemInput, calculate
from discounts.models import CartRuleKind
from tests.discounts.rows import STANDARD, discounts, make_rule, make_voucher

pytestmark = pytest.mark.django_db

VAT = Decimal("19.00")
TEN_PERCENT = "10% Discount for all orders above"
TEN_PERCENT_TEXT = (
    "Get a 10% discount on all orders above certain value depending on the currency and net/gross price. "
    "This discount is not exclusive and can be combined with other discounts."
)
FREE_STANDARD = "Free standard delivery"
FREE_STANDARD_TEXT = (
    "Free standard delivery for all orders above certain value depending on the currency and net/gross price. "
    "This discount is not exclusive and can be combined with other discounts."
)


@pytest.fixture
def seed_rules(standard, express):
    make_rule(FREE_STANDARD, description=FREE_STANDARD_TEXT, kind=CartRuleKind.FREE_SHIPPING,
              minimums={"EUR": 5000}, methods=[standard], priority=10)
    make_rule(TEN_PERCENT, description=TEN_PERCENT_TEXT, percentage="10.00",
              minimums={"EUR": 10000, "USD": 10000}, priority=20)
    make_voucher("SAVE5")  # voucher-only: not in the order, which used no code


def de_3_totals(store, *, codes=()):
    items = [ItemInput("136_24425591", 2, 33265, VAT, unit_option_price=1000)]
    applicable = discounts(store, subtotal=2 * (33265 + 1000), codes=codes)
    return calculate(
        price_mode=GROSS_MODE,
        items=items,
        expenses=[ExpenseInput("shipment-1", "Standard", 490, VAT, method_key=STANDARD)],
        discounts=[DiscountInput(**asdict(d)) for d in applicable],
    )


def test_the_seed_rules_reproduce_order_de_3(de, seed_rules):
    totals = de_3_totals(de)
    assert (totals.subtotal, totals.expense_total, totals.discount_total, totals.tax_total, totals.grand_total) == (
        68530, 490, 7143, 9880, 61877)
    assert [(d.name, d.description, d.voucher_code, d.amount, d.quantity) for d in totals.discounts] == [
        (FREE_STANDARD, FREE_STANDARD_TEXT, None, 490, 1),
        (TEN_PERCENT, TEN_PERCENT_TEXT, None, 6653, 2),
    ]
    assert [u.discount for u in totals.items[0].units] == [3327, 3326]
    assert totals.expenses[0].sum_price_to_pay == 0


def test_with_the_voucher_the_order_gets_five_euros_more_off(de, seed_rules):
    totals = de_3_totals(de, codes=["save5"])
    assert totals.discount_total == 7143 + 500
    assert [d.voucher_code for d in totals.discounts] == [None, None, "SAVE5"]


def test_express_delivery_is_not_made_free_by_the_standard_delivery_rule(de, seed_rules):
    (free, _ten) = discounts(de, subtotal=68530)
    assert free.method_keys == frozenset({STANDARD})
