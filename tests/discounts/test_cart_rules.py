"""Which automatic cart rules a cart gets: thresholds, filters, validity, exclusivity and order."""

from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.models import PriceMode
from pricing import DiscountInput, DiscountKind
from discounts.models import CartRuleKind
from discounts.selectors import discounts_for_cart
from tests.discounts.rows import NOW, discounts, make_rule, make_voucher, names

pytestmark = pytest.mark.django_db


def test_the_discounts_a_cart_gets_are_the_pricing_input_itself(de):
    make_rule("10% Discount for all orders above", percentage="10.00")
    assert [type(d) for d in discounts(de)] == [DiscountInput]


def test_rule_kinds_are_the_pricing_kinds():
    assert set(CartRuleKind.values) == {DiscountKind.PERCENTAGE, DiscountKind.FIXED, DiscountKind.FREE_SHIPPING}


def test_a_percentage_rule_gives_its_name_description_and_percentage(de):
    make_rule("10% Discount for all orders above", description="Get a 10% discount.", percentage="10.00")
    assert discounts(de) == [DiscountInput(
        name="10% Discount for all orders above", kind="percentage", value=Decimal("10.00"),
        description="Get a 10% discount.", voucher_code=None, method_keys=None)]


def test_a_fixed_rule_takes_its_amount_in_the_cart_currency(de):
    make_rule("5 off", kind=CartRuleKind.FIXED, minimums={"EUR": 0, "USD": 0}, amounts={"EUR": 500, "USD": 600})
    assert [(d.kind, d.value) for d in discounts(de, currency="USD")] == [("fixed", 600)]


def test_a_fixed_rule_without_an_amount_in_the_cart_currency_does_not_apply(de):
    make_rule("5 off", kind=CartRuleKind.FIXED, minimums={"EUR": 0, "USD": 0}, amounts={"EUR": 500})
    assert discounts(de, currency="USD") == []


def test_free_shipping_names_the_keys_of_its_methods(de, standard, express):
    make_rule("Free standard delivery", kind=CartRuleKind.FREE_SHIPPING, methods=[standard])
    (free,) = discounts(de)
    assert (free.kind, free.value, free.method_keys) == ("free_shipping", 0, frozenset({standard.key}))


def test_free_shipping_without_methods_makes_every_method_free(de, standard):
    make_rule("Free delivery", kind=CartRuleKind.FREE_SHIPPING)
    assert discounts(de)[0].method_keys is None


def test_free_shipping_for_the_cart_s_methods_is_read_with_the_rules(de, standard, express,
                                                                     django_assert_num_queries):
    make_rule("Free standard delivery", kind=CartRuleKind.FREE_SHIPPING, methods=[standard], priority=1)
    make_rule("Free delivery", kind=CartRuleKind.FREE_SHIPPING, priority=2)
    for ships_with, keys in (([standard, express], {standard.key}), ([express], set())):
        with django_assert_num_queries(1):
            found = discounts_for_cart(store=de, currency="EUR", price_mode=PriceMode.GROSS, subtotal=10000,
                                       voucher_codes=[], at=NOW,
                                       shipment_methods={m.pk: m.key for m in ships_with})
        assert [d.method_keys for d in found] == [frozenset(keys), None]


# --- the minimum order value, per currency ----------------------------------------------


@pytest.mark.parametrize(("currency", "subtotal", "applies"), [
    ("EUR", 10000, True),    # exactly the minimum
    ("EUR", 9999, False),    # one cent below
    ("EUR", 68530, True),
    ("USD", 12000, True),
    ("USD", 11999, False),
    ("GBP", 99999, False),   # no minimum in GBP: not in GBP at all
])
def test_a_rule_applies_from_its_minimum_in_the_cart_currency_only(de, currency, subtotal, applies):
    make_rule(minimums={"EUR": 10000, "USD": 12000})
    assert bool(discounts(de, currency=currency, subtotal=subtotal)) is applies


