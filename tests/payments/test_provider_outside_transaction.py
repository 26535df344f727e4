"""Capturing, refunding and voiding an order's payment never call the provider inside a transaction.

Staff's actions (checkout.services.payment_capture/refund/void), Elastic Path's manual gateway
(checkout.order_payments) and the payments' own services journal the call on the payment
(``provider_call``, committed before the call), call the provider outside any transaction,
then record the outcome. A provider refusal changes nothing; a second action while a call is
under way is refused; a call whose outcome was never recorded is reported by reconciliation.

The plugins' capture, refund and void are replaced by a stand-in that notes, at the moment of
the call, whether a transaction is open and which payments are marked in the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog

from checkout.exceptions import OrderTransitionNotAllowed
from checkout.models import Order, OrderPaymentState, OrderShipmentState
from checkout.order_payments import order_payment_transact, order_transaction_capture, order_transaction_refund
from checkout.services import order_apply_staff_transition, payment_capture, payment_refund, payment_void
from payments.exceptions import PaymentDeclined, PaymentTransactionNotAllowed
from payments.models import Payment, PaymentPlugin, PaymentState, PaymentTransaction, TransactionKind
from payments.providers.dummy import DummyInvoicePlugin
from payments.providers.manual import ManualPlugin
from payments.services import payment_transaction_capture, payment_transaction_refund, payment_transaction_void
from shipping.models import Shipment, ShipmentState
from tests.factories import OrderFactory, PaymentMethodFactory, UserFactory
from tests.races import postgres_only, run_together

# Real commits: ``connection.in_atomic_block`` then tells whether the provider runs inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Call:
    name: str
    in_transaction: bool
    marked: list[str]  # the provider_call of every marked payment, as the database has it


class Provider:
    """Stands in for the capture, refund and void of the dummy invoice and manual plugins."""

    def __init__(self, monkeypatch):
        self.calls: list[Call] = []
        self.during = None  # what happens while the provider works: raise, or try a second action
        for plugin in (DummyInvoicePlugin, ManualPlugin):
            for name in ("capture", "refund", "void"):
                monkeypatch.setattr(plugin, name, self._stand_in(name))

    def _stand_in(self, name):
        def call(plugin, *, transaction_id, **money):
            marked = list(Payment.objects.exclude(provider_call="").values_list("provider_call", flat=True))
            self.calls.append(Call(name, connection.in_atomic_block, marked))
            if self.during is not None:
                self.during()
        return call


@pytest.fixture
def provider(monkeypatch):
    return Provider(monkeypatch)


@pytest.fixture
def boss():
    return UserFactory(superuser=True)


def captured(*, plugin=PaymentPlugin.DUMMY_INVOICE) -> Order:
    """Complete and paid: one captured payment with the provider's reference, a shipment ready."""
    order = OrderFactory(at_complete=True)
    Payment.objects.filter(order=order).update(transaction_id="tx-1", method=PaymentMethodFactory(plugin=plugin))
    return order


def authorised(*, plugin=PaymentPlugin.DUMMY_INVOICE) -> Order:
    """The same order with its payment only authorised: balance due, its shipment waiting."""
    order = captured(plugin=plugin)
    Payment.objects.filter(order=order).update(state=PaymentState.PENDING, captured_amount=0)
    Shipment.objects.filter(order=order).update(state=ShipmentState.PENDING)
    Order.objects.filter(pk=order.pk).update(payment_state=OrderPaymentState.BALANCE_DUE, payment_total=0,
                                             shipment_state=OrderShipmentState.PENDING)
    return order


def ep_authorised() -> Order:
    order = authorised(plugin=PaymentPlugin.MANUAL)
    order_payment_transact(order_id=order.pk, action="authorize")  # records only: the gateway is not asked
    return order


def ep_purchased() -> Order:
    order = authorised(plugin=PaymentPlugin.MANUAL)
    order_payment_transact(order_id=order.pk, action="purchase", by=UserFactory(superuser=True))
    return order


def transaction_of(order: Order, kind: str) -> PaymentTransaction:
    return PaymentTransaction.objects.get(payment__order=order, kind=kind)


