"""A limited voucher is never used more often than allowed, however many orders race for it.

SQLite ignores SELECT … FOR UPDATE, so this runs only on PostgreSQL (as in CI).
"""



from discounts.exceptions import VoucherExhausted
from discounts.services import voucher_redeem
from tests.discounts.rows import make_voucher
from tests.races import postgres_only, run_together

pytestmark = postgres_only


def test_five_orders_racing_for_a_voucher_of_two_uses_get_exactly_two():
    voucher = make_voucher(max_uses=2)
    results = run_together([lambda: voucher_redeem(codes=["SAVE5"])] * 5)
    assert sum(result is None for result in results) == 2
    assert sum(isinstance(result, VoucherExhausted) for result in results) == 3
    voucher.refresh_from_db()
    assert voucher.times_used == 2


def test_orders_redeeming_the_same_vouchers_in_opposite_order_do_not_deadlock():
    first, second = make_voucher("FIRST", max_uses=10), make_voucher("SECOND", max_uses=10)
    results = run_together([lambda: voucher_redeem(codes=["FIRST", "SECOND"]),
                            lambda: voucher_redeem(codes=["SECOND", "FIRST"])] * 3)
    assert results == [None] * 6
    for voucher in (first, second):
        voucher.refresh_from_db()
        assert voucher.times_used == 6
