"""Writes to orders. Each public function is one transaction that row-locks what it changes; a payment
action is two, with the provider called between them, and so is a cancel that voids authorisations."""

import logging

from django.db import connection, models, transaction
from django.utils import timezone
from django_fsm import can_proceed

from checkout.exceptions import OrderTransitionForbidden, OrderTransitionNotAllowed
from checkout.models import Order, OrderPaymentState, OrderReferenceCounter, OrderShipmentState, OrderState
from checkout.selectors import order_cost, order_get_for_update
from core.staff_rights import PAYMENT_ACTS, StaffAct, staff_may
from payments.exceptions import PaymentTransactionNotAllowed
from payments.models import Payment, PaymentState, ProviderCall
from payments.selectors import payment_get_for_update
from payments.services import payment_call_make, payment_call_record, payment_call_resolve, payment_call_start
from shipping.models import Shipment, ShipmentState, StockAllocation
from shipping.selectors import stock_location_ids_for
from shipping.services import StockRequest, stock_release, stock_reserve

logger = logging.getLogger(__name__)

# What staff may do to a placed order, by transition name.
STAFF_TRANSITIONS = ("cancel", "resume", "authorize_return", "receive_return", "cancel_return")


def order_apply_staff_transition(*, order_id: int, transition: str, by) -> Order:
    """Apply a staff action (cancel, resume, returns) to an order, as ``by``.

    Canceling cancels the unshipped shipments, gives their stock back and voids payments
    not yet captured (captured money becomes credit owed); resuming takes the stock
    again and reopens the shipments. Raises OrderTransitionNotAllowed when the order's
    state or step rules refuse the action, OrderTransitionForbidden when ``by`` lacks
    its permission, and InsufficientStock when a resume finds the stock gone; nothing
    changes then.

    A cancel commits first; then the authorisations it marked are voided at their provider,
    outside any transaction (payments_void_at_provider). A void that fails leaves the order
    canceled and its payment marked for reconciliation; it is logged, not raised.
    """
    if transition not in STAFF_TRANSITIONS:
        raise OrderTransitionNotAllowed(f"{transition!r} is not an order action.")
    voiding: list[Payment] = []
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=order_id)
        bound = getattr(order, transition)
        available = bound._django_fsm.get_transition(order.state)
        # Refusals in a fixed order: the state, the step rules, the permission; only then is
        # stock taken again for a resume.
        if available is None or not can_proceed(bound):
            raise _not_allowed(order, transition)
        if by is None or not available.has_perm(order, by):
            raise OrderTransitionForbidden(meta={"transition": transition})
        if transition == "resume":
            _refuse_resume_while_marked(order)
            _take_stock_again(order)
        bound(by=by)
        if transition == "cancel":
            voiding = _unwind(order, by=by)
        elif transition == "resume":
            _reopen_shipments(order, by=by)
        order_update_states(order=order, by=by)
        order.save()
    payments_void_at_provider(order=order, payments=voiding, by=by)
    return order


def _not_allowed(order: Order, transition: str) -> OrderTransitionNotAllowed:
    return OrderTransitionNotAllowed(
        f"Order {order} cannot {transition.replace('_', ' ')} while {order.get_state_display().lower()}.",
        meta={"state": order.state, "transition": transition},
    )


def order_stock_requests(order: Order) -> list[StockRequest]:
    """What the order's lines need from stock (rentable lines: for the order's rental period)."""
    period = (order.rental_start_date, order.rental_end_date) if order.rental_start_date else None
    return [
        StockRequest(item.pk, item.variant_id, item.quantity, item.sku, period if item.is_rentable else None)
        for item in order.line_items.all() if item.variant_id
    ]


def order_reserve_stock(order: Order) -> None:
    """Hold the stock of every line from the locations that may serve the order; stamp the order."""
    location_ids = stock_location_ids_for(store=order.store, zipcode=order.zipcode)
    stock_reserve(requests=order_stock_requests(order), location_ids=location_ids)
    order.stock_reserved_at = timezone.now()