# Each action: how its order is made, how it is done (by a superuser), the provider call, the payment after.
ACTIONS = {
    "staff capture": (authorised, lambda o, by: payment_capture(payment=o.payments.get(), by=by),
                      "capture", PaymentState.COMPLETED),
    "staff refund": (captured, lambda o, by: payment_refund(payment=o.payments.get(), by=by),
                     "refund", PaymentState.REFUNDED),
    "staff void": (authorised, lambda o, by: payment_void(payment=o.payments.get(), by=by),
                   "void", PaymentState.VOID),
    "EP purchase": (lambda: authorised(plugin=PaymentPlugin.MANUAL),
                    lambda o, by: order_payment_transact(order_id=o.pk, action="purchase", by=by),
                    "capture", PaymentState.COMPLETED),
    "EP capture": (ep_authorised,
                   lambda o, by: order_transaction_capture(order_id=o.pk, by=by,
                                                           transaction_uuid=transaction_of(o, "authorize").uuid),
                   "capture", PaymentState.COMPLETED),
    "EP refund": (ep_purchased,
                  lambda o, by: order_transaction_refund(order_id=o.pk, by=by,
                                                         transaction_uuid=transaction_of(o, "purchase").uuid),
                  "refund", PaymentState.REFUNDED),
    "payment capture": (authorised, lambda o, by: payment_transaction_capture(payment=o.payments.get(), by=by),
                        "capture", PaymentState.COMPLETED),
    "payment refund": (captured, lambda o, by: payment_transaction_refund(payment=o.payments.get(), by=by),
                       "refund", PaymentState.REFUNDED),
    "payment void": (authorised, lambda o, by: payment_transaction_void(payment=o.payments.get(), by=by),
                     "void", PaymentState.VOID),
}


def snapshot(order: Order) -> dict:
    return {
        "payments": list(Payment.objects.filter(order=order).values_list(
            "state", "captured_amount", "refunded_amount", "provider_call", "provider_call_started_at")),
        "transactions": list(PaymentTransaction.objects.filter(payment__order=order).values_list("kind", "amount")),
        "order": Order.objects.filter(pk=order.pk).values_list(
            "state", "payment_state", "payment_total", "shipment_state").get(),
        "shipments": list(Shipment.objects.filter(order=order).values_list("state", flat=True)),
        "history": StateLog.objects.for_(order.payments.get()).count(),
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_the_provider_is_called_outside_any_transaction_with_the_call_journalled(provider, boss, action):
    make, act, call, state = ACTIONS[action]
    order = make()
    provider.calls.clear()

    act(order, boss)

    assert provider.calls == [Call(call, in_transaction=False, marked=[call])]
    payment = order.payments.get()
    assert (payment.state, payment.provider_call, payment.provider_call_started_at) == (state, "", None)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_provider_refusal_leaves_the_payment_and_the_order_as_they_were(provider, boss, action):
    make, act, call, _ = ACTIONS[action]
    order = make()
    provider.calls.clear()
    before = snapshot(order)

    def decline():
        raise PaymentDeclined(meta={"reason": "test"})

    provider.during = decline
    with pytest.raises(PaymentDeclined):
        act(order, boss)

    assert [c.name for c in provider.calls] == [call]
    assert snapshot(order) == before


def test_staff_capture_reports_what_the_order_became(provider, boss):
    order = authorised()
    payment = payment_capture(payment=order.payments.get(), by=boss)
    order.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.COMPLETED, payment.amount)
    assert (order.payment_state, order.payment_total, order.shipment_state) == (
        OrderPaymentState.PAID, payment.amount, OrderShipmentState.READY)
    assert list(PaymentTransaction.objects.filter(payment=payment).values_list("kind", "gateway", "amount")) == [
        (TransactionKind.CAPTURE, PaymentPlugin.DUMMY_INVOICE, payment.amount)]
    assert StateLog.objects.for_(payment).filter(transition="capture", by=boss).exists()


def test_while_a_capture_is_under_way_every_other_action_on_the_payment_is_refused(provider, boss):
    order = authorised()
    payment = order.payments.get()
    refusals = []

    def others():
        for other in (lambda: payment_capture(payment=payment, by=boss),
                      lambda: payment_void(payment=payment, by=boss),
                      lambda: payment_transaction_capture(payment=payment),
                      lambda: order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)):
            with pytest.raises((PaymentTransactionNotAllowed, OrderTransitionNotAllowed)) as refused:
                other()
            refusals.append((type(refused.value).__name__, refused.value.meta.get("provider_call")))

    provider.during = others
    payment_capture(payment=payment, by=boss)

    assert refusals == [("PaymentTransactionNotAllowed", "capture")] * 3 + [("OrderTransitionNotAllowed", "capture")]
    assert [c.name for c in provider.calls] == ["capture"]  # the refused ones never reached the provider
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, payment.state, payment.provider_call) == ("complete", PaymentState.COMPLETED, "")
    assert PaymentTransaction.objects.filter(payment=payment).count() == 1


