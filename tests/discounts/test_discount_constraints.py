"""The database refuses rules, vouchers and cart vouchers that would make no sense."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from carts.models import Cart, CartVoucher
from discounts.models import CartRule, CartRuleAmount, CartRuleKind, CartRuleMinimum, Voucher
from tests.discounts.rows import NOW, make_rule, make_voucher

pytestmark = pytest.mark.django_db


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.parametrize(("kind", "percentage"), [
    (CartRuleKind.PERCENTAGE, None),          # a percentage rule needs its percentage
    (CartRuleKind.PERCENTAGE, "0"),
    (CartRuleKind.PERCENTAGE, "-5"),
    (CartRuleKind.PERCENTAGE, "100.01"),
    (CartRuleKind.FIXED, "10"),               # other kinds take none
    (CartRuleKind.FREE_SHIPPING, "10"),
    ("half_price", None),
])
def test_a_rule_with_a_percentage_that_does_not_fit_its_kind_is_refused(kind, percentage):
    refused(lambda: CartRule.objects.create(
        name="r", kind=kind, percentage=None if percentage is None else Decimal(percentage)))


@pytest.mark.parametrize("percentage", ["0.01", "100"])
def test_a_percentage_from_a_hundredth_to_a_hundred_is_accepted(percentage):
    CartRule.objects.create(name="r", kind=CartRuleKind.PERCENTAGE, percentage=Decimal(percentage))


def test_a_rule_with_an_unknown_price_mode_is_refused():
    refused(lambda: make_rule(price_mode="BOTH"))


@pytest.mark.parametrize("model", [CartRule, Voucher])
def test_a_validity_that_ends_before_it_starts_is_refused(model):
    rule = make_rule(requires_voucher=True)
    window = {"valid_from": NOW, "valid_to": NOW}
    if model is CartRule:
        refused(lambda: make_rule(**window))
    else:
        refused(lambda: Voucher.objects.create(code="X", rule=rule, **window))
    make_rule(valid_from=NOW, valid_to=NOW + timedelta(seconds=1))


def test_a_currency_has_one_minimum_and_one_amount_per_rule():
    rule = make_rule(kind=CartRuleKind.FIXED, amounts={"EUR": 500})
    refused(lambda: CartRuleMinimum.objects.create(rule=rule, currency="EUR", min_subtotal=1))
    refused(lambda: CartRuleAmount.objects.create(rule=rule, currency="EUR", amount=1))


def test_a_negative_minimum_and_a_fixed_amount_of_zero_are_refused():
    rule = make_rule(kind=CartRuleKind.FIXED, minimums={})
    refused(lambda: CartRuleMinimum.objects.create(rule=rule, currency="EUR", min_subtotal=-1))
    refused(lambda: CartRuleAmount.objects.create(rule=rule, currency="EUR", amount=0))


def test_voucher_codes_are_unique_ignoring_case():
    make_voucher("SAVE5")
    refused(lambda: make_voucher("save5"))


@pytest.mark.parametrize(("max_uses", "times_used"), [
    (2, 3),       # used beyond its maximum
    (None, -1),
    (0, 0),       # a voucher nobody may use: deactivate it instead
])
def test_voucher_use_counts_out_of_range_are_refused(max_uses, times_used):
    rule = make_rule(requires_voucher=True)
    refused(lambda: Voucher.objects.create(code="X", rule=rule, max_uses=max_uses, times_used=times_used))


def test_an_empty_voucher_code_is_refused():
    refused(lambda: make_voucher(""))


def test_a_rule_with_vouchers_cannot_be_deleted_from_under_them():
    voucher = make_voucher()
    with pytest.raises(ProtectedError):
        voucher.rule.delete()


def test_a_voucher_for_an_automatic_rule_does_not_validate():
    voucher = Voucher(code="X", rule=make_rule())
    with pytest.raises(ValidationError) as caught:
        voucher.full_clean()
    assert "rule" in caught.value.message_dict


def test_a_cart_holds_a_voucher_code_once_ignoring_case(de):
    cart = Cart.objects.create(store=de)
    CartVoucher.objects.create(cart=cart, code="SAVE5")
    refused(lambda: CartVoucher.objects.create(cart=cart, code="save5"))
    CartVoucher.objects.create(cart=Cart.objects.create(store=de), code="save5")
    assert list(cart.vouchers.values_list("code", flat=True)) == ["SAVE5"]