def _unwind(order: Order, *, by) -> list[Payment]:
    """Cancel the order's unshipped shipments, give its stock back, void its payments not yet captured.
    The caller holds the order's row lock and has moved it to canceled.

    A payment the provider holds an authorisation for (it has a transaction_id) is only marked here
    (``provider_call="void"``): those are returned, for the caller to void with payments_void_at_provider
    once its transaction has committed. The others (manual, invoice) are voided here and now."""
    payments = list(Payment.objects.select_for_update(of=("self",)).select_related("method")
                    .filter(order=order).order_by("pk"))
    busy = next((payment for payment in payments if payment.provider_call), None)
    if busy is not None:
        # Its provider is being asked to capture, refund or void right now: voiding it here would
        # contradict what the provider does. The call takes seconds; cancel after it.
        raise OrderTransitionNotAllowed(
            f"Order {order} cannot be canceled while a {busy.get_provider_call_display().lower()} of its "
            f"payment {busy} is under way; try again in a moment.",
            meta={"transition": "cancel", "provider_call": busy.provider_call})
    order.canceled_at = timezone.now()
    for shipment in Shipment.objects.select_for_update().filter(order=order).order_by("pk"):
        if shipment.state in (ShipmentState.PENDING, ShipmentState.READY):
            shipment.cancel(by=by)
            shipment.save()
    if order.stock_reserved_at:
        stock_release(line_item_ids=[item.pk for item in order.line_items.all()])
        order.stock_reserved_at = None
    at_provider = []
    for payment in payments:
        if not can_proceed(payment.void):
            continue
        if payment.transaction_id:
            payment_call_start(payment=payment, call=ProviderCall.VOID)
            at_provider.append(payment)
        else:
            payment.void(by=by)
            payment.save()
    return at_provider


def payments_void_at_provider(*, order: Order, payments: list[Payment], by) -> None:
    """Void at their provider the authorisations the committed cancel of ``order`` marked (_unwind), each outcome
    recorded under the order's and the payment's row locks; ``by`` goes to the payments' history. Call it
    outside any transaction.

    The cancel stands whatever happens here. A void that fails (the provider refuses or does not answer,
    or the outcome cannot be recorded) is logged and leaves its payment marked, which keeps every other
    action away from it, until reconcile_checkouts reports it for staff to check with the provider. A void
    that the provider's confirmation of the payment superseded meanwhile (order_payment_confirm: the money
    was taken) is not recorded."""
    for payment in payments:
        try:
            # A refusal leaves the mark too: nobody waits on this call to see it.
            payment_call_make(payment=payment, call=ProviderCall.VOID, refusal_clears=False)
            with transaction.atomic(durable=True):
                locked_order, locked = _payment_for_update(payment)
                if locked.provider_call != ProviderCall.VOID:
                    logger.warning("Payment %s of canceled order %s: the provider confirmed the payment while its void "
                                   "was under way; the void is not recorded, the money is owed.", payment.uuid, order)
                    continue
                payment_call_record(payment=locked, call=ProviderCall.VOID, by=by)
                _order_after_payment_call(locked_order, ProviderCall.VOID, by=by)
        except Exception:  # noqa: BLE001 - the cancel has committed: the mark tells reconciliation
            logger.exception("Payment %s of canceled order %s: the void at the provider failed; it stays marked "
                             "for reconcile_checkouts.", payment.uuid, order)


def _refuse_resume_while_marked(order: Order) -> None:
    """A canceled order whose void the provider did not confirm keeps its payment marked: resumed, it would
    be a live order with an authorisation nobody knows the fate of. Staff settle the call first."""
    busy = Payment.objects.filter(order=order).exclude(provider_call="").order_by("pk").first()
    if busy is not None:
        raise OrderTransitionNotAllowed(
            f"Order {order} cannot be resumed while the outcome of the {busy.get_provider_call_display().lower()} "
            f"of its payment {busy} is unknown; check with the provider and settle it on the order page first.",
            meta={"state": order.state, "transition": "resume", "provider_call": busy.provider_call})


