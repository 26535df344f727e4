"""A provider that takes payment on its own page (Glue's redirectUrl / isExternalRedirect).

Authorising gives the URL to send the customer to, signed so the provider can trust
the amount. The provider then hands the storefront a signed confirmation, which comes
back through ``/order-payments`` as ``dataPayload``:
``[{"type": "payment-confirmation", "hash": hmac_sha256(f"{transaction_id}:confirmed")}]``.
``complete_redirect`` checks it; only then is the payment captured.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from payments.exceptions import PaymentConfirmationInvalid
from payments.models import PaymentPlugin as PluginCode
from payments.providers.base import CAPTURED, REDIRECT, Authorization, PaymentRequest

logger = logging.getLogger(__name__)

CONFIRMATION_TYPE = "payment-confirmation"


def _sign(message: str) -> str:
    return hmac.new(settings.PAYMENT_REDIRECT_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def redirect_signature(transaction_id: str, amount: int, currency: str) -> str:
    """The signature of the redirect URL: the provider checks it before taking the money."""
    return _sign(f"{transaction_id}:{amount}:{currency}")


def redirect_confirmation_hash(transaction_id: str) -> str:
    """What the provider signs when the customer has paid (tests and the demo use it to confirm)."""
    return _sign(f"{transaction_id}:confirmed")


def redirect_url_for(*, transaction_id: str, amount: int, currency: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(settings.PAYMENT_REDIRECT_URL)
    params = parse_qsl(query, keep_blank_values=True) + [
        ("payment", transaction_id),
        ("amount", str(amount)),
        ("currency", currency),
        ("signature", redirect_signature(transaction_id, amount, currency)),
    ]
    return urlunsplit((scheme, netloc, path, urlencode(params), fragment))


def complete_redirect(*, transaction_id: str, payload: Any) -> Authorization:
    """Check the provider's signed confirmation of ``transaction_id``; the payment is then captured.

    Raises PaymentConfirmationInvalid when the payload is not a list, holds no
    ``payment-confirmation`` entry, or its hash is not the provider's signature.
    """
    if not transaction_id or not isinstance(transaction_id, str):
        raise PaymentConfirmationInvalid("The payment identifier is missing.")
    if not isinstance(payload, list):
        raise PaymentConfirmationInvalid("The payment confirmation must be a list of the payment provider's "
                                         "messages.")
    confirmation = next(
        (item for item in payload if isinstance(item, dict) and item.get("type") == CONFIRMATION_TYPE), None
    )
    if confirmation is None:
        raise PaymentConfirmationInvalid(f'The payment confirmation holds no "{CONFIRMATION_TYPE}".')
    sent = confirmation.get("hash")
    expected = redirect_confirmation_hash(transaction_id)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.strip().lower().encode(), expected.encode()):
        logger.warning("Payment confirmation refused: transaction %s", transaction_id)
        raise PaymentConfirmationInvalid("The payment confirmation is not signed by the payment provider.")
    logger.info("Payment confirmed by redirect: transaction %s", transaction_id)
    return Authorization(status=CAPTURED, transaction_id=transaction_id)


class ExternalRedirectPlugin:
    code = PluginCode.EXTERNAL_REDIRECT.value

    def validate(self, request: PaymentRequest) -> None:
        """The provider's page asks the customer for everything: nothing to check here."""

    def authorize(self, request: PaymentRequest) -> Authorization:
        transaction_id = uuid.uuid4().hex
        url = redirect_url_for(transaction_id=transaction_id, amount=request.amount, currency=request.currency)
        logger.info("Redirect payment started: transaction %s, %s %s", transaction_id, request.amount,
                    request.currency)
        return Authorization(status=REDIRECT, transaction_id=transaction_id, redirect_url=url)

    def complete_redirect(self, *, transaction_id: str, payload: Any) -> Authorization:
        return complete_redirect(transaction_id=transaction_id, payload=payload)

    def capture(self, *, transaction_id: str, amount: int, currency: str) -> None:
        """Captured when the provider confirms (complete_redirect): nothing more to ask."""

    def void(self, *, transaction_id: str) -> None:
        logger.info("Redirect payment voided: transaction %s", transaction_id)

    def refund(self, *, transaction_id: str, amount: int, currency: str) -> None:
        logger.info("Redirect payment refunded: transaction %s, %s %s", transaction_id, amount, currency)
