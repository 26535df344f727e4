"""The payment errors a client can see, each with its stable code.

The Glue codes (1101, 1107, 1108) are the ones Spryker documents for checkout; the
others are ours. Nothing here ever carries a card number or a security code: details
and meta name the offending field, never its value.
"""

from __future__ import annotations

from typing import Any

from core.errors import Conflict, DomainError

PAYMENTS_POINTER = "/data/attributes/payments"
FIRST_PAYMENT_POINTER = f"{PAYMENTS_POINTER}/0"


class PaymentDataInvalid(DomainError):
    """The payment object is incomplete or malformed; ``pointer`` names the offending field."""

    code = "1101"
    status = 422
    pointer = PAYMENTS_POINTER
    default_detail = "Checkout data is invalid."

    def __init__(self, detail: str | None = None, *, pointer: str | None = None, meta: dict[str, Any] | None = None):
        super().__init__(detail, meta=meta)
        if pointer:
            self.pointer = pointer


class MultiplePaymentsNotAllowed(DomainError):
    code = "1107"
    status = 422
    pointer = PAYMENTS_POINTER
    default_detail = "Multiple payments are not allowed."


class InvalidPaymentMethod(DomainError):
    code = "1108"
    status = 422
    pointer = f"{FIRST_PAYMENT_POINTER}/paymentMethodName"
    default_detail = "The payment method is invalid."

    def __init__(self, *, method: str = "", provider: str = "", meta: dict[str, Any] | None = None):
        self.method = method
        self.provider = provider
        super().__init__(
            f'Payment method "{method}" of payment provider "{provider}" is invalid.',
            meta={"paymentMethodName": method, "paymentProviderName": provider, **(meta or {})},
        )


class InvoiceNotAllowedForGiftCards(DomainError):
    """Fraud rule (Spryker): a cart holding a gift card cannot be paid by invoice."""

    code = "invoice_not_allowed_for_gift_card"
    status = 422
    pointer = f"{FIRST_PAYMENT_POINTER}/paymentMethodName"
    default_detail = (
        "Invoice is not available for carts that contain a gift card. Please choose another payment method."
    )


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = 402
    pointer = FIRST_PAYMENT_POINTER
    default_detail = "The payment was declined. Please use another card or payment method."


class PaymentConfirmationInvalid(DomainError):
    """The payment provider's confirmation (``dataPayload``) is missing, of another type, or not signed by it."""

    code = "payment_confirmation_invalid"
    status = 422
    pointer = "/data/attributes/dataPayload"
    default_detail = "The payment confirmation is invalid."


class PaymentAttemptNotAttachable(Conflict):
    """The provider call this order relies on was declined or voided meanwhile (e.g. by reconciliation)."""

    code = "payment_attempt_not_attachable"
    default_detail = "The payment is no longer valid for this order. Please try again."


class PaymentTransactionNotAllowed(DomainError):
    """The payment cannot take this transaction in its current state (e.g. capture twice)."""

    code = "payment_transaction_not_allowed"
    status = 422
    pointer = "/data/method"
    default_detail = "This transaction is not possible for the payment in its current state."
