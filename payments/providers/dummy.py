"""Spryker's DummyPayment provider: invoice and credit card, with no real money moving.

The invoice asks for the customer's date of birth (dd.mm.yyyy, as in the Glue samples)
and is authorised at once: the invoice is paid later. The credit card is checked the
way a gateway would (Luhn, brand, expiry, security code) and given a token, which is what
the card is charged with: a card typed at checkout (Glue) at once, a card kept earlier
(Spree's payment step, ``existing_card``) later. One test number declines: its token says
so, as a gateway remembers the card behind its token, so it declines in every dialect.
Only ``CardDetails`` leave this module: never the number or the security code.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from payments.cards import (
    CARD_FIELDS, CARD_TYPE, MONTH, NAME, NUMBER, SECURITY_CODE, YEAR, card_number_normalize, parse_card,
)
from core.errors import FieldPath
from payments.exceptions import FIRST_PAYMENT, PaymentDataInvalid, PaymentDeclined
from payments.models import PaymentPlugin as PluginCode
from payments.providers.base import AUTHORIZED, Authorization, CardDetails, PaymentRequest

logger = logging.getLogger(__name__)

INVOICE_KEY = "dummyPaymentInvoice"
DATE_OF_BIRTH = "dateOfBirth"
CREDIT_CARD_KEY = "dummyPaymentCreditCard"
CARD_REQUIRED_FIELDS = (CARD_TYPE, NUMBER, NAME, MONTH, YEAR, SECURITY_CODE)

# A card checked earlier (Spree's payment step, ``existing_card``), known only by what was kept of it:
# {"cardType", "lastDigits", "cardExpiresMonth", "cardExpiresYear", "nameOnCard", "token"}; the gateway's stored
# card, charged by its token.
EXISTING_CARD_KEY = "existingCreditCard"
TOKEN = "token"
# The shop's names for this plugin's request objects (the field path of an error about one).
KEY_FIELDS = {INVOICE_KEY: "invoice", CREDIT_CARD_KEY: "card", EXISTING_CARD_KEY: "existing_card"}

# The test card that a dummy gateway declines (Stripe's "card declined" number): accepted and tokenised like any
# other, declined when charged.
DECLINED_TEST_NUMBER = "4000000000000002"
TOKEN_PREFIX, DECLINED_TOKEN_PREFIX = "dummy-card-", "dummy-card-declined-"

_DATE_OF_BIRTH = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")
_OLDEST_YEAR_OF_BIRTH = 1900


def _object_at(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise PaymentDataInvalid(f"The {KEY_FIELDS[key].replace('_', ' ')} details are required, as an object.",
                                 field=(*FIRST_PAYMENT, KEY_FIELDS[key]),
                                 meta={"field": key})
    return value


def _new_transaction_id() -> str:
    return uuid.uuid4().hex


class DummyInvoicePlugin:
    code = PluginCode.DUMMY_INVOICE.value

    def validate(self, request: PaymentRequest) -> None:
        """A date of birth is checked when given; the seed documents' invoices come without one."""
        if request.data.get(INVOICE_KEY) is None:
            return
        invoice = _object_at(request.data, INVOICE_KEY)
        field = (*FIRST_PAYMENT, "invoice", "date_of_birth")
        raw = invoice.get(DATE_OF_BIRTH)
        if raw is None:
            return
        match = _DATE_OF_BIRTH.fullmatch(raw.strip()) if isinstance(raw, str) else None
        if match is None:
            raise PaymentDataInvalid("The date of birth is required, as dd.mm.yyyy (e.g. 08.04.1986).",
                                     field=field, meta={"field": DATE_OF_BIRTH})
        day, month, year = (int(part) for part in match.groups())
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            raise PaymentDataInvalid("The date of birth is not a date.", field=field,
                                     meta={"field": DATE_OF_BIRTH}) from None
        if born.year < _OLDEST_YEAR_OF_BIRTH or born >= timezone.localdate():
            raise PaymentDataInvalid("The date of birth must be in the past.", field=field,
                                     meta={"field": DATE_OF_BIRTH})

    def authorize(self, request: PaymentRequest) -> Authorization:
        self.validate(request)
        transaction_id = _new_transaction_id()
        logger.info("Dummy invoice authorised: transaction %s, %s %s", transaction_id, request.amount,
                    request.currency)
        # The invoice is paid later; nothing personal is kept on the payment.
        return Authorization(status=AUTHORIZED, transaction_id=transaction_id)

    def capture(self, *, transaction_id: str, amount: int, currency: str) -> None:
        logger.info("Dummy invoice captured: transaction %s, %s %s", transaction_id, amount, currency)

    def void(self, *, transaction_id: str) -> None:
        logger.info("Dummy invoice voided: transaction %s", transaction_id)

    def refund(self, *, transaction_id: str, amount: int, currency: str) -> None:
        logger.info("Dummy invoice refunded: transaction %s, %s %s", transaction_id, amount, currency)


