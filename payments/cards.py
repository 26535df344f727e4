"""Pure card checks: Luhn, brand from the number, expiry, security code.

``parse_card`` turns a client's card object into the ``CardDetails`` that may be kept,
or raises PaymentDataInvalid pointing at the offending field. The number and the
security code are read, checked and dropped: they never reach an error's detail or
meta, nor an exception's context (no ``int()`` on them, whose ValueError would quote
them).

The card object uses the card plugin's request keys (``cardNumber`` …); each dialect
parses its own card into them. Errors name the card's fields by the shop's names
(``CARD_FIELDS``): ``("payments", 0, "card", "number")``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from core.errors import FieldPath
from payments.exceptions import PaymentDataInvalid
from payments.providers.base import CardDetails

# Brands by number prefix ranges (compared on as many leading digits as the bounds have)
# and allowed lengths. Order matters: the first match wins.
BRANDS: list[tuple[str, list[tuple[int, int]], frozenset[int]]] = [
    ("amex", [(34, 34), (37, 37)], frozenset({15})),
    ("visa", [(4, 4)], frozenset({13, 16, 19})),
    ("mastercard", [(51, 55), (2221, 2720)], frozenset({16})),
    ("discover", [(6011, 6011), (644, 649), (65, 65), (622126, 622925)], frozenset(range(16, 20))),
    ("jcb", [(3528, 3589)], frozenset(range(16, 20))),
    ("diners", [(300, 305), (36, 36), (38, 39)], frozenset(range(14, 20))),
    ("maestro", [(50, 50), (56, 58), (6304, 6304), (639, 639), (67, 67)], frozenset(range(12, 20))),
]

# What clients send as the card type, normalised (lower case, no spaces, dashes or underscores).
CARD_TYPE_ALIASES = {
    "visa": "visa",
    "mastercard": "mastercard", "master": "mastercard",
    "amex": "amex", "americanexpress": "amex",
    "discover": "discover",
    "jcb": "jcb",
    "diners": "diners", "dinersclub": "diners",
    "maestro": "maestro",
}

# The card plugin's request keys, and the shop's name for each (the field path of an error about it).
NUMBER, CARD_TYPE, NAME = "cardNumber", "cardType", "nameOnCard"
MONTH, YEAR, SECURITY_CODE = "cardExpiresMonth", "cardExpiresYear", "cardSecurityCode"
CARD_FIELDS = {NUMBER: "number", CARD_TYPE: "brand", NAME: "name", MONTH: "month", YEAR: "year",
               SECURITY_CODE: "security_code"}

MIN_LENGTH, MAX_LENGTH = 12, 19
MAX_YEARS_AHEAD = 20
_NUMBER_CHARS = re.compile(r"[0-9 \-]+")
_DIGITS = re.compile(r"[0-9]+")


def card_number_normalize(raw: Any) -> str:
    """The digits of a card number as typed (spaces and dashes dropped); "" when it is not one."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not _NUMBER_CHARS.fullmatch(raw):
        return ""
    return raw.replace(" ", "").replace("-", "")


def luhn_valid(number: str) -> bool:
    digits = card_number_normalize(number)
    if not digits:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    """The brand ("visa", "mastercard", "amex" …) the number's prefix and length say; "" if none."""
    digits = card_number_normalize(number)
    for brand, ranges, lengths in BRANDS:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high:
                return brand
    return ""


def card_type_normalize(card_type: str) -> str:
    """The brand a client's card type names ("Master Card" -> "mastercard"); "" if unknown."""
    key = re.sub(r"[\s_\-]", "", card_type).lower()
    return CARD_TYPE_ALIASES.get(key, "")


def parse_card(data: Mapping[str, Any], *, field: FieldPath = (), today: datetime.date | None = None) -> CardDetails:
    """Check a card object (the plugin's keys) and keep what may be kept.

    ``field`` is the path of ``data`` itself; errors name ``(*field, CARD_FIELDS[key])``.
    The number, month, year and security code are required; the card type, when given,
    must match the number's brand; the name is optional here (a method's required
    request data may require it).
    """

    def invalid(key: str, detail: str) -> PaymentDataInvalid:
        return PaymentDataInvalid(detail, field=(*field, CARD_FIELDS[key]), meta={"field": key})

    if not isinstance(data, Mapping):
        raise PaymentDataInvalid("The card details must be an object.", field=field or None)

    raw_number = data.get(NUMBER)
    if raw_number in (None, ""):
        raise invalid(NUMBER, "The card number is required.")
    digits = card_number_normalize(raw_number)
    if not digits:
        raise invalid(NUMBER, "The card number may contain only digits, spaces and dashes.")
    if not MIN_LENGTH <= len(digits) <= MAX_LENGTH:
        raise invalid(NUMBER, f"The card number must have {MIN_LENGTH} to {MAX_LENGTH} digits.")
    if not luhn_valid(digits):
        raise invalid(NUMBER, "The card number is not valid.")
    brand = card_brand(digits)

    card_type = data.get(CARD_TYPE)
    if card_type not in (None, ""):
        named = card_type_normalize(card_type) if isinstance(card_type, str) else ""
        if not named:
            known = ", ".join(sorted(set(CARD_TYPE_ALIASES.values())))
            raise invalid(CARD_TYPE, f"Unknown card type; use one of: {known}.")
        if named != brand:
            raise invalid(CARD_TYPE, "The card type does not match the card number.")

    month = _small_int(data.get(MONTH))
    if month is None:
        raise invalid(MONTH, "The expiry month is required, as a number from 1 to 12.")
    if not 1 <= month <= 12:
        raise invalid(MONTH, "The expiry month must be from 1 to 12.")
    year = _small_int(data.get(YEAR))
    if year is None:
        raise invalid(YEAR, "The expiry year is required, as a number (e.g. 2030).")
    if year < 100:
        year += 2000
    today = today or timezone.localdate()
    if (year, month) < (today.year, today.month):
        raise invalid(YEAR if year < today.year else MONTH, "The card has expired.")
    if year > today.year + MAX_YEARS_AHEAD:
        raise invalid(YEAR, "The expiry year is too far in the future.")

    code = data.get(SECURITY_CODE)
    if code in (None, ""):
        raise invalid(SECURITY_CODE, "The security code is required.")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not _DIGITS.fullmatch(code):
        raise invalid(SECURITY_CODE, "The security code may contain only digits.")
    expected = {"amex": (4,), "": (3, 4)}.get(brand, (3,))
    if len(code) not in expected:
        raise invalid(SECURITY_CODE, f"The security code must have {' or '.join(map(str, expected))} digits.")

    name = data.get(NAME)
    if name is None:
        name = ""
    if not isinstance(name, str) or len(name.strip()) > 255:
        raise invalid(NAME, "The name on the card must be text of at most 255 characters.")

    return CardDetails(brand=brand, last_digits=digits[-4:], month=month, year=year, name=name.strip())


def _small_int(value: Any) -> int | None:
    """An expiry month or year sent as a number or as digits ("01", 2030); None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 9999 else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()) and len(value.strip()) <= 4:
        return int(value.strip())
    return None

