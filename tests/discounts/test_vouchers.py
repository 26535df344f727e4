"""Voucher codes: found in any case, refused with a reason a customer can act on."""

from api.glue.errors import glue_pointer
from datetime import timedelta

import pytest

from catalog.models import PriceMode
from core.errors import DomainError
from discounts.exceptions import VoucherExhausted, VoucherNotApplicable, VoucherNotFound
from discounts.models import CartRuleKind
from discounts.selectors import voucher_check
from tests.discounts.rows import NOW, discounts, make_rule, make_voucher, names

pytestmark = pytest.mark.django_db


def check(store, code="SAVE5", *, subtotal=10000, currency="EUR", price_mode=PriceMode.GROSS, at=NOW):
    return voucher_check(code=code, store=store, currency=currency, price_mode=price_mode, subtotal=subtotal, at=at)


@pytest.mark.parametrize("typed", ["SAVE5", "save5", "Save5", "  save5 "])
def test_a_voucher_is_found_whatever_the_case(de, typed):
    voucher = make_voucher("SAVE5")
    assert check(de, typed) == voucher


@pytest.mark.parametrize("typed", ["save5", "SAVE5"])
def test_a_voucher_code_unlocks_its_rule_and_is_named_as_stored(de, typed):
    make_voucher("Save5")
    (discount,) = discounts(de, codes=[typed])
    assert (discount.name, discount.kind, discount.value, discount.voucher_code) == ("5 off", "fixed", 500, "Save5")


def test_a_voucher_rule_comes_with_the_automatic_rules_in_priority_order(de):
    make_rule("automatic", priority=20)
    make_voucher(rule=make_rule("voucher", requires_voucher=True, priority=10))
    assert names(de, codes=["SAVE5"]) == ["voucher", "automatic"]


def test_a_code_given_twice_applies_once(de):
    make_voucher()
    assert names(de, codes=["SAVE5", "save5"]) == ["5 off"]


def test_an_exclusive_automatic_rule_outranks_a_voucher_rule_of_lower_priority(de):
    make_rule("exclusive", is_exclusive=True, priority=1)
    make_voucher(rule=make_rule("voucher", requires_voucher=True, priority=5))
    assert names(de, codes=["SAVE5"]) == ["exclusive"]


@pytest.mark.parametrize("run", ["check", "price"])
def test_an_unknown_code_is_not_found(de, run):
    make_voucher("SAVE5")
    with pytest.raises(VoucherNotFound) as caught:
        check(de, "SAVE6") if run == "check" else discounts(de, codes=["SAVE5", "SAVE6"])
    error = caught.value
    assert (error.code, error.status, glue_pointer(error.field)) == ("voucher_not_found", 422, "/data/attributes/code")
    assert "SAVE6" in error.detail
    assert error.meta == {"code": "SAVE6"}


def refusal(store, **kwargs) -> VoucherNotApplicable:
    with pytest.raises(VoucherNotApplicable) as caught:
        check(store, **kwargs)
    assert (caught.value.code, caught.value.status) == ("voucher_not_applicable", 422)
    return caught.value


def test_a_voucher_below_its_minimum_says_how_much_is_missing(de):
    rule = make_rule("5 off", kind=CartRuleKind.FIXED, amounts={"EUR": 500}, minimums={"EUR": 5000},
                     requires_voucher=True)
    make_voucher(rule=rule)
    error = refusal(de, subtotal=4001)
    assert error.meta == {"code": "SAVE5", "reason": "minimum_not_reached", "minimum": 5000, "currency": "EUR",
                          "missing": 999}
    assert error.detail == ("Voucher SAVE5 applies to orders of €50.00 or more: add €9.99 to your cart to use it.")
    assert check(de, subtotal=5000).code == "SAVE5"


@pytest.mark.parametrize(("voucher_fields", "rule_fields", "reason", "said"), [
    ({"is_active": False}, {}, "inactive", "can no longer be used"),
    ({}, {"is_active": False}, "inactive", "can no longer be used"),
    ({"valid_to": NOW}, {}, "expired", "expired on 2024-06-01"),
    ({}, {"valid_to": NOW - timedelta(days=1)}, "expired", "expired on 2024-05-31"),
    ({"valid_from": NOW + timedelta(days=1)}, {}, "not_yet_valid", "can be used from 2024-06-02"),
    ({"max_uses": 3, "times_used": 3}, {}, "used_up", "has been used up"),
    ({}, {"price_mode": PriceMode.NET}, "wrong_price_mode", "only for carts with net prices"),
])
def test_a_voucher_that_cannot_be_used_says_why(de, voucher_fields, rule_fields, reason, said):
    rule = make_rule("5 off", kind=CartRuleKind.FIXED, amounts={"EUR": 500}, requires_voucher=True, **rule_fields)
    make_voucher(rule=rule, **voucher_fields)
    error = refusal(de)
    assert error.meta["reason"] == reason
    assert error.meta["code"] == "SAVE5"
    assert error.detail.startswith("Voucher SAVE5 ") and said in error.detail


def test_a_voucher_for_another_store_is_refused(de, at):
    make_voucher(rule=make_rule("5 off", kind=CartRuleKind.FIXED, amounts={"EUR": 500}, requires_voucher=True,
                                stores=[at]))
    assert refusal(de).meta == {"code": "SAVE5", "reason": "wrong_store"}


@pytest.mark.parametrize(("minimums", "amounts"), [
    ({"EUR": 0}, {"EUR": 500, "USD": 500}),   # no minimum row in USD
    ({"EUR": 0, "USD": 0}, {"EUR": 500}),     # no amount in USD
])
def test_a_voucher_in_a_currency_its_rule_does_not_know_is_refused(de, minimums, amounts):
    make_voucher(rule=make_rule("5 off", kind=CartRuleKind.FIXED, minimums=minimums, amounts=amounts,
                                requires_voucher=True))
    error = refusal(de, currency="USD")
    assert error.meta == {"code": "SAVE5", "reason": "wrong_currency", "currency": "USD"}
    assert error.detail == "Voucher SAVE5 cannot be used when paying in USD."


def test_pricing_a_cart_with_a_voucher_that_no_longer_applies_says_why(de):
    make_voucher(valid_to=NOW)
    with pytest.raises(VoucherNotApplicable) as caught:
        discounts(de, codes=["save5"])
    assert caught.value.meta["reason"] == "expired"


def test_the_voucher_errors_are_coded_domain_errors():
    for error, code, status in [(VoucherNotFound, "voucher_not_found", 422),
                                (VoucherNotApplicable, "voucher_not_applicable", 422),
                                (VoucherExhausted, "voucher_exhausted", 409)]:
        assert issubclass(error, DomainError)
        assert (error.code, error.status) == (code, status)
        assert error.default_detail
