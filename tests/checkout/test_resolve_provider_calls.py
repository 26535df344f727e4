"""Staff settle a provider call whose outcome was never recorded, and a canceled order waits for it.

A capture, refund or void whose provider timed out (or whose process died) leaves its payment
marked (``provider_call``). Once staff have asked the provider, checkout.services.payment_call_settle
records what it says: "the provider did it" records the call as a confirmed one would have been
(the transition, the amounts, the transaction, the order's states); "the provider did nothing"
clears the mark and leaves the payment as it was. Both are refused to staff without the call's
permission and checkout.change_order, and when the payment is not marked for that call (any more).
The order page offers them next to the marked payment, confirm-first. A canceled order whose void
was never confirmed is not resumed until its call is settled.

Only the dummy invoice plugin's capture, refund and void are replaced, by a stand-in that notes
each call: settling never calls the provider.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog

from checkout.exceptions import OrderTransitionForbidden, OrderTransitionNotAllowed
from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from checkout.services import order_apply_staff_transition, payment_call_settle, payment_capture, payment_refund
from core.money import format_money
from payments.exceptions import PaymentTransactionNotAllowed
from payments.models import Payment, PaymentPlugin, PaymentState, PaymentTransaction
from payments.providers.dummy import DummyInvoicePlugin
from shipping.models import Shipment, ShipmentState, StockItem
from tests.admin.pages import FormFields, act, action_url, admin_url, messages_of, transition_buttons
from tests.factories import OrderFactory, PaymentMethodFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

SETTLE = {"provider_did_it", "provider_did_nothing"}
ORDER_CLERK = ("checkout.view_order", "checkout.change_order")


class Provider:
    """Stands in for the dummy invoice plugin's capture, refund and void; ``during`` runs in the call."""

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        self.during = None
        for name in ("capture", "refund", "void"):
            monkeypatch.setattr(DummyInvoicePlugin, name, self._stand_in(name))

    def _stand_in(self, name):
        def call(plugin, *, transaction_id, **money):
            self.calls.append(name)
            if self.during is not None:
                self.during()
        return call


@pytest.fixture
def provider(monkeypatch):
    return Provider(monkeypatch)


@pytest.fixture
def boss():
    return UserFactory(superuser=True)


def timeout():
    raise ConnectionError("provider timed out")


# --- orders whose payment's provider call lost its outcome ------------------------------------------


def captured() -> Order:
    """Complete and paid: one captured payment with the provider's reference, its shipment ready."""
    order = OrderFactory(at_complete=True)
    Payment.objects.filter(order=order).update(transaction_id="tx-1",
                                               method=PaymentMethodFactory(plugin=PaymentPlugin.DUMMY_INVOICE))
    return Order.objects.get(pk=order.pk)


def authorised() -> Order:
    """The same order with its payment only authorised: balance due, its shipment waiting."""
    order = captured()
    Payment.objects.filter(order=order).update(state=PaymentState.PENDING, captured_amount=0)
    Shipment.objects.filter(order=order).update(state=ShipmentState.PENDING)
    Order.objects.filter(pk=order.pk).update(payment_state=OrderPaymentState.BALANCE_DUE, payment_total=0,
                                             shipment_state=OrderShipmentState.PENDING)
    return Order.objects.get(pk=order.pk)


def stuck(call: str, provider, boss) -> Order:
    """An order whose ``call`` timed out at the provider, made the way staff make it (for a void: the cancel)."""
    order = authorised() if call in ("capture", "void") else captured()
    provider.during = timeout
    if call == "void":
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=boss)  # the void is logged, not raised
    else:
        with pytest.raises(ConnectionError):
            {"capture": payment_capture, "refund": payment_refund}[call](payment=order.payments.get(), by=boss)
    provider.during = None
    provider.calls.clear()
    payment = order.payments.get()
    assert payment.provider_call == call
    # The provider had its time to answer: staff may settle the call now.
    Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now() - timedelta(minutes=10))
    return Order.objects.get(pk=order.pk)


def snapshot(order: Order) -> dict:
    return {
        "payment": Payment.objects.filter(order=order).values_list(
            "state", "captured_amount", "refunded_amount", "provider_call").get(),
        "transactions": list(PaymentTransaction.objects.filter(payment__order=order).values_list("kind", "amount")),
        "order": Order.objects.filter(pk=order.pk).values_list(
            "state", "payment_state", "payment_total", "shipment_state").get(),
        "shipments": list(Shipment.objects.filter(order=order).values_list("state", flat=True)),
    }


def on_hand(order: Order) -> int:
    return StockItem.objects.get(variant=order.line_items.get().variant).count_on_hand


# --- the provider did it: recorded as a confirmed call --------------------------------------------