def _take_stock_again(order: Order) -> None:
    if order.state == OrderState.CANCELED and order.stock_reserved_at is None:
        order_reserve_stock(order)


def _reopen_shipments(order: Order, *, by) -> None:
    for shipment in Shipment.objects.select_for_update().filter(order=order).order_by("pk"):
        if shipment.state == ShipmentState.CANCELED:
            shipment.resume(by=by)
            shipment.save()


# --- payment_state and shipment_state: what payments and shipments add up to -------------

_PAYMENT_STATE_MOVES = {
    OrderPaymentState.BALANCE_DUE: "mark_balance_due",
    OrderPaymentState.PAID: "mark_paid",
    OrderPaymentState.CREDIT_OWED: "mark_credit_owed",
    OrderPaymentState.FAILED: "mark_payment_failed",
    OrderPaymentState.VOID: "mark_payment_void",
}
_SHIPMENT_STATE_MOVES = {
    OrderShipmentState.PENDING: "mark_shipments_pending",
    OrderShipmentState.READY: "mark_shipments_ready",
    OrderShipmentState.PARTIAL: "mark_partially_shipped",
    OrderShipmentState.SHIPPED: "mark_shipped",
    OrderShipmentState.BACKORDER: "mark_backordered",
    OrderShipmentState.CANCELED: "mark_shipments_canceled",
}


def payment_state_for(order: Order, payments: list[Payment]) -> str | None:
    """Spree's rule: compare what was captured (less refunds) with what is owed."""
    if not order.is_placed:
        return None
    captured = sum(p.captured_amount - p.refunded_amount for p in payments)
    owed = order_cost(order)
    if captured > owed:
        return OrderPaymentState.CREDIT_OWED
    if order.state == OrderState.CANCELED:
        return OrderPaymentState.VOID
    if captured == owed:
        return OrderPaymentState.PAID
    if payments and all(p.state == PaymentState.FAILED for p in payments):
        return OrderPaymentState.FAILED
    return OrderPaymentState.BALANCE_DUE


def shipment_state_for(order: Order, shipments: list[Shipment]) -> str | None:
    if not order.is_placed or not shipments:
        return None
    states = {s.state for s in shipments}
    if states == {ShipmentState.CANCELED}:
        return OrderShipmentState.CANCELED
    states.discard(ShipmentState.CANCELED)
    if states == {ShipmentState.SHIPPED}:
        return OrderShipmentState.SHIPPED
    if ShipmentState.SHIPPED in states:
        return OrderShipmentState.PARTIAL
    if states == {ShipmentState.READY}:
        return OrderShipmentState.READY
    return OrderShipmentState.PENDING


def order_update_states(*, order: Order, by=None, payments: list[Payment] | None = None,
                        shipments: list[Shipment] | None = None) -> None:
    """Bring payment_state, shipment_state and payment_total in line with the order's payments and
    shipments, through their transitions. The caller holds the order's row lock and saves it;
    a caller that has just written the payments and shipments passes them in."""
    payments = list(Payment.objects.filter(order=order)) if payments is None else payments
    shipments = list(Shipment.objects.filter(order=order)) if shipments is None else shipments
    order.payment_total = sum(p.captured_amount - p.refunded_amount for p in payments)
    _move(order, "payment_state", payment_state_for(order, payments), _PAYMENT_STATE_MOVES, by)
    _move(order, "shipment_state", shipment_state_for(order, shipments), _SHIPMENT_STATE_MOVES, by)


def _move(order: Order, field: str, target: str | None, moves: dict[str, str], by) -> None:
    if target is None or getattr(order, field) == target:
        return
    getattr(order, moves[target])(by=by)