class DummyCreditCardPlugin:
    code = PluginCode.DUMMY_CREDIT_CARD.value

    def validate(self, request: PaymentRequest) -> None:
        self._card(request)

    def card_store(self, data: Mapping[str, Any], *, field: FieldPath) -> CardDetails:
        """Check a card (this plugin's keys) and tokenise it, to be charged later as an ``existingCreditCard``."""
        return _tokenised(parse_card(data, field=field), data.get(NUMBER))

    def authorize(self, request: PaymentRequest) -> Authorization:
        card = self._card(request)
        if card is None:
            transaction_id = _new_transaction_id()
            logger.info("Dummy credit card authorised without card data: transaction %s, %s %s", transaction_id,
                        request.amount, request.currency)
            return Authorization(status=AUTHORIZED, transaction_id=transaction_id)
        if request.data.get(EXISTING_CARD_KEY) is None:
            card = _tokenised(card, request.data[CREDIT_CARD_KEY][NUMBER])
        if card.token.startswith(DECLINED_TOKEN_PREFIX):  # the one decline, whichever way the card came
            logger.info("Dummy credit card declined: %s ending %s", card.brand, card.last_digits)
            raise PaymentDeclined(meta={"reason": "card_declined"})
        transaction_id = _new_transaction_id()
        logger.info("Dummy credit card authorised: transaction %s, %s ending %s, %s %s", transaction_id,
                    card.brand, card.last_digits, request.amount, request.currency)
        return Authorization(status=AUTHORIZED, transaction_id=transaction_id, card=card)

    @staticmethod
    def _card(request: PaymentRequest) -> CardDetails | None:
        """The card object checked: every field the method lists present, then the card itself.

        None when the payment carries no card object at all: seed 002 places its credit card
        orders with only the provider and method names, and the dummy provider (like
        Spryker's DummyPayment) authorises those. A card object that is sent is checked whole.
        """
        if request.data.get(EXISTING_CARD_KEY) is not None:
            return _existing_card(_object_at(request.data, EXISTING_CARD_KEY))
        if CREDIT_CARD_KEY not in request.data:
            return None
        card = _object_at(request.data, CREDIT_CARD_KEY)
        field = (*FIRST_PAYMENT, "card")
        for key in CARD_REQUIRED_FIELDS:
            if card.get(key) in (None, ""):
                raise PaymentDataInvalid(f"The card's {CARD_FIELDS[key].replace('_', ' ')} is required.",
                                         field=(*field, CARD_FIELDS[key]), meta={"field": key})
        return parse_card(card, field=field)

    def capture(self, *, transaction_id: str, amount: int, currency: str) -> None:
        logger.info("Dummy credit card captured: transaction %s, %s %s", transaction_id, amount, currency)

    def void(self, *, transaction_id: str) -> None:
        logger.info("Dummy credit card voided: transaction %s", transaction_id)

    def refund(self, *, transaction_id: str, amount: int, currency: str) -> None:
        logger.info("Dummy credit card refunded: transaction %s, %s %s", transaction_id, amount, currency)


def _tokenised(card: CardDetails, number: Any) -> CardDetails:
    """The card with the gateway's token for it: the only place the declining test number is recognised."""
    prefix = DECLINED_TOKEN_PREFIX if card_number_normalize(number) == DECLINED_TEST_NUMBER else TOKEN_PREFIX
    return dataclasses.replace(card, token=f"{prefix}{uuid.uuid4().hex}")


def _existing_card(card: Mapping[str, Any]) -> CardDetails:
    """A stored card (brand, last digits, expiry, name, token): still unexpired; its token says how it is charged."""
    field = (*FIRST_PAYMENT, "existing_card")
    last_digits, month, year = card.get("lastDigits"), card.get(MONTH), card.get(YEAR)
    if not (isinstance(last_digits, str) and len(last_digits) == 4 and last_digits.isdigit()):
        raise PaymentDataInvalid("The stored card is unusable.", field=(*field, "last_digits"),
                                 meta={"field": "lastDigits"})
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (month, year)) or not 1 <= month <= 12:
        raise PaymentDataInvalid("The stored card has no valid expiry.", field=(*field, "month"),
                                 meta={"field": MONTH})
    today = timezone.localdate()
    if (year, month) < (today.year, today.month):
        raise PaymentDataInvalid("The card has expired.", field=(*field, "year"), meta={"field": YEAR})
    return CardDetails(brand=str(card.get(CARD_TYPE) or ""), last_digits=last_digits, month=month, year=year,
                       name=str(card.get(NAME) or ""), token=str(card.get(TOKEN) or ""))
