"""core.money: integer minor units, one rounding rule, and allocation that always adds up."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import (
    UnknownCurrency,
    allocate,
    decimal_string,
    exponent,
    format_money,
    from_decimal,
    percentage_of,
    round_ratio,
    round_shares,
    to_decimal,
)

# --- round_ratio: halves away from zero, exact -------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (10, 1, 10),
        (0, 7, 0),
        (1, 3, 0),  # 0.333…
        (2, 3, 1),  # 0.666…
        (1, 2, 1),  # 0.5: away from zero, not to even
        (5, 2, 3),  # 2.5: away from zero, not to even (banker's rounding would give 2)
        (3, 2, 2),  # 1.5
        (-1, 2, -1),  # -0.5: away from zero
        (-5, 2, -3),  # -2.5
        (-1, 3, 0),  # -0.333…
        (-2, 3, -1),  # -0.666…
        (7, -2, -4),  # a negative denominator: -3.5
        (-7, -2, 4),  # both negative: 3.5
        (Fraction(1264070, 119), 1, 10622),  # 19% included in 66530: 10622.44…
        (66530 * 19, 119, 10622),
        (49999, 10000, 5),  # 4.9999
        (14999, 10000, 1),  # 1.4999: just under the half
        (15000, 10000, 2),  # 1.5000: exactly the half
    ],
)
def test_round_ratio_rounds_halves_away_from_zero(numerator, denominator, expected):
    assert round_ratio(numerator, denominator) == expected


def test_round_ratio_is_exact_where_floats_are_not():
    # 0.285 * 100 is 28.499999999999996 in binary floating point; the exact value is 28.5.
    assert round(0.285 * 100) == 28
    assert round_ratio(Fraction("0.285") * 100) == 29


def test_round_ratio_refuses_a_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        round_ratio(1, 0)


# --- percentage_of ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (66530, 10, 6653),
        (66530, "10", 6653),
        (66530, Decimal("10.00"), 6653),
        (1999, "19", 380),  # 379.81
        (5, "10", 1),  # 0.5 rounds up
        (4, "10", 0),  # 0.4 rounds down
        (1000, "7.25", 73),  # 72.5 rounds away from zero
        (-1000, "7.25", -73),  # and so does -72.5
        (1000, 0, 0),
        (1000, 100, 1000),
        (12345, "33.333", 4115),  # 4114.9589…
    ],
)
def test_percentage_of_applies_the_shop_rounding_rule(amount, percent, expected):
    assert percentage_of(amount, percent) == expected


# --- allocate: largest remainder ---------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (6653, [1, 1], [3327, 3326]),  # the remainder goes to the earlier of equal parts
        (6653, [5000, 5000], [3327, 3326]),
        (100, [1, 1, 1], [34, 33, 33]),
        (100, [1, 2], [33, 67]),  # 33.33 + 66.66…: the missing unit goes to the larger remainder
        (10, [3, 3, 4], [3, 3, 4]),  # exact shares need no remainder
        (5, [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]),  # fewer units than parts
        (0, [1, 2, 3], [0, 0, 0]),
        (7, [0, 1], [0, 7]),  # a zero weight gets nothing
        (7, [0, 0, 0], [3, 2, 2]),  # all weights zero: an equal split
        (-6653, [1, 1], [-3327, -3326]),  # negative totals mirror positive ones
        (-100, [1, 1, 1], [-34, -33, -33]),
        (-7, [0, 0], [-4, -3]),
        (999, [1], [999]),
        (10, [2999, 7001], [3, 7]),
    ],
)
def test_allocate_splits_by_largest_remainder(total, weights, expected):
    assert allocate(total, weights) == expected


def test_allocate_refuses_no_weights():
    with pytest.raises(ValueError, match="no weights"):
        allocate(100, [])


def test_allocate_refuses_negative_weights():
    with pytest.raises(ValueError, match="negative"):
        allocate(100, [1, -1])


def test_allocate_does_not_change_the_weights_it_is_given():
    weights = [0, 0]
    allocate(5, weights)
    assert weights == [0, 0]


def test_allocate_gives_ties_to_the_smallest_tie_key_rather_than_the_earliest_part():
    assert allocate(6653, [1, 1], tie_keys=["line-b", "line-a"]) == [3326, 3327]
    assert allocate(100, [1, 1, 1], tie_keys=[3, 1, 2]) == [33, 34, 33]


# --- round_shares: exact shares to whole units, summing to the rounded total -----------------


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([], []),
        ([10, 20], [10, 20]),  # whole shares stay as they are
        ([Fraction(5, 2), Fraction(5, 2)], [3, 2]),  # total 5: the tie goes to the earlier share
        ([Fraction(1, 3)] * 3, [1, 0, 0]),  # total 1
        ([Fraction(1, 2)] * 3, [1, 1, 0]),  # total 1.5 rounds to 2
        ([Fraction(1, 4), Fraction(1, 4)], [1, 0]),  # total 0.5 rounds away from zero to 1
        ([Fraction(1, 5), Fraction(1, 5)], [0, 0]),  # total 0.4 rounds to 0
        ([Fraction(7, 10), Fraction(29, 10)], [1, 3]),  # total 3.6 -> 4: both round up
        ([Fraction(-5, 2), Fraction(-5, 2)], [-3, -2]),  # negative shares mirror positive ones
        ([0, Fraction(-1, 2)], [0, -1]),  # zero goes with either sign
    ],
)
def test_round_shares_rounds_the_total_once_and_hands_out_units_by_largest_remainder(shares, expected):
    assert round_shares(shares) == expected


def test_round_shares_gives_ties_to_the_smallest_tie_key():
    assert round_shares([Fraction(5, 2), Fraction(5, 2)], tie_keys=[("b", 1), ("a", 2)]) == [2, 3]


def test_round_shares_refuses_shares_of_mixed_signs():
    with pytest.raises(ValueError, match="same sign"):
        round_shares([Fraction(1, 2), Fraction(-1, 2)])


# --- decimal strings and formatting --------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (1599, "EUR", "15.99"),
        (5, "EUR", "0.05"),
        (0, "USD", "0.00"),
        (100, "USD", "1.00"),
        (-500, "USD", "-5.00"),
        (-5, "EUR", "-0.05"),
        (123456789, "GBP", "1234567.89"),
        (1200, "JPY", "1200"),  # no minor unit
    ],
)
def test_decimal_string_always_shows_the_currency_decimals(amount, currency, expected):
    assert decimal_string(amount, currency) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (39353, "EUR", "€393.53"),
        (1599, "USD", "$15.99"),
        (-500, "USD", "-$5.00"),
        (-5, "EUR", "-€0.05"),
        (0, "GBP", "£0.00"),
        (123456789, "EUR", "€1,234,567.89"),
        (1200, "JPY", "¥1,200"),
        (1000, "CHF", "CHF 10.00"),
        (250000, "PLN", "zł 2,500.00"),
    ],
)
def test_format_money_shows_symbol_sign_and_thousands(amount, currency, expected):
    assert format_money(amount, currency) == expected


@pytest.mark.parametrize("convert", [format_money, decimal_string, to_decimal])
def test_an_unknown_currency_is_refused(convert):
    with pytest.raises(UnknownCurrency, match="XXX"):
        convert(100, "XXX")


def test_exponent_is_the_number_of_minor_unit_digits():
    assert (exponent("EUR"), exponent("JPY")) == (2, 0)


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("15.99", "EUR", 1599),
        (Decimal("15.99"), "EUR", 1599),
        ("15.999", "USD", 1600),
        ("15.995", "EUR", 1600),  # the half rounds up…
        ("15.994", "EUR", 1599),
        ("-15.995", "EUR", -1600),  # …and away from zero when negative
        ("0.005", "EUR", 1),
        ("0.004", "EUR", 0),
        (12, "EUR", 1200),
        ("1200", "JPY", 1200),
        ("12.5", "JPY", 13),
        ("12.4", "JPY", 12),
    ],
)
def test_from_decimal_converts_major_units_to_minor_units_rounding_half_up(value, currency, expected):
    assert from_decimal(value, currency) == expected


@pytest.mark.parametrize(("amount", "currency"), [(1599, "EUR"), (-5, "USD"), (1200, "JPY"), (0, "GBP")])
def test_decimal_string_and_from_decimal_round_trip(amount, currency):
    assert to_decimal(amount, currency) == Decimal(decimal_string(amount, currency))
    assert from_decimal(decimal_string(amount, currency), currency) == amount


# --- allocate: properties ----------------------------------------------------------------

totals = st.integers(min_value=-(10**12), max_value=10**12)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=25)


@settings(max_examples=500)
@given(total=totals, weights=weight_lists)
def test_allocated_parts_always_sum_to_the_total(total, weights):
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total


@settings(max_examples=500)
@given(total=totals, weights=weight_lists)
def test_each_allocated_part_is_within_one_unit_of_its_exact_share(total, weights):
    weight_sum = sum(weights)
    shares = (
        [Fraction(total * w, weight_sum) for w in weights]
        if weight_sum
        else [Fraction(total, len(weights))] * len(weights)
    )
    for part, share in zip(allocate(total, weights), shares, strict=True):
        assert abs(part - share) < 1
        assert part == 0 or (part > 0) == (total > 0)  # never the opposite sign


@given(total=totals, weights=weight_lists)
def test_allocate_is_deterministic(total, weights):
    assert allocate(total, list(weights)) == allocate(total, list(weights))


@given(total=totals, weights=weight_lists)
def test_allocating_a_negative_total_mirrors_the_positive_one(total, weights):
    assert allocate(-total, weights) == [-p for p in allocate(total, weights)]


@given(numerator=st.integers(-(10**9), 10**9), denominator=st.integers(1, 10**6))
def test_round_ratio_is_never_more_than_half_a_unit_off(numerator, denominator):
    exact = Fraction(numerator, denominator)
    rounded = round_ratio(numerator, denominator)
    assert abs(rounded - exact) <= Fraction(1, 2)
    assert round_ratio(-numerator, denominator) == -rounded  # symmetric: away from zero both ways


@given(total=totals, weights=weight_lists, data=st.data())
def test_allocate_with_tie_keys_does_not_depend_on_the_order_of_the_lines(total, weights, data):
    keys = list(range(len(weights)))
    order = data.draw(st.permutations(keys))
    parts = allocate(total, weights, tie_keys=keys)
    shuffled = allocate(total, [weights[i] for i in order], tie_keys=order)
    assert shuffled == [parts[i] for i in order]


shares_lists = st.one_of(
    st.lists(st.fractions(min_value=0, max_value=10**6, max_denominator=1000), max_size=20),
    st.lists(st.fractions(min_value=-(10**6), max_value=0, max_denominator=1000), max_size=20),
)


@settings(max_examples=300)
@given(shares=shares_lists)
def test_rounded_shares_sum_to_the_rounded_total_and_stay_within_one_unit_each(shares):
    parts = round_shares(shares)
    assert sum(parts) == round_ratio(sum(shares, Fraction(0)))
    assert all(abs(part - share) < 1 for part, share in zip(parts, shares, strict=True))
