"""Keeping a checked card's details for later payments (Spree's payment source, ``existing_card``).

Only what ``CardDetails`` holds is kept: brand, last four digits, expiry and name — never
the number or the security code. ``credit_card_payment_data`` turns a kept card back into
the payment object the dummy card plugin pays with (``existingCreditCard``).
"""

from __future__ import annotations

from payments.models import CreditCard
from payments.providers.base import CardDetails
from payments.providers.dummy import EXISTING_CARD_KEY


def credit_card_keep(*, customer, card: CardDetails) -> CreditCard:
    """A CreditCard row for a checked card; ``customer`` None for a guest's card."""
    return CreditCard.objects.create(customer=customer, brand=card.brand, last_digits=card.last_digits,
                                     month=card.month, year=card.year, name=card.name)


def credit_card_payment_data(card: CreditCard) -> dict:
    return {EXISTING_CARD_KEY: {"cardType": card.brand, "lastDigits": card.last_digits,
                                "cardExpiresMonth": card.month, "cardExpiresYear": card.year,
                                "nameOnCard": card.name}}
