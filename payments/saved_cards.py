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
    """The CreditCard row for a checked card; ``customer`` None for a guest's card.

    A customer's card already kept with the same details is used again, so paying with a
    saved card (or typing the same card again) does not fill the customer's wallet with copies.
    """
    details = {"brand": card.brand, "last_digits": card.last_digits, "month": card.month, "year": card.year,
               "name": card.name}
    kept = CreditCard.objects.filter(customer=customer, **details).order_by("pk").first() if customer else None
    return kept or CreditCard.objects.create(customer=customer, **details)


def credit_card_payment_data(card: CreditCard) -> dict:
    return {EXISTING_CARD_KEY: {"cardType": card.brand, "lastDigits": card.last_digits,
                                "cardExpiresMonth": card.month, "cardExpiresYear": card.year,
                                "nameOnCard": card.name}}
