"""The totals calculator, checked against the seed documents' orders and by properties."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing import (
    GROSS_MODE, NET_MODE, DiscountInput, DiscountKind, ExpenseInput, ItemInput, calculate,
)

VAT = Decimal("19.00")
TEN_PERCENT = DiscountInput("10% Discount for all orders above", DiscountKind.PERCENTAGE, Decimal("10"))
FREE_STANDARD = DiscountInput("Free standard delivery", DiscountKind.FREE_SHIPPING, method_keys=frozenset({"standard"}))


def test_seed_000_order_de_3_two_chromebooks_with_options_and_two_discounts():
    totals = calculate(
        price_mode=GROSS_MODE,
        items=[ItemInput("136_24425591", 2, 33265, VAT, unit_option_price=1000)],
        expenses=[ExpenseInput("shipment-1", "Standard", 490, VAT, method_key="standard")],
        discounts=[FREE_STANDARD, TEN_PERCENT],
    )
    assert (totals.subtotal, totals.expense_total, totals.discount_total, totals.tax_total, totals.grand_total) == (
        68530, 490, 7143, 9880, 61877)
    units = totals.items[0].units
    assert [u.discount for u in units] == [3327, 3326]
    assert [u.price_to_pay for u in units] == [30938, 30939]
    assert [u.tax for u in units] == [4940, 4940]
    assert [u.subtotal for u in units] == [34265, 34265]
    expense = totals.expenses[0]
    assert (expense.sum_discount, expense.sum_tax, expense.sum_price_to_pay) == (490, 0, 0)
    assert [(d.name, d.amount, d.quantity) for d in totals.discounts] == [
        ("Free standard delivery", 490, 1), ("10% Discount for all orders above", 6653, 2)]


def test_seed_002_order_de_10_items_and_shipping_are_rounded_as_separate_groups():
    totals = calculate(
        price_mode=GROSS_MODE,
        items=[ItemInput("066_23294028", 1, 39353, VAT)],
        expenses=[ExpenseInput("shipment-18", "Express", 590, VAT)],
    )
    assert (totals.items[0].sum_tax, totals.expenses[0].sum_tax) == (6283, 94)
    assert (totals.subtotal, totals.expense_total, totals.tax_total, totals.grand_total) == (39353, 590, 6377, 39943)


def test_seed_002_bundle_order_de_3_mixes_tax_free_and_taxed_items():
    totals = calculate(
        price_mode=GROSS_MODE,
        items=[ItemInput("112_312526171", 4, 43723, Decimal("0")), ItemInput("047_26408568", 4, 5724, VAT)],
        expenses=[ExpenseInput("shipment-1", "Standard", 490, VAT), ExpenseInput("shipment-2", "Standard", 490, VAT)],
    )
    assert (totals.subtotal, totals.expense_total, totals.tax_total, totals.grand_total) == (197788, 980, 3812, 198768)
    assert [u.tax for u in totals.items[1].units] == [914, 914, 914, 914]
    assert [e.sum_tax for e in totals.expenses] == [78, 78]


def test_net_mode_adds_tax_on_top():
    totals = calculate(price_mode=NET_MODE, items=[ItemInput("ROR-00011", 1, 1599, Decimal("7.25"))],
                       expenses=[ExpenseInput("s", "UPS Ground", 500, Decimal("0"))])
    assert totals.tax_total == 116  # 1599 × 7.25 % = 115.93
    assert totals.grand_total == 1599 + 500 + 116
    assert totals.net_total == 2099


def test_a_fixed_discount_never_exceeds_what_the_items_cost():
    totals = calculate(price_mode=GROSS_MODE, items=[ItemInput("a", 1, 300, VAT)],
                       discounts=[DiscountInput("Voucher", DiscountKind.FIXED, 500, voucher_code="SAVE5")])
    assert totals.discount_total == 300
    assert totals.grand_total == 0
    assert totals.items[0].discounts[0].voucher_code == "SAVE5"


def test_discounts_stack_on_what_is_left():
    totals = calculate(price_mode=GROSS_MODE, items=[ItemInput("a", 1, 1000, VAT)],
                       discounts=[TEN_PERCENT, DiscountInput("5 off", DiscountKind.FIXED, 500)])
    assert [d.amount for d in totals.items[0].discounts] == [100, 500]


def test_gift_cards_are_not_discounted():
    totals = calculate(price_mode=GROSS_MODE,
                       items=[ItemInput("GC_050", 1, 5000, Decimal("0"), discountable=False), ItemInput("a", 1, 1000, VAT)],
                       discounts=[TEN_PERCENT])
    assert [i.sum_discount for i in totals.items] == [0, 100]


def test_free_shipping_only_for_the_methods_it_names():
    totals = calculate(price_mode=GROSS_MODE, items=[ItemInput("a", 1, 1000, VAT)],
                       expenses=[ExpenseInput("s1", "Express", 590, VAT, method_key="express")],
                       discounts=[FREE_STANDARD])
    assert totals.expenses[0].sum_discount == 0
    assert totals.discounts == ()


@pytest.mark.parametrize("bad", [
    dict(items=[ItemInput("a", 0, 100, VAT)]),
    dict(items=[ItemInput("a", 1, -1, VAT)]),
    dict(items=[ItemInput("a", 1, 100, VAT), ItemInput("a", 1, 100, VAT)]),
])
def test_bad_lines_are_refused(bad):
    with pytest.raises(ValueError):
        calculate(price_mode=GROSS_MODE, **bad)


# --- properties ----------------------------------------------------------------------------

rates = st.sampled_from([Decimal("0"), Decimal("7"), Decimal("7.25"), Decimal("19"), Decimal("20"), Decimal("21")])
items = st.lists(
    st.builds(lambda n, q, p, r, o, d: ItemInput(f"sku-{n}", q, p, r, unit_option_price=o, discountable=d),
              st.integers(0, 10**6), st.integers(1, 5), st.integers(0, 500_000), rates,
              st.sampled_from([0, 0, 500, 1000]), st.booleans()),
    min_size=1, max_size=6, unique_by=lambda i: i.key,
)
expenses = st.lists(
    st.builds(lambda n, p, r, m: ExpenseInput(f"shipment-{n}", "Shipping", p, r, method_key=m),
              st.integers(0, 100), st.integers(0, 5000), rates, st.sampled_from(["standard", "express"])),
    max_size=3, unique_by=lambda e: e.key,
)
discounts = st.lists(st.one_of(
    st.builds(lambda v: DiscountInput(f"{v}% off", DiscountKind.PERCENTAGE, Decimal(v)), st.integers(1, 100)),
    st.builds(lambda v: DiscountInput(f"{v} off", DiscountKind.FIXED, v), st.integers(1, 100_000)),
    st.just(FREE_STANDARD),
), max_size=3, unique_by=lambda d: d.name)
modes = st.sampled_from([GROSS_MODE, NET_MODE])


@settings(max_examples=300, deadline=None)
@given(mode=modes, items=items, expenses=expenses, discounts=discounts)
def test_totals_identities_hold_for_any_order(mode, items, expenses, discounts):
    totals = calculate(price_mode=mode, items=items, expenses=expenses, discounts=discounts)
    lines = [*totals.items, *totals.expenses]
    paid = totals.subtotal + totals.expense_total - totals.discount_total
    assert totals.grand_total == (paid if mode == GROSS_MODE else paid + totals.tax_total)
    assert totals.subtotal == sum(i.sum_subtotal for i in totals.items)
    assert totals.discount_total == sum(line.sum_discount for line in lines)
    assert totals.discount_total == sum(d.amount for d in totals.discounts)
    assert totals.tax_total == sum(u.tax for line in lines for u in line.units)
    for line in lines:
        assert line.sum_price_to_pay == line.sum_subtotal - line.sum_discount
        assert sum(d.amount for d in line.discounts) == line.sum_discount
        for unit in line.units:
            assert 0 <= unit.discount <= unit.price
            assert unit.tax >= 0 and unit.price_to_pay >= 0
            if mode == GROSS_MODE:
                assert unit.tax <= unit.price_to_pay


@settings(max_examples=200, deadline=None)
@given(mode=modes, items=items, expenses=expenses, discounts=discounts, seed=st.integers(0, 1000))
def test_the_result_does_not_depend_on_the_order_of_the_lines(mode, items, expenses, discounts, seed):
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    first = calculate(price_mode=mode, items=items, expenses=expenses, discounts=discounts)
    second = calculate(price_mode=mode, items=shuffled, expenses=expenses, discounts=discounts)
    assert second.grand_total == first.grand_total and second.tax_total == first.tax_total
    assert {i.key: i.units for i in second.items} == {i.key: i.units for i in first.items}


@settings(max_examples=200, deadline=None)
@given(items=items, expenses=expenses)
def test_rounded_tax_is_within_one_cent_of_the_exact_tax_per_group(items, expenses):
    totals = calculate(price_mode=GROSS_MODE, items=items, expenses=expenses)
    for group in (totals.items, totals.expenses):
        exact = sum(
            Fraction(u.price_to_pay) * Fraction(line.tax_rate) / (100 + Fraction(line.tax_rate))
            for line in group for u in line.units
        )
        assert abs(sum(line.sum_tax for line in group) - exact) <= Fraction(1, 2)