def done(order: Order, call: str) -> dict:
    """What the order looks like once ``call`` is recorded as done."""
    amount = order.payments.get().amount
    return {
        "capture": {"payment": (PaymentState.COMPLETED, amount, 0, ""),
                    "transactions": [("capture", amount)],
                    "order": (OrderState.COMPLETE, OrderPaymentState.PAID, amount, OrderShipmentState.READY),
                    "shipments": [ShipmentState.READY]},
        "refund": {"payment": (PaymentState.REFUNDED, amount, amount, ""),
                   "transactions": [("refund", amount)],
                   "order": (OrderState.COMPLETE, OrderPaymentState.BALANCE_DUE, 0, OrderShipmentState.READY),
                   "shipments": [ShipmentState.READY]},
        "void": {"payment": (PaymentState.VOID, 0, 0, ""),
                 "transactions": [],
                 "order": (OrderState.CANCELED, OrderPaymentState.VOID, 0, OrderShipmentState.CANCELED),
                 "shipments": [ShipmentState.CANCELED]},
    }[call]


@pytest.mark.parametrize("call", ["capture", "refund", "void"])
def test_the_provider_did_it_records_the_call_as_a_confirmed_one_without_asking_the_provider(
        provider, boss, call, caplog):
    order = stuck(call, provider, boss)
    payment = order.payments.get()
    history = StateLog.objects.for_(payment).count()

    with caplog.at_level(logging.WARNING, logger="checkout.services"):
        settled = payment_call_settle(payment=payment, call=call, done=True, by=boss)

    assert provider.calls == []
    assert snapshot(order) == done(order, call)
    assert (settled.state, settled.provider_call, settled.provider_call_started_at) == (
        done(order, call)["payment"][0], "", None)
    transition = StateLog.objects.for_(payment).order_by("pk").last()
    assert StateLog.objects.for_(payment).count() == history + 1
    assert (transition.transition, transition.by) == (call, boss)
    assert f"{boss} confirmed that the provider did the {call} started" in transition.description
    assert f"the {call} started" in caplog.text and f"settled by staff user {boss}" in caplog.text
    assert "the provider did it; recorded" in caplog.text


def test_the_provider_did_it_for_a_capture_writes_the_transaction_the_staff_capture_writes(provider, boss):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()

    payment_call_settle(payment=payment, call="capture", done=True, by=boss)

    assert list(PaymentTransaction.objects.filter(payment=payment).values_list("kind", "gateway", "amount",
                                                                               "currency")) == [
        ("capture", PaymentPlugin.DUMMY_INVOICE, payment.amount, payment.currency)]


# --- the provider did nothing: the mark cleared, the payment as it was ----------------------------


@pytest.mark.parametrize("call", ["capture", "refund", "void"])
def test_the_provider_did_nothing_clears_the_mark_and_leaves_the_payment_as_it_was(provider, boss, call, caplog):
    order = stuck(call, provider, boss)
    payment = order.payments.get()
    before = snapshot(order)

    with caplog.at_level(logging.WARNING, logger="checkout.services"):
        settled = payment_call_settle(payment=payment, call=call, done=False, by=boss)

    assert provider.calls == []
    after = snapshot(order)
    assert after["payment"] == (*before["payment"][:3], "")
    assert {k: v for k, v in after.items() if k != "payment"} == {k: v for k, v in before.items() if k != "payment"}
    assert (settled.provider_call, settled.provider_call_started_at) == ("", None)
    trace = StateLog.objects.for_(payment).order_by("pk").last()
    assert (trace.transition, trace.source_state, trace.state, trace.by) == (
        f"{call}_not_done", payment.state, payment.state, boss)
    assert f"{boss} confirmed that the provider did nothing for the {call}" in trace.description
    assert "the provider did nothing; mark cleared" in caplog.text


def test_once_the_provider_did_nothing_the_payment_takes_its_actions_again(provider, boss):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    payment_call_settle(payment=payment, call="capture", done=False, by=boss)

    payment_capture(payment=payment, by=boss)

    assert provider.calls == ["capture"]  # staff's own capture, afterwards
    payment.refresh_from_db()
    assert (payment.state, payment.provider_call) == (PaymentState.COMPLETED, "")


# --- refusals: nothing changes, the provider is not asked ---------------------------------------


@pytest.mark.parametrize("done_", [True, False], ids=["did it", "did nothing"])
def test_settling_a_payment_no_longer_marked_is_refused(provider, boss, done_):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    payment_call_settle(payment=payment, call="capture", done=False, by=boss)  # settled by someone else
    before = snapshot(order)

    with pytest.raises(PaymentTransactionNotAllowed, match="No capture of this payment awaits its outcome") as refused:
        payment_call_settle(payment=payment, call="capture", done=done_, by=boss)

    assert refused.value.meta == {"state": PaymentState.PENDING, "provider_call": ""}
    assert snapshot(order) == before
    assert provider.calls == []


