"""Completing a payment the shopper made on the provider's page (Glue's POST /order-payments).

The provider's signed confirmation is a fact: the money was taken. It is recorded whatever the shop
did meanwhile. When the order was canceled (cancel_stale_orders gave up waiting, or staff), its stock
is back on sale and its payment voided: the payment is recorded as captured all the same, the order
stays canceled and owes the money back (payment_state ``credit_owed``), and reconcile_checkouts and the
admin index list it until staff refund it or resume the order. Nothing puts the order back by itself.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import can_proceed
from django_fsm_log.helpers import FSMLogDescriptor

from checkout.exceptions import OrderNotFound, OrderPaymentNotUpdated
from checkout.models import Order, OrderState
from checkout.services import order_update_states
from payments.models import Payment, PaymentPlugin, ProviderCall
from payments.providers.redirect import complete_redirect

logger = logging.getLogger(__name__)


def order_payment_confirm(*, payment_identifier: str, payload, owner: dict) -> Payment:
    """Record an order's external payment as captured, on the provider's signed confirmation.

    ``payment_identifier`` is the order reference (as the checkout response gave it) or the
    payment's uuid; ``owner`` filters orders to the caller's own. Raises OrderNotFound for
    an unknown or foreign order, PaymentConfirmationInvalid for a payload the provider did
    not sign, and OrderPaymentNotUpdated when the order has no redirect payment, or its payment
    failed. A confirmation sent again returns the payment as it is (captured, or refunded since).

    A void of the payment still awaiting its outcome (the cancel of its order, staff's void) is
    superseded: a provider that confirms it took the money cannot have voided the authorisation,
    so the void's outcome is no longer awaited (payments_void_at_provider then records nothing).
    """
    with transaction.atomic():
        order = _locked_order(payment_identifier, owner)
        payment = (Payment.objects.select_for_update().filter(order=order, method__plugin=PaymentPlugin.EXTERNAL_REDIRECT)
                   .order_by("-pk").first())
        if payment is None:
            raise OrderPaymentNotUpdated("This order has no payment to confirm.")
        complete_redirect(transaction_id=payment.transaction_id, payload=payload)
        if payment.captured_amount:
            return payment
        if payment.provider_call not in ("", ProviderCall.VOID) or not can_proceed(payment.confirm):
            raise OrderPaymentNotUpdated(
                f"The payment is {payment.get_state_display().lower()}; it cannot be confirmed.",
                meta={"state": payment.state, "provider_call": payment.provider_call})
        with FSMLogDescriptor(payment, "description", _what_was_recorded(order, payment)):
            payment.confirm()
        payment.provider_call, payment.provider_call_started_at = "", None
        payment.save()
        order_update_states(order=order)
        order.save()
    if order.state == OrderState.CANCELED:
        logger.warning("Payment %s confirmed by the provider after order %s was canceled: the money is owed to the "
                       "customer until staff refund it or resume the order.", payment.uuid, order)
    return payment


def _what_was_recorded(order: Order, payment: Payment) -> str | None:
    """The payment history's note on a confirmation that came late: after the cancel, or during a void."""
    notes = []
    if payment.provider_call:
        started = timezone.localtime(payment.provider_call_started_at)
        notes.append(f"Confirmed by the provider while the void started {started:%Y-%m-%d %H:%M} awaited its "
                     f"outcome: the money was taken, so the void is no longer awaited.")
    if order.state == OrderState.CANCELED:
        notes.append(f"Confirmed by the provider after order {order} was canceled: the money is owed to the "
                     f"customer until staff refund it or resume the order.")
    return " ".join(notes) or None


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