def test_a_zero_minimum_applies_to_any_order_in_that_currency(de):
    make_rule(minimums={"EUR": 0})
    assert names(de, subtotal=0) == ["10% off"]


# --- store, price mode, activity, validity --------------------------------------------------


def test_a_rule_for_some_stores_applies_only_there(de, at):
    make_rule("DE only", stores=[de])
    make_rule("everywhere")
    assert names(de) == ["DE only", "everywhere"]
    assert names(at) == ["everywhere"]


@pytest.mark.parametrize(("rule_mode", "cart_mode", "applies"), [
    (PriceMode.GROSS, PriceMode.GROSS, True),
    (PriceMode.GROSS, PriceMode.NET, False),
    (PriceMode.NET, PriceMode.NET, True),
    (PriceMode.NET, PriceMode.GROSS, False),
    ("", PriceMode.GROSS, True),
    ("", PriceMode.NET, True),
])
def test_a_rule_for_one_price_mode_applies_only_to_carts_in_it(de, rule_mode, cart_mode, applies):
    make_rule(price_mode=rule_mode)
    assert bool(discounts(de, price_mode=cart_mode)) is applies


def test_an_inactive_rule_does_not_apply(de):
    make_rule(is_active=False)
    assert discounts(de) == []


@pytest.mark.parametrize(("valid_from", "valid_to", "applies"), [
    (None, None, True),
    (NOW, None, True),                                  # from the first moment
    (NOW + timedelta(seconds=1), None, False),          # not yet
    (None, NOW + timedelta(seconds=1), True),
    (None, NOW, False),                                 # valid_to is the first moment it no longer applies
    (NOW - timedelta(days=7), NOW + timedelta(days=7), True),
])
def test_a_rule_applies_only_within_its_validity(de, valid_from, valid_to, applies):
    make_rule(valid_from=valid_from, valid_to=valid_to)
    assert bool(discounts(de)) is applies


def test_a_voucher_only_rule_is_not_applied_without_its_code(de):
    make_voucher()
    assert discounts(de) == []


# --- order and exclusivity --------------------------------------------------------------


def test_rules_apply_by_priority_then_by_age(de):
    make_rule("third", priority=20)
    make_rule("first", priority=10)
    make_rule("fourth", priority=20)
    make_rule("second", priority=10)
    assert names(de) == ["first", "second", "third", "fourth"]


def test_an_exclusive_rule_shuts_out_every_other_rule(de):
    make_rule("combinable first", priority=1)
    make_rule("exclusive", priority=50, is_exclusive=True)
    make_rule("combinable last", priority=99)
    assert names(de) == ["exclusive"]


def test_of_several_exclusive_rules_only_the_first_by_priority_applies(de):
    make_rule("exclusive later", priority=20, is_exclusive=True)
    make_rule("exclusive first", priority=10, is_exclusive=True)
    make_rule("exclusive first too, but younger", priority=10, is_exclusive=True)
    assert names(de) == ["exclusive first"]


def test_an_exclusive_rule_that_does_not_apply_shuts_out_nothing(de):
    make_rule("exclusive above 500.00", is_exclusive=True, minimums={"EUR": 50000})
    make_rule("combinable")
    assert names(de, subtotal=10000) == ["combinable"]
    assert names(de, subtotal=50000) == ["exclusive above 500.00"]


# --- queries ------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_rules(de, standard, django_assert_max_num_queries):
    for n in range(12):
        rule = make_rule(f"rule {n}", kind=[CartRuleKind.PERCENTAGE, CartRuleKind.FIXED,
                                            CartRuleKind.FREE_SHIPPING][n % 3],
                         amounts={"EUR": 100} if n % 3 == 1 else None, stores=[de], methods=[standard])
        make_voucher(f"CODE{n}", rule=make_rule(f"voucher rule {n}", requires_voucher=True))
    with django_assert_max_num_queries(6):
        result = discounts(de, codes=[f"code{n}" for n in range(12)])
    assert len(result) == 24
    assert rule.name in {d.name for d in result}
