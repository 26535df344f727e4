"""Canceling an order voids its held authorisations at the provider, outside any transaction.

The cancel commits first (state, shipments, stock, one ``order.canceled`` event) with each payment
the provider holds an authorisation for marked ``provider_call="void"``; then the provider is
asked, with no transaction open; then the void is recorded. A void that fails leaves the order
canceled and the payment marked, which reconcile_checkouts reports; while it is marked, the order
page offers no payment action. The shopper's redirect confirmation meanwhile is recorded: the
provider took the money, so the void is no longer awaited and the money is owed back.

Only the plugins' ``void`` is replaced: by a stand-in that notes, at the moment of the call,
whether a transaction is open and what the database has committed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_fsm_log.models import StateLog

from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from checkout.payment_confirmation import order_payment_confirm
from checkout.services import order_apply_staff_transition, payment_void
from events.models import OrderEvent
from payments.exceptions import PaymentDeclined, PaymentTransactionNotAllowed
from payments.models import Payment, PaymentPlugin, PaymentState
from payments.providers.dummy import DummyInvoicePlugin
from payments.providers.redirect import ExternalRedirectPlugin, redirect_confirmation_hash
from shipping.models import Shipment, ShipmentState, StockItem
from tests.admin.pages import act, action_url, admin_url, messages_of, transition_buttons
from tests.factories import OrderFactory, PaymentMethodFactory, UserFactory
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=2)


@dataclass(frozen=True)
class Call:
    transaction_id: str
    in_transaction: bool
    order_state: str  # the order's state as committed when the provider was asked
    marked: list[str]  # provider_call of every marked payment, as committed


class Provider:
    """Stands in for the void of the dummy invoice and external redirect plugins."""

    def __init__(self, monkeypatch):
        self.calls: list[Call] = []
        self.during = None  # what happens while the provider works: raise, or the shopper confirms
        for plugin in (DummyInvoicePlugin, ExternalRedirectPlugin):
            monkeypatch.setattr(plugin, "void", self._stand_in())

    def _stand_in(self):
        def void(plugin, *, transaction_id):
            order = Order.objects.get(payments__transaction_id=transaction_id)
            marked = list(Payment.objects.exclude(provider_call="").values_list("provider_call", flat=True))
            self.calls.append(Call(transaction_id, connection.in_atomic_block, order.state, marked))
            if self.during is not None:
                self.during()
        return void


@pytest.fixture
def provider(monkeypatch):
    return Provider(monkeypatch)


@pytest.fixture
def boss():
    return UserFactory(superuser=True)


def authorised(*, transaction_id: str = "tx-1", plugin=PaymentPlugin.DUMMY_INVOICE) -> Order:
    """A complete order whose payment is only authorised (by the provider when it has a transaction_id)."""
    order = OrderFactory(at_complete=True)
    Payment.objects.filter(order=order).update(state=PaymentState.PENDING, captured_amount=0,
                                               transaction_id=transaction_id,
                                               method=PaymentMethodFactory(plugin=plugin))
    Shipment.objects.filter(order=order).update(state=ShipmentState.PENDING)
    Order.objects.filter(pk=order.pk).update(payment_state=OrderPaymentState.BALANCE_DUE, payment_total=0,
                                             shipment_state=OrderShipmentState.PENDING)
    return Order.objects.get(pk=order.pk)


def awaiting_redirect() -> Order:
    """A placed order whose shopper never came back from the payment provider's page: stale."""
    order = authorised(transaction_id="tx-redirect", plugin=PaymentPlugin.EXTERNAL_REDIRECT)
    Payment.objects.filter(order=order).update(state=PaymentState.PROCESSING)
    Order.objects.filter(pk=order.pk).update(completed_at=LONG_AGO)
    return order


def on_hand(order: Order) -> int:
    return StockItem.objects.get(variant=order.line_items.get().variant).count_on_hand


def events(order: Order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("type", flat=True))


def command(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    return out.getvalue()


def admin_cancel(order: Order, boss, client):
    client.force_login(boss)
    response = act(client, order, "cancel")
    assert response.status_code == 200
    return response


def confirm_redirect(order: Order):
    payment = order.payments.get()
    return order_payment_confirm(
        payment_identifier=order.reference, owner={"customer_id": order.customer_id},
        payload=[{"type": "payment-confirmation", "hash": redirect_confirmation_hash(payment.transaction_id)}])


# --- the void at the provider: after the cancel has committed, outside any transaction ----------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["staff", "admin", "cancel_stale_orders"])
def test_cancel_voids_the_authorisation_at_the_provider_outside_any_transaction_after_the_cancel_committed(
        provider, boss, client, path):
    order = awaiting_redirect() if path == "cancel_stale_orders" else authorised()
    payment = order.payments.get()
    assert on_hand(order) == 8

    if path == "staff":
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)
    elif path == "admin":
        response = admin_cancel(order, boss, client)
        assert messages_of(response) == [f"Cancel order: order {order} is now canceled."]
    else:
        out = command("cancel_stale_orders", "--older-than", "24h")
        assert f"canceled {order.reference}" in out and "1 orders canceled." in out

    assert provider.calls == [Call(payment.transaction_id, in_transaction=False, order_state=OrderState.CANCELED,
                                   marked=["void"])]
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.state, payment.provider_call, payment.provider_call_started_at) == (PaymentState.VOID, "", None)
    assert (order.state, order.payment_state, order.shipment_state) == ("canceled", "void", "canceled")
    assert on_hand(order) == 10
    assert events(order) == ["order.canceled"]
    by = None if path == "cancel_stale_orders" else boss.pk
    assert list(StateLog.objects.for_(payment).values_list("transition", "by_id")) == [("void", by)]


