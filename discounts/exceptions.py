from core.errors import Conflict, DomainError


class VoucherNotFound(DomainError):
    code = "voucher_not_found"
    status = 422
    field = ("code",)
    default_detail = "There is no voucher with this code. Check the spelling and try again."


class VoucherNotApplicable(DomainError):
    """The voucher exists but cannot be used on this cart; ``meta["reason"]`` says why.

    Reasons: inactive, not_yet_valid, expired, used_up, wrong_store, wrong_price_mode,
    wrong_currency, minimum_not_reached (with ``minimum``, ``currency`` and ``missing``).
    """

    code = "voucher_not_applicable"
    status = 422
    field = ("code",)
    default_detail = "This voucher cannot be used on this cart."


class VoucherExhausted(Conflict):
    code = "voucher_exhausted"
    default_detail = "This voucher has been used as often as it may be. Remove it from the cart to place the order."
