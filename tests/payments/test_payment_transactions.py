"""Transactions on an order's payment through the manual gateway: authorise, capture or purchase, refund."""

import pytest

from payments.exceptions import PaymentTransactionNotAllowed
from payments.models import PaymentPlugin, PaymentState, PaymentTransaction, TransactionKind
from payments.services import payment_transaction_authorize, payment_transaction_capture, payment_transaction_refund
from tests.factories import PaymentFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment():
    return PaymentFactory(authorized=True, amount=4990, method=PaymentMethodFactory(plugin=PaymentPlugin.MANUAL))


def test_authorize_then_capture_takes_the_whole_amount(payment):
    authorized = payment_transaction_authorize(payment=payment)
    captured = payment_transaction_capture(payment=payment, parent=authorized)

    payment.refresh_from_db()
    assert (authorized.kind, authorized.amount, authorized.gateway) == (TransactionKind.AUTHORIZE, 4990, "manual")
    assert (captured.kind, captured.parent, captured.amount) == (TransactionKind.CAPTURE, authorized, 4990)
    assert payment.state == PaymentState.COMPLETED and payment.captured_amount == 4990


def test_a_refund_gives_back_what_was_captured(payment):
    purchase = payment_transaction_capture(payment=payment, kind=TransactionKind.PURCHASE)

    refund = payment_transaction_refund(payment=payment, parent=purchase)

    payment.refresh_from_db()
    assert (refund.kind, refund.amount, refund.parent) == (TransactionKind.REFUND, 4990, purchase)
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == 4990


def test_what_the_payments_state_does_not_allow_is_refused_and_changes_nothing(payment):
    with pytest.raises(PaymentTransactionNotAllowed):
        payment_transaction_refund(payment=payment)  # nothing captured yet
    payment_transaction_capture(payment=payment)
    with pytest.raises(PaymentTransactionNotAllowed):
        payment_transaction_capture(payment=payment)
    with pytest.raises(PaymentTransactionNotAllowed):
        payment_transaction_authorize(payment=payment)

    payment.refresh_from_db()
    assert payment.state == PaymentState.COMPLETED and payment.captured_amount == 4990
    assert list(PaymentTransaction.objects.values_list("kind", flat=True)) == [TransactionKind.CAPTURE]