def test_a_payment_without_a_provider_reference_is_voided_in_the_cancel_without_asking_the_provider(
        provider, boss):
    order = authorised(transaction_id="")  # an invoice (or manual) payment: nothing held anywhere

    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    assert provider.calls == []
    payment = order.payments.get()
    assert (payment.state, payment.provider_call) == (PaymentState.VOID, "")
    assert events(order) == ["order.canceled"]


def test_a_captured_payment_is_not_voided_and_the_provider_is_not_asked(provider, boss):
    order = OrderFactory(at_complete=True)
    Payment.objects.filter(order=order).update(transaction_id="tx-1")

    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    assert provider.calls == []
    order.refresh_from_db()
    assert order.payments.get().state == PaymentState.COMPLETED
    assert order.payment_state == OrderPaymentState.CREDIT_OWED


# --- a void that fails: the cancel stands, the payment stays marked, reconciliation reports it ------


def timeout():
    raise ConnectionError("provider timed out")


def decline():
    raise PaymentDeclined(meta={"reason": "unknown authorisation"})


@pytest.mark.parametrize("failure", [timeout, decline], ids=["timeout", "refusal"])
def test_a_failing_provider_void_leaves_the_order_canceled_and_the_payment_marked_for_reconciliation(
        provider, boss, failure):
    order = authorised()
    payment = order.payments.get()
    provider.during = failure

    returned = order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)

    assert returned.state == OrderState.CANCELED
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, order.payment_state, order.shipment_state) == ("canceled", "void", "canceled")
    assert on_hand(order) == 10
    assert events(order) == ["order.canceled"]
    assert (payment.state, payment.provider_call) == (PaymentState.PENDING, "void")
    assert payment.provider_call_started_at is not None
    assert "Payment provider calls without a recorded outcome: 0" in command("reconcile_checkouts")

    Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now() - timedelta(minutes=6))
    report = command("reconcile_checkouts")
    assert "Payment provider calls without a recorded outcome: 1" in report
    assert f"payment {payment.uuid} of order {order}: void of" in report and "check with the provider" in report
    # Marked, the payment takes no other action meanwhile.
    with pytest.raises(PaymentTransactionNotAllowed, match="void of this payment is under way"):
        payment_void(payment=payment, by=boss)
    assert len(provider.calls) == 1


def test_cancel_stale_orders_counts_an_order_canceled_even_when_its_provider_void_fails(provider):
    order = awaiting_redirect()
    provider.during = timeout

    out = command("cancel_stale_orders", "--older-than", "24h")  # no CommandError: every order was canceled

    assert f"canceled {order.reference}" in out and "1 orders canceled." in out
    order.refresh_from_db()
    assert order.state == OrderState.CANCELED
    assert order.payments.get().provider_call == "void"
    assert "0 orders waiting" in command("cancel_stale_orders")  # not retried: reconciliation reports it


def test_the_admin_says_when_the_provider_did_not_confirm_the_void_of_a_canceled_order(provider, boss, client):
    order = authorised()
    payment = order.payments.get()
    provider.during = timeout

    response = admin_cancel(order, boss, client)

    [message] = messages_of(response)
    assert message.startswith(f"Cancel order: order {order} is now canceled. The provider did not confirm the void of ")
    assert message.endswith(": check with the provider.") and str(payment.method) in message
    page = response.content.decode()
    assert "Void: provider call under way since" in page
    # No void to retry by hand, no resume; staff check with the provider and, once it had its time to
    # answer, settle the void.
    assert transition_buttons(response) == set()
    Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now() - timedelta(minutes=10))
    page = client.get(admin_url(Order, "change", order.pk))
    assert transition_buttons(page) == {"provider_did_it", "provider_did_nothing"}


# --- the shopper's confirmation while a void is under way: the money taken is recorded ------------