def test_while_a_refund_is_under_way_a_second_refund_is_refused(provider, boss):
    order = captured()
    payment = order.payments.get()

    def again():
        with pytest.raises(PaymentTransactionNotAllowed, match="refund of this payment is under way"):
            payment_refund(payment=payment, by=boss)

    provider.during = again
    payment_refund(payment=payment, by=boss)

    assert [c.name for c in provider.calls] == ["refund"]
    payment.refresh_from_db()
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, payment.captured_amount)
    assert PaymentTransaction.objects.filter(payment=payment, kind="refund").count() == 1


def test_while_the_manual_gateway_takes_a_purchase_nothing_else_is_recorded_on_the_payment(provider, boss):
    order = authorised(plugin=PaymentPlugin.MANUAL)

    def others():
        for action in ("purchase", "authorize"):
            with pytest.raises(PaymentTransactionNotAllowed):
                order_payment_transact(order_id=order.pk, action=action, by=boss)

    provider.during = others
    order_payment_transact(order_id=order.pk, action="purchase", by=boss)

    assert list(PaymentTransaction.objects.filter(payment__order=order).values_list("kind", flat=True)) == [
        TransactionKind.PURCHASE]
    order.refresh_from_db()
    assert order.payment_state == OrderPaymentState.PAID


def test_the_services_refuse_to_run_inside_a_callers_transaction(provider, boss):
    order = authorised()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        payment_capture(payment=order.payments.get(), by=boss)
    assert provider.calls == []


def reconcile(*args) -> str:
    out = StringIO()
    call_command("reconcile_checkouts", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_provider_call_without_an_outcome_stays_marked_and_reconciliation_reports_it(provider, boss):
    order = authorised()
    payment = order.payments.get()

    def timeout():
        raise ConnectionError("provider timed out")

    provider.during = timeout
    with pytest.raises(ConnectionError):
        payment_capture(payment=payment, by=boss)

    payment.refresh_from_db()
    # Whether the money moved is unknown: the payment keeps its state and the mark, and takes no other action.
    assert (payment.state, payment.provider_call) == (PaymentState.PENDING, "capture")
    provider.during = None
    with pytest.raises(PaymentTransactionNotAllowed):
        payment_capture(payment=payment, by=boss)
    assert "Payment provider calls without a recorded outcome: 0" in reconcile()  # a call may take a moment

    Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now() - timedelta(minutes=10))
    report = reconcile()
    assert "Payment provider calls without a recorded outcome: 1" in report
    assert f"payment {payment.uuid} of order {order}: capture of" in report and "check with the provider" in report
    fixed = reconcile("--fix")
    assert "Payment provider calls without a recorded outcome: 1, fixed 0" in fixed  # reported, never repaired
    payment.refresh_from_db()
    assert (payment.state, payment.provider_call) == (PaymentState.PENDING, "capture")
    assert [c.name for c in provider.calls] == ["capture"]


def test_a_call_is_marked_only_with_its_start():
    payment = authorised().payments.get()
    with pytest.raises(IntegrityError, match="payment_provider_call_has_start|provider_call"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(provider_call="capture")
    with pytest.raises(IntegrityError, match="payment_provider_call_has_start|provider_call"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now())


@postgres_only[0]
@postgres_only[1]
@pytest.mark.parametrize("action", ["staff capture", "EP purchase"])
def test_two_captures_at_once_take_the_money_once(provider, boss, action):
    make, act, _, _ = ACTIONS[action]
    order = make()
    provider.calls.clear()
    provider.during = lambda: time.sleep(0.3)  # a slow provider: the second capture arrives meanwhile

    results = run_together([lambda: act(order, boss), lambda: act(order, boss)])

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], PaymentTransactionNotAllowed), results
    assert len(provider.calls) == 1 and not provider.calls[0].in_transaction
    assert PaymentTransaction.objects.filter(payment__order=order).exclude(kind="authorize").count() == 1
    payment = order.payments.get()
    assert (payment.state, payment.captured_amount, payment.provider_call) == (
        PaymentState.COMPLETED, payment.amount, "")