@pytest.mark.parametrize("done_", [True, False], ids=["did it", "did nothing"])
def test_settling_another_call_than_the_one_marked_is_refused(provider, boss, done_):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    before = snapshot(order)
    history = StateLog.objects.for_(payment).count()

    with pytest.raises(PaymentTransactionNotAllowed, match="No void of this payment awaits its outcome: a capture is"):
        payment_call_settle(payment=payment, call="void", done=done_, by=boss)

    assert snapshot(order) == before
    assert StateLog.objects.for_(payment).count() == history
    assert provider.calls == []


@pytest.mark.parametrize(("call", "perms"), [
    ("capture", ("checkout.change_order", "payments.void_payment", "payments.refund_payment")),
    ("capture", ("payments.capture_payment",)),  # may capture, may not change orders
    ("refund", ("checkout.change_order", "payments.capture_payment")),
    ("void", ("checkout.change_order", "payments.capture_payment", "payments.refund_payment")),
], ids=["capture without its permission", "capture without change_order", "refund", "void"])
def test_staff_without_the_calls_permission_or_change_order_are_refused(provider, boss, call, perms):
    order = stuck(call, provider, boss)
    payment = order.payments.get()
    before = snapshot(order)

    for done_ in (True, False):
        with pytest.raises(OrderTransitionForbidden):
            payment_call_settle(payment=payment, call=call, done=done_, by=staff_user(*perms))
    with pytest.raises(OrderTransitionForbidden):
        payment_call_settle(payment=payment, call=call, done=True, by=None)

    assert snapshot(order) == before
    assert provider.calls == []


def test_staff_with_the_calls_permission_and_change_order_settle_it(provider, boss):
    order = stuck("void", provider, boss)
    clerk = staff_user("checkout.change_order", "payments.void_payment")

    payment = payment_call_settle(payment=order.payments.get(), call="void", done=True, by=clerk)

    assert (payment.state, payment.provider_call) == (PaymentState.VOID, "")
    assert StateLog.objects.for_(payment).filter(transition="void", by=clerk).exists()


# --- resuming a canceled order whose void was never confirmed -----------------------------------


def test_a_canceled_order_whose_void_is_unconfirmed_is_not_resumed(provider, boss):
    order = stuck("void", provider, boss)
    before, stock = snapshot(order), on_hand(order)

    with pytest.raises(OrderTransitionNotAllowed, match="cannot be resumed while the outcome of the void") as refused:
        order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)

    assert refused.value.meta == {"state": OrderState.CANCELED, "transition": "resume", "provider_call": "void"}
    assert snapshot(order) == before
    assert on_hand(order) == stock  # the stock was not taken again
    assert provider.calls == []


@pytest.mark.parametrize(("done_", "payment_state"), [(True, PaymentState.VOID), (False, PaymentState.PENDING)],
                         ids=["did it", "did nothing"])
def test_once_the_void_is_settled_the_order_is_resumed(provider, boss, done_, payment_state):
    order = stuck("void", provider, boss)
    payment_call_settle(payment=order.payments.get(), call="void", done=done_, by=boss)

    resumed = order_apply_staff_transition(order_id=order.pk, transition="resume", by=boss)

    assert resumed.state == OrderState.COMPLETE
    assert order.payments.get().state == payment_state
    assert provider.calls == []


# --- the order page ------------------------------------------------------------------------------


def order_page(client, order: Order):
    response = client.get(admin_url(Order, "change", order.pk))
    assert response.status_code == 200
    return response


def confirm(client, order: Order, action: str, payment: Payment):
    """The confirmation page, then its form posted as a browser would."""
    page = client.get(action_url(order, action, payment))
    assert page.status_code == 200
    form = FormFields("order-action-form")
    form.feed(page.content.decode())
    return page, client.post(action_url(order, action, payment), form.data, follow=True)


def test_the_order_page_offers_to_settle_a_call_only_while_the_payment_is_marked(provider, boss, client):
    order = authorised()
    payment = order.payments.get()
    client.force_login(boss)
    assert not SETTLE & transition_buttons(order_page(client, order))

    Payment.objects.filter(pk=payment.pk).update(provider_call="capture",
                                                 provider_call_started_at=timezone.now() - timedelta(minutes=10))
    page = order_page(client, order)

    assert SETTLE <= transition_buttons(page)
    assert not {"capture", "void", "cancel", "resume"} & transition_buttons(page)
    html = page.content.decode()
    assert f'data-action="provider_did_it" data-target="{payment.pk}">Capture: the provider did it</a>' in html
    assert f'data-action="provider_did_nothing" data-target="{payment.pk}">Capture: the provider did nothing</a>' \
        in html
    assert provider.calls == []


