"""Elastic Path's order ``status``, ``payment`` and ``shipping`` as views of the shop's order states.

- ``payment``: the last transaction recorded on the order's payments decides (authorize →
  authorized; purchase or capture → paid; refund → refunded). Without transactions (an
  order paid through another dialect, or a zero total): a refunded payment → refunded;
  the order's ``payment_state`` paid → paid; a payment authorised by its provider
  (not the manual gateway, which waits for ``POST /orders/:id/payments``) → authorized;
  otherwise unpaid.
- ``status``: cancelled for a canceled order; complete once paid (or refunded);
  processing while authorised; incomplete otherwise.
- ``shipping``: fulfilled once every shipment has shipped; unfulfilled otherwise.
"""

from checkout.models import OrderPaymentState, OrderShipmentState, OrderState
from payments.models import PaymentPlugin, PaymentState

LAST_TRANSACTION = {"authorize": "authorized", "purchase": "paid", "capture": "paid", "refund": "refunded"}


def _transactions(order) -> list:
    return sorted((t for p in order.payments.all() for t in p.transactions.all()), key=lambda t: (t.created_at, t.pk))


def ep_payment_status(order) -> str:
    transactions = _transactions(order)
    if transactions:
        return LAST_TRANSACTION[transactions[-1].kind]
    payments = list(order.payments.all())
    if any(p.state == PaymentState.REFUNDED for p in payments):
        return "refunded"
    if order.payment_state == OrderPaymentState.PAID:
        return "paid"
    if any(p.state == PaymentState.PENDING and p.method.plugin != PaymentPlugin.MANUAL for p in payments):
        return "authorized"
    return "unpaid"


def ep_order_status(order) -> str:
    if order.state == OrderState.CANCELED:
        return "cancelled"
    payment = ep_payment_status(order)
    if payment in ("paid", "refunded"):
        return "complete"
    if payment == "authorized":
        return "processing"
    return "incomplete"


def ep_shipping_status(order) -> str:
    return "fulfilled" if order.shipment_state == OrderShipmentState.SHIPPED else "unfulfilled"


def order_authorized_amount(order) -> int:
    """What is authorised and not yet captured."""
    total = 0
    for payment in order.payments.all():
        if payment.state != PaymentState.PENDING:
            continue
        authorized = any(t.kind == "authorize" for t in payment.transactions.all())
        if authorized or payment.method.plugin != PaymentPlugin.MANUAL:
            total += payment.amount
    return total
