"""Paying for a placed order afterwards, through the manual gateway (Elastic Path's
``POST /orders/:id/payments`` and ``/transactions/:id/capture|refund``).

At checkout an Elastic Path order gets a payment of the manual method for its grand total,
waiting (``pending``) and with nothing captured. Each call here records one transaction
on that payment, moves the payment through its state machine and brings the order's
``payment_state`` in line, under the order's and the payment's row locks. Moving money
asks the gateway between two short transactions, the call journalled on the payment
(payments.services): the first makes the refusals and marks the call, so two clients
paying at once cannot both capture; the second records the outcome.

Only staff say that money moved (core.staff_rights): a purchase, a capture or a refund asks ``by``
for its act first, and the payment's history names them. The shopper may only authorise.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from checkout.exceptions import OrderPaymentNotUpdated
from checkout.models import Order, OrderState
from checkout.selectors import order_get_for_update
from checkout.services import order_update_states
from core.errors import NotFound
from core.identifiers import parse_uuid
from core.staff_rights import StaffAct, staff_require
from payments.models import Payment, PaymentPlugin, PaymentTransaction, ProviderCall, TransactionKind
from payments.selectors import payment_get_for_update
from payments.services import (
    payment_call_make,
    payment_call_record,
    payment_call_start,
    payment_transaction_authorize,
)

ACTIONS = ("authorize", "purchase")


class TransactionNotFound(NotFound):
    code = "transaction_not_found"
    default_detail = "Transaction not found."


def order_payment_transact(*, order_id: int, action: str, by=None) -> PaymentTransaction:
    """``authorize`` records the order's amount as authorised; ``purchase`` takes it at once, as ``by``."""
    if action not in ACTIONS:
        raise OrderPaymentNotUpdated(f"The manual gateway takes the methods {', '.join(ACTIONS)}.",
                                     meta={"method": action})
    if action == "purchase":
        staff_require(by, StaffAct.RECORD_PAYMENT)
        return _move_money(order_id, ProviderCall.CAPTURE, kind=TransactionKind.PURCHASE, by=by)
    with transaction.atomic():
        order, payment = _locked(order_id)
        if payment.transactions.filter(kind=TransactionKind.AUTHORIZE).exists():
            raise OrderPaymentNotUpdated("The order's payment is already authorised; capture it.")
        made = payment_transaction_authorize(payment=payment)
        _settle(order)
    return made


def order_transaction_capture(*, order_id: int, transaction_uuid, by) -> PaymentTransaction:
    staff_require(by, StaffAct.CAPTURE_PAYMENT)

    def authorisation(payment: Payment) -> PaymentTransaction:
        parent = _transaction(payment, transaction_uuid)
        if parent.kind != TransactionKind.AUTHORIZE:
            raise OrderPaymentNotUpdated("Only an authorisation can be captured.", meta={"transaction": parent.kind})
        return parent

    return _move_money(order_id, ProviderCall.CAPTURE, parent_of=authorisation, by=by)


def order_transaction_refund(*, order_id: int, transaction_uuid, by) -> PaymentTransaction:
    staff_require(by, StaffAct.REFUND_PAYMENT)

    def money_taken(payment: Payment) -> PaymentTransaction:
        parent = _transaction(payment, transaction_uuid)
        if parent.kind not in (TransactionKind.PURCHASE, TransactionKind.CAPTURE):
            raise OrderPaymentNotUpdated("Only a purchase or a capture can be refunded.",
                                         meta={"transaction": parent.kind})
        return parent

    return _move_money(order_id, ProviderCall.REFUND, parent_of=money_taken, allow_canceled=True, by=by)


def _move_money(order_id: int, call: str, *, by, kind: str = TransactionKind.CAPTURE,
                parent_of: Callable[[Payment], PaymentTransaction] | None = None,
                allow_canceled: bool = False) -> PaymentTransaction:
    """Refusals and the mark in one transaction (``parent_of`` finds the transaction acted on), the gateway
    outside any, the outcome in a second one."""
    with transaction.atomic(durable=True):
        order, payment = _locked(order_id, allow_canceled=allow_canceled)
        parent = parent_of(payment) if parent_of else None
        payment_call_start(payment=payment, call=call)
    payment_call_make(payment=payment, call=call)
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=order_id)
        payment = payment_get_for_update(pk=payment.pk)
        made = payment_call_record(payment=payment, call=call, parent=parent, kind=kind, by=by)
        _settle(order)
    return made


def _locked(order_id: int, *, allow_canceled: bool = False) -> tuple[Order, Payment]:
    order = order_get_for_update(order_id=order_id)
    allowed = (OrderState.COMPLETE, OrderState.CANCELED) if allow_canceled else (OrderState.COMPLETE,)
    if order.state not in allowed:
        raise OrderPaymentNotUpdated(f"The order is {order.get_state_display().lower()}; it takes no payment.",
                                     meta={"state": order.state})
    payment = (Payment.objects.select_for_update(of=("self",)).select_related("method")
               .filter(order=order).order_by("pk").first())
    if payment is None:
        raise OrderPaymentNotUpdated("The order has nothing to pay.", meta={"grand_total": order.grand_total})
    if payment.method.plugin != PaymentPlugin.MANUAL:
        raise OrderPaymentNotUpdated(f"The order is paid through {payment.method}; the manual gateway cannot "
                                     f"move its money.", meta={"gateway": payment.method.plugin})
    return order, payment


def _transaction(payment: Payment, transaction_uuid) -> PaymentTransaction:
    key = parse_uuid(transaction_uuid)
    found = payment.transactions.filter(uuid=key).first() if key else None
    if found is None:
        raise TransactionNotFound(meta={"id": str(transaction_uuid)})
    return found


def _settle(order: Order) -> None:
    order_update_states(order=order)
    order.save()
