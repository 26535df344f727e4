"""Writes to vouchers: counting their uses when an order is placed or canceled.

Call these inside the transaction that places (or cancels) the order, so that a use is
counted exactly when the order exists. The vouchers are locked in primary-key order so
that concurrent placements cannot deadlock and a limited voucher is never overused.
"""

from django.db import transaction
from django.db.models import F

from discounts.exceptions import VoucherExhausted, VoucherNotFound
from discounts.models import Voucher
from discounts.selectors import vouchers_by_code


def _locked_vouchers(codes: list[str]) -> list[Voucher]:
    return list(vouchers_by_code(codes=codes).select_for_update().order_by("pk"))


def voucher_redeem(*, codes: list[str]) -> None:
    """Count one use of each voucher, all or nothing.

    Raises VoucherNotFound for a code that no longer exists and VoucherExhausted
    (meta: code, maxUses) for one used as often as it may be; nothing is counted then.
    """
    if not codes:
        return
    with transaction.atomic():
        vouchers = _locked_vouchers(codes)
        known = {voucher.code.lower() for voucher in vouchers}
        for code in codes:
            if code.strip().lower() not in known:
                raise VoucherNotFound(f"There is no voucher with the code {code.strip()!r}.", meta={"code": code})
        for voucher in vouchers:
            if voucher.is_used_up:
                raise VoucherExhausted(
                    f"Voucher {voucher.code} has been used as often as it may be. "
                    "Remove it from the cart to place the order.",
                    meta={"code": voucher.code, "maxUses": voucher.max_uses},
                )
        Voucher.objects.filter(pk__in=[voucher.pk for voucher in vouchers]).update(times_used=F("times_used") + 1)


def voucher_release(*, codes: list[str]) -> None:
    """Give back one use of each voucher (its order was canceled); never below zero.

    Codes of vouchers deleted since are skipped: there is nothing to give back.
    """
    if not codes:
        return
    with transaction.atomic():
        vouchers = _locked_vouchers(codes)
        Voucher.objects.filter(pk__in=[voucher.pk for voucher in vouchers], times_used__gt=0).update(
            times_used=F("times_used") - 1
        )
