"""Spree's ``payment_source`` entry read into the card plugin's request keys (payments.cards)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from payments.cards import CARD_TYPE, MONTH, NAME, NUMBER, SECURITY_CODE, YEAR, card_brand

SOURCE_KEYS = {
    "number": NUMBER, "month": MONTH, "year": YEAR, "verification_value": SECURITY_CODE,
    "name": NAME, "cc_type": CARD_TYPE,
}


def card_data_from_spree_source(source: Mapping[str, Any]) -> dict[str, Any]:
    """A Spree ``payment_source`` entry (number, month, year, verification_value, name) as card data.

    Spree derives ``cc_type`` from the number when the client does not send it; so does this.
    """
    data = {SOURCE_KEYS[key]: value for key, value in source.items() if key in SOURCE_KEYS}
    if not data.get(CARD_TYPE):
        brand = card_brand(data.get(NUMBER, ""))
        if brand:
            data[CARD_TYPE] = brand
    return data
