"""Money in integer minor units (cents).

The domain never holds floats or Decimals for amounts: an amount is an ``int`` in the
minor unit of its currency. Rounding happens in exactly one place, ``round_ratio``,
with one documented rule: half away from zero (``ROUND_HALF_UP`` on magnitudes),
as tax authorities and Spryker's calculators do. When one amount is split over
several lines, ``allocate`` hands out the remainder by largest remainder so that the
parts always add up to the whole (a 6653 discount over two equal lines is 3327 + 3326).
Formatting for people and decimal strings for the Spree dialect live here too, so
that every dialect shows the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# ISO 4217 minor-unit exponents and display symbols of the currencies the shop sells in.
CURRENCIES: dict[str, tuple[int, str]] = {
    "EUR": (2, "€"),
    "USD": (2, "$"),
    "GBP": (2, "£"),
    "CHF": (2, "CHF "),
    "PLN": (2, "zł "),
    "SEK": (2, "kr "),
    "DKK": (2, "kr "),
    "CZK": (2, "Kč "),
    "JPY": (0, "¥"),
}

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


class UnknownCurrency(ValueError):
    pass


def exponent(currency: str) -> int:
    try:
        return CURRENCIES[currency][0]
    except KeyError:
        raise UnknownCurrency(f"Unknown currency {currency!r}.") from None


def round_ratio(numerator: int | Fraction, denominator: int | Fraction = 1) -> int:
    """Round numerator/denominator to an integer, halves away from zero.

    Exact: works on fractions, never on binary floats.
    """
    value = Fraction(numerator) / Fraction(denominator)
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def percentage_of(amount: int, percent: Decimal | str | int) -> int:
    """``percent`` % of ``amount``, rounded by the shop's rule (e.g. 10% of 66530 -> 6653)."""
    return round_ratio(Fraction(amount) * Fraction(Decimal(str(percent))), 100)


def round_shares(shares: Sequence[Fraction | int], *, tie_keys: Sequence | None = None) -> list[int]:
    """Round exact shares to integers whose sum is the rounded sum of the shares.

    The total is rounded once by the shop's rule; every share gets the floor of its
    magnitude, and the units still missing go to the largest remainders. Ties go to the
    smaller ``tie_keys`` (default: the earlier share), so the result does not depend on
    how the caller ordered its lines when it passes stable keys.
    """
    if not shares:
        return []
    exact = [Fraction(share) for share in shares]
    if any(share < 0 for share in exact) and any(share > 0 for share in exact):
        raise ValueError("Shares must all have the same sign.")
    sign = -1 if any(share < 0 for share in exact) else 1
    magnitudes = [abs(share) for share in exact]
    total = round_ratio(sum(magnitudes))
    parts = [share.numerator // share.denominator for share in magnitudes]
    keys = list(tie_keys) if tie_keys is not None else list(range(len(exact)))
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(magnitudes[i] - parts[i]), keys[i]))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return [sign * part for part in parts]


def allocate(total: int, weights: Sequence[int], *, tie_keys: Sequence | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total``.

    Largest remainder (see ``round_shares``): a 6653 discount over two equal lines is
    3327 + 3326. All-zero weights split evenly.
    """
    if not weights:
        raise ValueError("Cannot allocate over no weights.")
    if any(w < 0 for w in weights):
        raise ValueError("Weights must not be negative.")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    return round_shares([Fraction(total * w, weight_sum) for w in weights], tie_keys=tie_keys)


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units to a Decimal in major units: 1599 EUR -> Decimal('15.99')."""
    return Decimal(amount).scaleb(-exponent(currency))


def from_decimal(value: Decimal | str | int, currency: str) -> int:
    """Major units to minor units, rounded by the shop's rule: '15.999' USD -> 1600."""
    scaled = Decimal(str(value)).scaleb(exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decimal_string(amount: int, currency: str) -> str:
    """The Spree wire format: '15.99' (always the currency's number of decimals)."""
    places = exponent(currency)
    return f"{to_decimal(amount, currency):.{places}f}"


def format_money(amount: int, currency: str) -> str:
    """For people: '€393.53', '$15.99', '-$5.00', '¥1,200'."""
    places, symbol = CURRENCIES.get(currency, (2, f"{currency} "))
    if currency not in CURRENCIES:
        exponent(currency)  # raises UnknownCurrency
    sign = "-" if amount < 0 else ""
    number = f"{abs(to_decimal(amount, currency)):,.{places}f}"
    return f"{sign}{symbol}{number}"