def order_reference_next(*, store) -> str:
    """The store's next order reference (DE--3), unique and sequential under concurrency.

    One upsert: the counter row stays locked until the caller's transaction ends, so
    concurrent placements in one store queue here; a rolled-back placement gives its
    number back. (PostgreSQL, and SQLite from 3.35, both speak ON CONFLICT … RETURNING.)
    """
    table = OrderReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (store_id, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (store_id) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [store.pk],
        )
        (number,) = cursor.fetchone()
    return f"{store.code}--{number}"


# --- staff actions on an order's shipments and payments (the order page's buttons) -------------

# The order states in which its shipments may leave.
SHIPPABLE_ORDER_STATES = (OrderState.COMPLETE,)


def shipment_ship(*, shipment: Shipment, tracking: str, by) -> Shipment:
    """Hand a shipment of a placed order to its carrier with the carrier's tracking number, as ``by``.

    A shipment is shipped when it is ready; a pending one of an order that is paid becomes
    ready first (Spree's rule: a shipment waits for its order's payment). Brings the order's
    shipment_state in line. Raises OrderTransitionNotAllowed when the order or the shipment
    cannot ship (or the tracking number is missing), OrderTransitionForbidden when ``by``
    may not ship (core.staff_rights); nothing changes then.
    """
    tracking = (tracking or "").strip()
    with transaction.atomic():
        order = order_get_for_update(order_id=shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if order.state not in SHIPPABLE_ORDER_STATES:
            raise OrderTransitionNotAllowed(
                f"Order {order} is {order.get_state_display().lower()}: its shipments cannot ship.",
                meta={"state": order.state, "transition": "ship"})
        if not staff_may(by, StaffAct.SHIP_SHIPMENT):
            raise OrderTransitionForbidden(meta={"transition": "ship"})
        if shipment.state == ShipmentState.PENDING:
            if order.payment_state != OrderPaymentState.PAID:
                raise OrderTransitionNotAllowed(
                    f"Shipment {shipment} waits for the payment of order {order}: capture it first.",
                    meta={"state": shipment.state, "transition": "ship"})
            if not can_proceed(shipment.ready):
                raise OrderTransitionNotAllowed(f"Shipment {shipment} has no shipment method: it cannot ship.",
                                                meta={"state": shipment.state, "transition": "ship"})
            shipment.ready(by=by)
            shipment.save()
            order_update_states(order=order, by=by)  # the order's shipments are ready before one ships
        if not can_proceed(shipment.ship):
            raise OrderTransitionNotAllowed(
                f"Shipment {shipment} is {shipment.get_state_display().lower()}: it cannot ship.",
                meta={"state": shipment.state, "transition": "ship"})
        if not tracking:
            raise OrderTransitionNotAllowed("A tracking number is needed to ship.", meta={"transition": "ship"})
        shipment.ship(tracking=tracking, by=by)
        shipment.save()
        order_update_states(order=order, by=by)
        order.save()
    return shipment


def payment_capture(*, payment: Payment, by) -> Payment:
    """Take the authorised money of an order's payment, as ``by``; a paid order's shipments become ready."""
    return _payment_act(payment, "capture", by=by)


def payment_refund(*, payment: Payment, by) -> Payment:
    """Give back everything captured on an order's payment, as ``by``."""
    return _payment_act(payment, "refund", by=by)


def payment_void(*, payment: Payment, by) -> Payment:
    """Give back an authorisation nothing was captured on, as ``by``."""
    return _payment_act(payment, "void", by=by)


def _payment_act(payment: Payment, action: str, *, by) -> Payment:
    """One payment action, the provider called between two short transactions (payments.services journals
    the call on the payment). First, under the order's and the payment's row locks, the refusals: the
    order's state, the permission, then the payment's own state or a call already under way
    (PaymentTransactionNotAllowed); the call is marked and committed. Then the provider. Then, under the
    locks again, its outcome and the order's summary states. A provider refusal changes nothing."""
    with transaction.atomic(durable=True):
        order, payment = _payment_for_update(payment)
        if not order.is_placed or (action == "capture" and order.state != OrderState.COMPLETE):
            raise OrderTransitionNotAllowed(
                f"Order {order} is {order.get_state_display().lower()}: its payment cannot be {_DONE[action]}.",
                meta={"state": order.state, "transition": action})
        if not staff_may(by, PAYMENT_ACTS[action]):
            raise OrderTransitionForbidden(meta={"transition": action})
        if action == "capture" and payment.state != PaymentState.PENDING:
            # A payment still at checkout or processing waits for the shopper or the provider, not for staff.
            raise PaymentTransactionNotAllowed(f"The payment is {payment.get_state_display().lower()}; "
                                               f"only an authorised payment can be captured.",
                                               meta={"state": payment.state})
        payment_call_start(payment=payment, call=action)
    payment_call_make(payment=payment, call=action)
    with transaction.atomic(durable=True):
        order, payment = _payment_for_update(payment)
        payment_call_record(payment=payment, call=action, gateway=payment.method.plugin, by=by)
        _order_after_payment_call(order, action, by=by)
    return payment


def payment_call_settle(*, payment: Payment, call: str, done: bool, by) -> Payment:
    """Settle, as ``by``, a provider ``call`` on an order's payment whose outcome was never recorded, once staff
    have asked the provider: ``done`` records it as a confirmed call would have been (payment_call_record: the
    transition, the amounts, its PaymentTransaction, the order's summary states and, for a capture, a paid
    order's shipments made ready); otherwise the mark is cleared and the payment left as it was. The provider
    is never called. The payment's history and the log say who settled it and how.

    One transaction under the order's and the payment's row locks. Raises OrderTransitionForbidden unless ``by``
    may make the call (core.staff_rights), PaymentTransactionNotAllowed when the payment is not
    marked for ``call`` (any more); nothing changes then."""
    if call not in ProviderCall.values:
        raise ValueError(f"{call!r} is not a provider call.")
    with transaction.atomic():
        order, payment = _payment_for_update(payment)
        if not staff_may(by, PAYMENT_ACTS[call]):
            raise OrderTransitionForbidden(meta={"transition": call})
        started = payment.provider_call_started_at
        payment_call_resolve(payment=payment, call=call, done=done, by=by, gateway=payment.method.plugin)
        if done:
            _order_after_payment_call(order, call, by=by)
    logger.warning("Payment %s of order %s: the %s started %s settled by staff user %s (pk %s): the provider %s.",
                   payment.uuid, order, call, started.isoformat(), by, by.pk,
                   "did it; recorded" if done else "did nothing; mark cleared")
    return payment


def _order_after_payment_call(order: Order, call: str, *, by) -> None:
    """Bring the order in line with a payment call just recorded; a capture readies a paid order's shipments."""
    order_update_states(order=order, by=by)
    if call == ProviderCall.CAPTURE:
        _ready_paid_shipments(order, by=by)
    order.save()


def _payment_for_update(payment: Payment) -> tuple[Order, Payment]:
    order = order_get_for_update(order_id=payment.order_id)
    return order, payment_get_for_update(pk=payment.pk)


_DONE = {"capture": "captured", "refund": "refunded", "void": "voided"}


def _ready_paid_shipments(order: Order, *, by) -> None:
    """A paid order's pending shipments with a method are ready to ship (Spree's rule), unless
    part of their stock is backordered."""
    if order.payment_state != OrderPaymentState.PAID:
        return
    waiting = (StockAllocation.objects.filter(line_item__shipment_id=models.OuterRef("pk"), backordered__gt=0,
                                              released_at__isnull=True))
    shipments = list(Shipment.objects.select_for_update().filter(order=order, state=ShipmentState.PENDING)
                     .exclude(models.Exists(waiting)).order_by("pk"))
    for shipment in shipments:
        if can_proceed(shipment.ready):
            shipment.ready(by=by)
            shipment.save()
    if shipments:
        order_update_states(order=order, by=by)
