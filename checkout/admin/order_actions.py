"""What staff may do on an order page: the order's own staff transitions (cancel, resume,
returns), shipping a shipment with its tracking number, and capturing, refunding or voiding
a payment.

Each action is offered only when the order's state machines allow it and the user may take it
(core.staff_rights, which the services and the APIs ask too), and none on a payment (nor the order's
cancel or resume) while its provider is being asked to capture, refund or void it; each is confirmed
on a page of its own and carried out by a checkout service, which checks all that again under row
locks. A refusal comes back as the service's DomainError and is shown as an admin message.

While a payment is marked, what is offered on it instead is to settle the call whose outcome was
lost, once staff have asked the provider (payment_call_settle): "the provider did it" records the
outcome, "the provider did nothing" clears the mark. The provider is not asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import Http404
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django_fsm import can_proceed

from checkout.models import Order, OrderPaymentState, OrderState
from checkout.services import (
    STAFF_TRANSITIONS,
    order_apply_staff_transition,
    payment_call_settle,
    payment_capture,
    payment_refund,
    payment_void,
    shipment_ship,
)
from core.money import format_money
from core.staff_rights import PAYMENT_ACTS, StaffAct, staff_may
from payments.models import Payment, PaymentState, ProviderCall
from payments.services import provider_call_settleable
from shipping.models import Shipment, ShipmentState

SHIPMENT_ACTIONS = ("ship",)
PAYMENT_ACTIONS = ("capture", "refund", "void")
# Settling a provider call whose outcome was lost, by what the provider says it did.
SETTLE_ACTIONS = {"provider_did_it": True, "provider_did_nothing": False}
ACTIONS = (*STAFF_TRANSITIONS, *SHIPMENT_ACTIONS, *PAYMENT_ACTIONS, *SETTLE_ACTIONS)
# What a provider call does, said in the past (the provider did it).
_DONE = {"capture": "captured", "refund": "refunded", "void": "voided"}

# What each order transition does, said before staff confirm it.
TRANSITION_CONSEQUENCES = {
    "cancel": "Its unshipped shipments are canceled and their stock goes back on hand; payments not yet "
              "captured are voided, and money already captured becomes credit owed to the customer.",
    "resume": "Its stock is taken again (refused if it is gone) and its canceled shipments reopen.",
    "authorize_return": "The order waits for the customer's parcel to come back.",
    "receive_return": "The returned parcel has arrived; the order is returned.",
    "cancel_return": "The return is called off; the order is complete again.",
}


@dataclass(frozen=True)
class StaffAction:
    """One button of the order page: an action on the order, or on one of its shipments or payments."""

    name: str
    label: str
    question: str
    consequence: str
    target: Shipment | Payment | None = None
    danger: bool = False

    @property
    def target_id(self) -> int | None:
        return self.target.pk if self.target is not None else None

    @property
    def needs_tracking(self) -> bool:
        return self.name == "ship"


class ConfirmForm(forms.Form):
    """Nothing to fill in: the POST is the confirmation."""


class ShipForm(forms.Form):
    tracking = forms.CharField(label="Tracking number", max_length=100, strip=True,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
                               help_text="The carrier's tracking number of the parcel.")


class SettleForm(forms.Form):
    """The call staff saw on the confirmation page: settling refuses if the payment now waits on another."""

    call = forms.ChoiceField(choices=ProviderCall.choices, widget=forms.HiddenInput)


def form_for(action: StaffAction, data=None) -> forms.Form:
    if action.name in SETTLE_ACTIONS:
        return SettleForm(data, initial={"call": action.target.provider_call})
    return ShipForm(data) if action.needs_tracking else ConfirmForm(data)


# --- which actions exist and which are offered ----------------------------------------------


def staff_action(order: Order, name: str, target_id: int | None) -> StaffAction:
    """The action ``name`` on ``order`` (or on its shipment or payment ``target_id``), whether or not
    it is allowed now: the service decides that. Http404 for an unknown action or target."""
    if name in STAFF_TRANSITIONS and target_id is None:
        return _transition_action(order, name)
    if name in SHIPMENT_ACTIONS and target_id is not None:
        shipment = (Shipment.objects.select_related("method__carrier", "address__country")
                    .filter(order=order, pk=target_id).first())
        if shipment is not None:
            return _ship_action(order, shipment)
    if (name in PAYMENT_ACTIONS or name in SETTLE_ACTIONS) and target_id is not None:
        payment = Payment.objects.select_related("method__provider").filter(order=order, pk=target_id).first()
        if payment is not None and name in SETTLE_ACTIONS:
            return _settle_action(order, payment, name)
        if payment is not None:
            return _payment_action(order, payment, name)
    raise Http404(f"No order action {name!r} here.")


def staff_actions_for(order: Order, user) -> list[StaffAction]:
    """The actions ``user`` may take on ``order`` now, in the order the page shows them."""
    payments = list(order.payments.all())
    # The services refuse these while a provider call is under way (the call takes seconds) or its
    # outcome is unknown (staff settle it first).
    busy = any(payment.provider_call for payment in payments)
    offered = [
        _transition_action(order, t.name)
        for t in order.get_available_user_state_transitions(user)
        if t.name in STAFF_TRANSITIONS and not (busy and t.name in ("cancel", "resume"))
    ]
    if order.state == OrderState.COMPLETE and staff_may(user, StaffAct.SHIP_SHIPMENT):
        for shipment in order.shipments.all():
            ready = shipment.state == ShipmentState.READY or (
                shipment.state == ShipmentState.PENDING and shipment.method_id is not None
                and order.payment_state == OrderPaymentState.PAID)
            if ready:
                offered.append(_ship_action(order, shipment))
    if order.is_placed:
        for payment in payments:
            offered += [_payment_action(order, payment, name) for name in PAYMENT_ACTIONS
                        if _payment_allows(order, payment, name) and staff_may(user, PAYMENT_ACTS[name])]
            if _may_settle(payment, user):
                offered += [_settle_action(order, payment, name) for name in SETTLE_ACTIONS]
    return offered


def _may_settle(payment: Payment, user) -> bool:
    """A marked payment's call may be settled, once the provider had its time to answer, by staff who may
    make that call."""
    return provider_call_settleable(payment) and staff_may(user, PAYMENT_ACTS[payment.provider_call])


def _payment_allows(order: Order, payment: Payment, name: str) -> bool:
    if payment.provider_call:
        return False
    if name == "capture":
        return order.state == OrderState.COMPLETE and payment.state == PaymentState.PENDING
    if name == "refund":
        return payment.state == PaymentState.COMPLETED and payment.captured_amount > payment.refunded_amount
    return can_proceed(payment.void)


# --- the actions' words --------------------------------------------------------------------


def _transition_action(order: Order, name: str) -> StaffAction:
    transition = getattr(Order, name)._django_fsm.get_transition(order.state) or next(
        iter(getattr(Order, name)._django_fsm.transitions.values()))
    label = transition.custom.get("label") or name.replace("_", " ").capitalize()
    question = {"cancel": "Cancel order {}?", "resume": "Resume order {}?",
                "authorize_return": "Authorize a return of order {}?", "receive_return": "Receive the return of order {}?",
                "cancel_return": "Cancel the return of order {}?"}.get(name, f"{label}: order {{}}?")
    return StaffAction(name=name, label=label, question=question.format(order),
                       consequence=TRANSITION_CONSEQUENCES.get(name, ""), danger=name == "cancel")


def _ship_action(order: Order, shipment: Shipment) -> StaffAction:
    method = f" with {shipment.method}" if shipment.method_id else ""
    to = f" to {shipment.address}" if shipment.address_id else ""
    return StaffAction(
        name="ship", label=f"Ship {shipment}", target=shipment,
        question=f"Ship shipment {shipment} of order {order}{method}{to}?",
        consequence="The parcel is handed to the carrier: the shipment is shipped with the tracking number "
                    "below and cannot be canceled any more.",
    )


def _payment_action(order: Order, payment: Payment, name: str) -> StaffAction:
    amount = format_money(payment.amount, payment.currency)
    captured = format_money(payment.captured_amount - payment.refunded_amount, payment.currency)
    words = {
        "capture": (f"Capture {amount}", f"Capture {amount} of {payment.method} on order {order}?",
                    "The authorised money is taken from the customer; a paid order's shipments become ready to ship."),
        "refund": (f"Refund {captured}", f"Refund {captured} of {payment.method} on order {order}?",
                   "Everything captured on this payment goes back to the customer."),
        "void": (f"Void {amount}", f"Void the authorisation of {amount} of {payment.method} on order {order}?",
                 "The authorisation is released; nothing can be captured on this payment any more."),
    }
    label, question, consequence = words[name]
    return StaffAction(name=name, label=label, question=question, consequence=consequence, target=payment,
                       danger=name != "capture")


def _settle_action(order: Order, payment: Payment, name: str) -> StaffAction:
    call = payment.provider_call or "call"
    since = (f" since {date_format(localtime(payment.provider_call_started_at), 'DATETIME_FORMAT')}"
             if payment.provider_call_started_at else "")
    what = f"{format_money(payment.amount, payment.currency)} of {payment.method} on order {order}"
    check = (f"The {call} of this payment has been under way{since} with no outcome recorded. Check with the "
             f"provider first: it is not asked here.")
    if SETTLE_ACTIONS[name]:
        return StaffAction(
            name=name, label=f"{call.capitalize()}: the provider did it", target=payment,
            question=f"Record that the provider {_DONE.get(call, 'did the call')}: {what}?",
            consequence=f"{check} The {call} is recorded as if the provider had confirmed it"
                        f"{' (a paid order’s shipments become ready to ship)' if call == 'capture' else ''}.",
            danger=call != "capture")
    return StaffAction(
        name=name, label=f"{call.capitalize()}: the provider did nothing", target=payment,
        question=f"Record that the provider did not {call}: {what}?",
        consequence=f"{check} The payment stays {payment.get_state_display().lower()} and its actions are "
                    f"offered again.",
        danger=True)


# --- doing it --------------------------------------------------------------------------------


def perform(action: StaffAction, *, order: Order, user, data: dict) -> str:
    """Carry out a confirmed action through its service; return the success message.
    Raises the service's DomainError when the action is refused."""
    if action.name in STAFF_TRANSITIONS:
        order = order_apply_staff_transition(order_id=order.pk, transition=action.name, by=user)
        done = f"{action.label}: order {order} is now {order.get_state_display().lower()}."
        if action.name == "cancel" and (stuck := list(order.payments.exclude(provider_call=""))):
            done += (f" The provider did not confirm the void of {', '.join(map(str, stuck))}: check with the "
                     f"provider.")
        return done
    if action.name == "ship":
        shipment = shipment_ship(shipment=action.target, tracking=data["tracking"], by=user)
        order.refresh_from_db()
        return (f"Shipment {shipment} shipped with tracking number {shipment.tracking}: order {order} is "
                f"{order.get_shipment_state_display().lower()}.")
    if action.name in SETTLE_ACTIONS:
        payment = payment_call_settle(payment=action.target, call=data["call"], done=SETTLE_ACTIONS[action.name],
                                      by=user)
        order.refresh_from_db()
        return (f"{action.label}. Payment {payment.method} {format_money(payment.amount, payment.currency)} is "
                f"{payment.get_state_display().lower()}: order {order} is {order.get_payment_state_display().lower()}.")
    service = {"capture": payment_capture, "refund": payment_refund, "void": payment_void}[action.name]
    payment = service(payment=action.target, by=user)
    order.refresh_from_db()
    return (f"Payment {payment.method} {format_money(payment.amount, payment.currency)} is "
            f"{payment.get_state_display().lower()}: order {order} is {order.get_payment_state_display().lower()}.")