def test_the_provider_did_it_on_the_order_page(provider, boss, client):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    client.force_login(boss)

    page, response = confirm(client, order, "provider_did_it", payment)

    amount = format_money(payment.amount, payment.currency)
    question = page.content.decode()
    assert f"Record that the provider captured: {amount} of {payment.method} on order {order}?" in question
    assert "Check with the provider first: it is not asked here." in question
    assert 'name="call" value="capture"' in question
    assert messages_of(response) == [
        f"Capture: the provider did it. Payment {payment.method} {amount} is captured: order {order} is paid."]
    assert snapshot(order) == done(order, "capture")
    buttons = transition_buttons(response)
    assert not SETTLE & buttons and {"refund", "ship", "cancel"} <= buttons
    assert provider.calls == []


def test_the_provider_did_nothing_on_the_order_page(provider, boss, client):
    order = stuck("refund", provider, boss)
    payment = order.payments.get()
    before = snapshot(order)
    client.force_login(boss)

    page, response = confirm(client, order, "provider_did_nothing", payment)

    amount = format_money(payment.amount, payment.currency)
    assert "The payment stays captured and its actions are offered again." in page.content.decode()
    assert messages_of(response) == [
        f"Refund: the provider did nothing. Payment {payment.method} {amount} is captured: order {order} is paid."]
    assert snapshot(order) == {**before, "payment": (*before["payment"][:3], "")}
    buttons = transition_buttons(response)
    assert not SETTLE & buttons and "refund" in buttons
    assert provider.calls == []


def test_a_confirmation_for_a_call_since_settled_and_marked_again_is_refused(provider, boss, client):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    client.force_login(boss)
    page = client.get(action_url(order, "provider_did_it", payment))
    form = FormFields("order-action-form")
    form.feed(page.content.decode())
    # Meanwhile another clerk settles the capture as never done, and a void times out in its place.
    payment_call_settle(payment=payment, call="capture", done=False, by=boss)
    Payment.objects.filter(pk=payment.pk).update(provider_call="void",
                                                 provider_call_started_at=timezone.now() - timedelta(minutes=10))
    before = snapshot(order)

    response = client.post(action_url(order, "provider_did_it", payment), form.data, follow=True)

    assert messages_of(response) == ["No capture of this payment awaits its outcome: a void is under way."]
    assert snapshot(order) == before
    assert provider.calls == []


def test_staff_without_the_calls_permission_get_no_button_and_are_refused(provider, boss, client):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    before = snapshot(order)
    client.force_login(staff_user(*ORDER_CLERK, "payments.void_payment", "payments.refund_payment"))

    assert not SETTLE & transition_buttons(order_page(client, order))
    opened = client.get(action_url(order, "provider_did_it", payment), follow=True)
    assert messages_of(opened) == [f"Capture: the provider did it is not possible for order {order} now."]
    posted = act(client, order, "provider_did_it", payment, call="capture")
    assert messages_of(posted) == ["You are not allowed to make this transition."]

    assert snapshot(order) == before
    assert provider.calls == []


def test_staff_with_the_calls_permission_get_the_buttons(provider, boss, client):
    order = stuck("capture", provider, boss)
    client.force_login(staff_user(*ORDER_CLERK, "payments.capture_payment"))

    assert SETTLE <= transition_buttons(order_page(client, order))


def test_resume_is_offered_again_once_the_unconfirmed_void_is_settled(provider, boss, client):
    order = stuck("void", provider, boss)
    payment = order.payments.get()
    client.force_login(boss)
    page = order_page(client, order)
    assert transition_buttons(page) == SETTLE  # no resume while the void's outcome is unknown
    refused = client.get(action_url(order, "resume"), follow=True)
    assert messages_of(refused) == [f"Resume order is not possible for order {order} now."]

    _, response = confirm(client, order, "provider_did_it", payment)

    assert messages_of(response) == [
        f"Void: the provider did it. Payment {payment.method} {format_money(payment.amount, payment.currency)} is "
        f"void: order {order} is void."]
    assert transition_buttons(response) == {"resume"}
    resumed = act(client, order, "resume")
    assert messages_of(resumed) == [f"Resume order: order {order} is now complete."]
    assert provider.calls == []


def test_a_call_younger_than_the_grace_may_still_be_answered_and_is_not_settled(provider, boss, client):
    order = stuck("capture", provider, boss)
    payment = order.payments.get()
    Payment.objects.filter(pk=payment.pk).update(provider_call_started_at=timezone.now() - timedelta(minutes=2))
    before = snapshot(order)
    with pytest.raises(PaymentTransactionNotAllowed, match="may still be answered"):
        payment_call_settle(payment=payment, call="capture", done=True, by=boss)
    assert snapshot(order) == before
    client.force_login(boss)
    page = order_page(client, order).content.decode()
    assert action_url(order, "provider_did_it", payment) not in page
    assert action_url(order, "provider_did_nothing", payment) not in page
