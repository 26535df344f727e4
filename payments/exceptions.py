"""The payment errors a client can see, each with its stable code.

The Glue codes (1101, 1107, 1108) are the ones Spryker documents for checkout; the
others are ours. Nothing here ever carries a card number or a security code: details
and meta name the offending field, never its value.
"""

from __future__ import annotations

from typing import Any

from core.errors import Conflict, DomainError, FieldPath

PAYMENTS = ("payments",)
FIRST_PAYMENT = ("payments", 0)


class PaymentDataInvalid(DomainError):
    """The payment object is incomplete or malformed; ``field`` names the offending input."""

    code = "1101"
    status = 422
    field = PAYMENTS
    default_detail = "Checkout data is invalid."


class MultiplePaymentsNotAllowed(DomainError):
    code = "1107"
    status = 422
    field = PAYMENTS
    default_detail = "Multiple payments are not allowed."


class InvalidPaymentMethod(DomainError):
    code = "1108"
    status = 422
    field = (*FIRST_PAYMENT, "method_name")
    default_detail = "The payment method is invalid."

    def __init__(self, *, method: str = "", provider: str = "", field: FieldPath | None = None,
                 meta: dict[str, Any] | None = None):
        self.method = method
        self.provider = provider
        super().__init__(
            f'Payment method "{method}" of payment provider "{provider}" is invalid.', field=field,
            meta={"paymentMethodName": method, "paymentProviderName": provider, **(meta or {})},
        )


class InvoiceNotAllowedForGiftCards(DomainError):
    """Fraud rule (Spryker): a cart holding a gift card cannot be paid by invoice."""

    code = "invoice_not_allowed_for_gift_card"
    status = 422
    field = (*FIRST_PAYMENT, "method_name")
    default_detail = (
        "Invoice is not available for carts that contain a gift card. Please choose another payment method."
    )


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = 402
    field = FIRST_PAYMENT
    default_detail = "The payment was declined. Please use another card or payment method."


class PaymentConfirmationInvalid(DomainError):
    """The payment provider's confirmation (``dataPayload``) is missing, of another type, or not signed by it."""

    code = "payment_confirmation_invalid"
    status = 422
    field = ("data_payload",)
    default_detail = "The payment confirmation is invalid."


class PaymentAttemptNotAttachable(Conflict):
    """The provider call this order relies on was declined or voided meanwhile (e.g. by reconciliation)."""

    code = "payment_attempt_not_attachable"
    default_detail = "The payment is no longer valid for this order. Please try again."


class PaymentTransactionNotAllowed(DomainError):
    """The payment cannot take this transaction in its current state (e.g. capture twice)."""

    code = "payment_transaction_not_allowed"
    status = 422
    field = ("method",)
    default_detail = "This transaction is not possible for the payment in its current state."