@pytest.mark.parametrize("path", ["staff void", "cancel_stale_orders"])
def test_a_redirect_payment_confirmed_while_its_void_is_under_way_is_recorded_as_captured_and_the_void_not(
        provider, boss, path, caplog):
    order = awaiting_redirect()
    confirmed = []
    provider.during = lambda: confirmed.append(confirm_redirect(order))

    if path == "staff void":
        with pytest.raises(PaymentTransactionNotAllowed,
                           match="No void of this payment awaits its outcome any more: the payment is captured."):
            payment_void(payment=order.payments.get(), by=boss)
    else:
        command("cancel_stale_orders", "--older-than", "24h")
        assert "the provider confirmed the payment while its void was under way" in caplog.text

    assert len(provider.calls) == 1
    payment = order.payments.get()
    order.refresh_from_db()
    assert confirmed == [payment]
    assert (payment.state, payment.captured_amount, payment.provider_call) == (PaymentState.COMPLETED,
                                                                              order.grand_total, "")
    if path == "staff void":  # the order stands: paid
        assert (order.state, order.payment_state) == (OrderState.COMPLETE, OrderPaymentState.PAID)
    else:  # canceled, and the money taken is owed back
        assert (order.state, order.payment_state) == (OrderState.CANCELED, OrderPaymentState.CREDIT_OWED)
    [log] = StateLog.objects.for_(payment).filter(transition="confirm")
    assert log.source_state == PaymentState.PROCESSING
    assert "while the void started" in log.description and "the void is no longer awaited" in log.description
    assert confirm_redirect(order).state == PaymentState.COMPLETED  # and again, as a repeat: the same


@postgres_only[0]
@postgres_only[1]
def test_a_cancel_and_the_shoppers_confirmation_at_once_end_canceled_with_the_money_owed(provider, boss):
    order = awaiting_redirect()
    provider.during = lambda: time.sleep(0.3)  # a slow provider: the confirmation arrives meanwhile

    results = run_together([lambda: order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss),
                            lambda: confirm_redirect(order)])

    assert not any(isinstance(result, Exception) for result in results), results
    payment = order.payments.get()
    order.refresh_from_db()
    assert order.state == OrderState.CANCELED and payment.provider_call == ""
    assert (payment.state, payment.captured_amount) == (PaymentState.COMPLETED, order.grand_total)
    assert order.payment_state == OrderPaymentState.CREDIT_OWED
    # The confirmation came first (nothing to void), during the void (not recorded), or after it.
    assert [c.in_transaction for c in provider.calls] in ([], [False])
    history = list(StateLog.objects.for_(payment).order_by("pk").values_list("transition", flat=True))
    assert history in (["confirm"], ["void", "confirm"])
    assert events(order).count("order.canceled") == 1


def test_a_redirect_payment_whose_void_never_got_an_answer_is_confirmed_and_the_mark_cleared(provider):
    order = awaiting_redirect()
    Payment.objects.filter(order=order).update(provider_call="void", provider_call_started_at=LONG_AGO)

    confirm_redirect(order)

    payment = order.payments.get()
    assert (payment.state, payment.captured_amount, payment.provider_call) == (PaymentState.COMPLETED,
                                                                              payment.amount, "")
    assert "Payment provider calls without a recorded outcome: 0" in command("reconcile_checkouts")
    assert provider.calls == []


# --- the order page while a provider call is under way ------------------------------------------


def test_the_order_page_offers_no_payment_action_and_no_cancel_while_a_provider_call_is_under_way(
        provider, boss, client):
    order = authorised()
    payment = order.payments.get()
    client.force_login(boss)
    page = admin_url(Order, "change", order.pk)
    assert {"capture", "void", "cancel"} <= transition_buttons(client.get(page))

    Payment.objects.filter(pk=payment.pk).update(provider_call="capture", provider_call_started_at=timezone.now())
    response = client.get(page)

    assert response.status_code == 200
    assert not {"capture", "refund", "void", "cancel"} & transition_buttons(response)
    assert "Capture: provider call under way since" in response.content.decode()
    refused = client.get(action_url(order, "void", payment), follow=True)  # a stale link to the action
    [message] = messages_of(refused)
    assert message.startswith("Void ") and message.endswith(f"is not possible for order {order} now.")
    payment.refresh_from_db()
    assert (payment.state, payment.provider_call) == (PaymentState.PENDING, "capture")
    assert provider.calls == []


def test_the_payment_page_shows_the_provider_call_read_only(boss, client):
    order = authorised()
    payment = order.payments.get()
    started = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(provider_call="void", provider_call_started_at=started)
    client.force_login(boss)

    response = client.get(admin_url(Payment, "change", payment.pk))

    assert response.status_code == 200
    adminform = response.context["adminform"]
    assert {"provider_call", "provider_call_started_at"} <= set(adminform.readonly_fields)
    assert not {"provider_call", "provider_call_started_at"} & set(adminform.form.fields)  # shown, not edited
    page = response.content.decode()
    assert "field-provider_call" in page and "field-provider_call_started_at" in page
