"""Counting voucher uses: redeemed when an order is placed, given back when it is canceled."""

import pytest
from django.db import transaction

from discounts.exceptions import VoucherExhausted, VoucherNotFound
from discounts.services import voucher_redeem, voucher_release
from tests.discounts.rows import make_voucher

pytestmark = pytest.mark.django_db


def uses(*vouchers) -> list[int]:
    for voucher in vouchers:
        voucher.refresh_from_db()
    return [voucher.times_used for voucher in vouchers]


def test_redeeming_counts_one_use_of_each_voucher_whatever_the_case():
    save5, save10 = make_voucher("SAVE5"), make_voucher("SAVE10", max_uses=2)
    voucher_redeem(codes=["save5", "Save10"])
    assert uses(save5, save10) == [1, 1]


def test_redeeming_an_unlimited_voucher_never_runs_out():
    voucher = make_voucher(times_used=1000)
    voucher_redeem(codes=["SAVE5"])
    assert uses(voucher) == [1001]


def test_redeeming_the_same_code_twice_in_one_order_counts_once():
    voucher = make_voucher()
    voucher_redeem(codes=["SAVE5", "save5"])
    assert uses(voucher) == [1]


def test_redeeming_up_to_the_maximum_and_no_further():
    voucher = make_voucher(max_uses=2)
    voucher_redeem(codes=["SAVE5"])
    voucher_redeem(codes=["SAVE5"])
    with pytest.raises(VoucherExhausted) as caught:
        voucher_redeem(codes=["SAVE5"])
    error = caught.value
    assert (error.code, error.status) == ("voucher_exhausted", 409)
    assert error.meta == {"code": "SAVE5", "maxUses": 2}
    assert "Remove it from the cart" in error.detail
    assert uses(voucher) == [2]


def test_a_used_up_voucher_leaves_the_other_vouchers_of_the_order_uncounted():
    fresh, used_up = make_voucher("FRESH"), make_voucher("USEDUP", max_uses=1, times_used=1)
    with pytest.raises(VoucherExhausted):
        voucher_redeem(codes=["FRESH", "USEDUP"])
    assert uses(fresh, used_up) == [0, 1]


def test_redeeming_a_deleted_voucher_is_not_found_and_counts_nothing():
    voucher = make_voucher()
    with pytest.raises(VoucherNotFound):
        voucher_redeem(codes=["SAVE5", "GONE"])
    assert uses(voucher) == [0]


def test_a_redemption_rolls_back_with_the_order_that_failed():
    voucher = make_voucher(max_uses=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        voucher_redeem(codes=["SAVE5"])
        raise RuntimeError("payment failed")
    assert uses(voucher) == [0]


def test_releasing_gives_one_use_back():
    voucher = make_voucher(max_uses=2, times_used=2)
    voucher_release(codes=["save5"])
    assert uses(voucher) == [1]
    voucher_redeem(codes=["SAVE5"])
    assert uses(voucher) == [2]


def test_releasing_never_goes_below_zero():
    voucher = make_voucher()
    voucher_release(codes=["SAVE5"])
    assert uses(voucher) == [0]


def test_releasing_a_deleted_voucher_is_a_no_op():
    voucher_release(codes=["GONE"])


def test_no_codes_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        voucher_redeem(codes=[])
        voucher_release(codes=[])
