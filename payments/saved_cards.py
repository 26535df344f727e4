"""Keeping a checked card's details for later payments (Spree's payment source, ``existing_card``).

Only what ``CardDetails`` holds is kept: brand, last four digits, expiry, name and the
provider's token for the card — never the number or the security code.
``credit_card_payment_data`` turns a kept card back into the payment object the dummy card
plugin pays with (``existingCreditCard``): the provider charges it by its token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import FieldPath
from payments.models import CreditCard, PaymentMethod
from payments.providers.base import CardDetails
from payments.providers.dummy import EXISTING_CARD_KEY, TOKEN
from payments.providers.registry import plugin_for


def credit_card_store(*, method: PaymentMethod, customer, data: Mapping[str, Any], field: FieldPath) -> CreditCard:
    """A card (the card plugin's keys) checked and tokenised by ``method``'s provider, kept to be paid with later.

    The provider decides here what it will say when the card is charged (the declining test card is
    declined then, as a gateway declines it at the charge, not when it is saved); the dummy provider makes
    the token itself, no call leaves the process. Raises PaymentDataInvalid about ``field`` for a card the
    provider refuses to keep."""
    return credit_card_keep(customer=customer, card=plugin_for(method).card_store(data, field=field))


def credit_card_keep(*, customer, card: CardDetails) -> CreditCard:
    """The CreditCard row for a checked card; ``customer`` None for a guest's card.

    A customer's card already kept with the same details is used again, so paying with a
    saved card (or typing the same card again) does not fill the customer's wallet with copies;
    the provider's newest token for it is kept.
    """
    details = {"brand": card.brand, "last_digits": card.last_digits, "month": card.month, "year": card.year,
               "name": card.name}
    kept = CreditCard.objects.filter(customer=customer, **details).order_by("pk").first() if customer else None
    if kept is None:
        return CreditCard.objects.create(customer=customer, provider_token=card.token, **details)
    if card.token and kept.provider_token != card.token:
        kept.provider_token = card.token
        kept.save(update_fields=["provider_token"])
    return kept


def credit_card_payment_data(card: CreditCard) -> dict:
    return {EXISTING_CARD_KEY: {"cardType": card.brand, "lastDigits": card.last_digits,
                                "cardExpiresMonth": card.month, "cardExpiresYear": card.year,
                                "nameOnCard": card.name, TOKEN: card.provider_token}}
