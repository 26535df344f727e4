"""Completing a payment the shopper made on the provider's page (Glue's POST /order-payments)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q

from checkout.exceptions import OrderNotFound, OrderPaymentNotUpdated
from checkout.models import Order
from checkout.services import order_update_states
from payments.models import Payment, PaymentPlugin, PaymentState
from payments.providers.redirect import complete_redirect


def order_payment_confirm(*, payment_identifier: str, payload, owner: dict) -> Payment:
    """Capture an order's external payment with the provider's signed confirmation.

    ``payment_identifier`` is the order reference (as the checkout response gave it) or the
    payment's uuid; ``owner`` filters orders to the caller's own. Raises OrderNotFound for
    an unknown or foreign order, PaymentConfirmationInvalid for a payload the provider did
    not sign, and OrderPaymentNotUpdated when there is no payment waiting to be confirmed or
    its provider is being asked something else right now (staff voiding it, the cancel of its
    order). A confirmation sent twice returns the captured payment again.
    """
    with transaction.atomic():
        order = _locked_order(payment_identifier, owner)
        payment = (Payment.objects.select_for_update().filter(order=order, method__plugin=PaymentPlugin.EXTERNAL_REDIRECT)
                   .order_by("-pk").first())
        if payment is None:
            raise OrderPaymentNotUpdated("This order has no payment to confirm.")
        if payment.provider_call:
            # Capturing now would contradict what the provider is doing: a void must not end as a capture.
            raise OrderPaymentNotUpdated(
                f"A {payment.get_provider_call_display().lower()} of this payment is under way; "
                f"it cannot be confirmed.", meta={"provider_call": payment.provider_call})
        if payment.state == PaymentState.COMPLETED:
            return payment
        if payment.state not in (PaymentState.CHECKOUT, PaymentState.PROCESSING):
            raise OrderPaymentNotUpdated(f"The payment is {payment.get_state_display().lower()}; it cannot be confirmed.")
        complete_redirect(transaction_id=payment.transaction_id, payload=payload)
        payment.capture()
        payment.save()
        order_update_states(order=order)
        order.save()
    return payment


def _locked_order(identifier: str, owner: dict) -> Order:
    match = Q(reference=str(identifier))
    try:
        match |= Q(payments__uuid=uuid.UUID(str(identifier)))
    except ValueError:
        pass
    order = Order.objects.filter(match, **owner).distinct().values_list("pk", flat=True).first()
    if order is None:
        raise OrderNotFound(meta={"paymentIdentifier": str(identifier)})
    return Order.objects.select_for_update().get(pk=order)
