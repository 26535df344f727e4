"""Placing an order from a cart: one service for every API dialect.

    order_place(cart_uuid=…, shopper=…, data=…, idempotency_key=…, keep_cart=…,
                awaiting_payment=…, assign_to=…)

It reads top to bottom as four phases (Saleor's and Oscar's lessons):
  1. replay   — a retried key, or the same request for a cart that already became an order,
                gets that order;
  2. prepare  — claim the cart (one atomic upsert), then only reads: the cart as no other
                placement can change it any more, validate, price, check stock;
  3. pay      — the provider call, outside any transaction, journaled as a PaymentAttempt;
  4. finalize — one transaction: the order, its lines, shipments, expenses, discounts,
                stock held with row locks in a fixed order, the payment, the state machine,
                the reference, the cart given to ``assign_to``, and the cart deleted (Glue)
                or kept (Elastic Path); the transitions' history rows are written together
                at its end.
A failure in 4 voids the authorisation from 3; a failure anywhere leaves no order, no
held stock and no payment, and releases the claim so the client may retry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from carts.models import Cart, CartVoucher
from carts.selectors import cart_mark_locked, owned_carts, owner_filter, owner_key
from carts.services import cart_assign_customer
from checkout.cart_disposal import cart_dispose
from checkout.exceptions import CartNotFound, CheckoutInProgress, CustomerIdentificationMissing, OrderCannotBePlaced
from checkout.inputs import CheckoutData
from checkout.models import CheckoutClaim, Order
from checkout.models.placement import CLAIM_TIMEOUT
from core.compiled import CompiledRead
from core.fsm_log import state_logs_batched
from core.identifiers import parse_uuid
from checkout.idempotency import idempotency_begin, idempotency_complete, idempotency_forget, idempotency_key_clean
from checkout.placement_plan import Plan, plan_checkout
from checkout.placement_write import order_write
from customers.models import Customer
from payments.models import PaymentAttempt
from payments.providers.base import Authorization, PaymentRequest
from payments.services import payment_attempt_authorize, payment_attempt_start, payment_attempt_void

PLACE_ORDER = "place_order"  # the operation its Idempotency-Keys are recorded for


@dataclass(frozen=True)
class Shopper:
    """Who checks out: a registered customer, or a guest known by X-Anonymous-Customer-Unique-Id."""

    customer: Customer | None = None
    anonymous_id: str | None = None

    @property
    def scope(self) -> str:
        return f"customer:{self.customer.reference}" if self.customer else f"guest:{self.anonymous_id}"

    def owns(self) -> dict:
        """Filter arguments for the carts this shopper may use (none without an identity)."""
        return owner_filter(customer=self.customer, anonymous_id=self.anonymous_id) or {"pk__in": []}

    def owns_orders(self, prefix: str = "") -> dict:
        """Filter arguments for this shopper's orders; ``prefix`` reaches them through a relation."""
        if self.customer is not None:
            return {f"{prefix}customer": self.customer}
        return {f"{prefix}customer__anonymous_id": self.anonymous_id}


@dataclass(frozen=True)
class PlacementRequest:
    """One request to place an order; ``token`` marks its cart claim and its Idempotency-Key."""

    cart_uuid: object
    shopper: Shopper
    data: CheckoutData
    key: str | None
    keep_cart: bool
    awaiting_payment: bool = False
    assign_to: Customer | None = None
    token: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def buyer(self) -> Shopper:
        """Whom the order is for: ``assign_to`` when the cart goes to them, else the cart's owner. Their
        Idempotency-Keys answer for it: a retry finds the cart theirs by then."""
        return Shopper(customer=self.assign_to) if self.assign_to is not None else self.shopper

    @cached_property
    def fingerprint(self) -> str:
        """What was asked, so that only the same request gets the order it placed again."""
        cart = parse_uuid(self.cart_uuid)
        return self.data.fingerprint(cart_key=str(cart) if cart else str(self.cart_uuid))


@dataclass(frozen=True)
class PlacementResult:
    order: Order
    redirect_url: str = ""
    replayed: bool = False
    details: dict = field(default_factory=dict)

    @property
    def is_external_redirect(self) -> bool:
        return bool(self.redirect_url)


def order_place(*, cart_uuid, shopper: Shopper, data: CheckoutData, idempotency_key: str | None = None,
                keep_cart: bool = False, awaiting_payment: bool = False, assign_to: Customer | None = None
                ) -> PlacementResult:
    """``shopper``: the cart's owner. ``awaiting_payment``: the order waits to be paid with the shop's
    manual method (``data.payments`` is not read). ``assign_to``: the registered customer the order is
    for, whom the cart becomes (an anonymous cart, or theirs already) with the order, never before."""
    if shopper.customer is None and not shopper.anonymous_id:
        raise CustomerIdentificationMissing()
    request = PlacementRequest(cart_uuid=cart_uuid, shopper=shopper, data=data,
                               key=idempotency_key_clean(idempotency_key), keep_cart=keep_cart,
                               awaiting_payment=awaiting_payment, assign_to=assign_to)
    scope = request.buyer.scope
    if request.key:
        first = idempotency_begin(scope=scope, operation=PLACE_ORDER, key=request.key,
                                  fingerprint=request.fingerprint, token=request.token)
        if first is not None:
            return PlacementResult(order=first.order, redirect_url=first.result.get("redirect_url", ""), replayed=True)
    try:
        return _place(request)
    except Exception:
        if request.key:
            idempotency_forget(scope=scope, operation=PLACE_ORDER, key=request.key, token=request.token)
        raise


def _place(request: PlacementRequest) -> PlacementResult:
    try:
        plan = _prepare(request)
    except CartNotFound:
        earlier = None if request.keep_cart else _order_already_placed(request)
        if earlier is None:
            raise
        return earlier
    attempt = None
    try:
        attempt, authorization = _pay(plan, request)
        result = _finalize(plan, attempt, authorization, request)
    except Exception:
        if attempt is not None:
            payment_attempt_void(attempt=attempt)
        CheckoutClaim.objects.filter(cart_uuid=plan.cart.uuid, token=request.token).delete()
        raise
    return result


def _order_already_placed(request: PlacementRequest) -> PlacementResult | None:
    """A cart that is gone because this very request (same fingerprint) made it this shopper's order:
    the repeat gets that order, and its own Idempotency-Key answers with it from now on. Any other
    request for the cart finds no cart (1103 in Glue)."""
    cart_uuid = parse_uuid(request.cart_uuid)
    if cart_uuid is None:
        return None
    order = Order.objects.filter(cart_uuid=cart_uuid, checkout_fingerprint=request.fingerprint,
                                 **request.buyer.owns_orders()).first()
    if order is None:
        return None
    result = PlacementResult(order=order, replayed=True, redirect_url=_pending_redirect(order))
    if request.key:
        idempotency_complete(scope=request.buyer.scope, operation=PLACE_ORDER, key=request.key,
                             token=request.token, order=order, result={"redirect_url": result.redirect_url})
    return result


def _pending_redirect(order: Order) -> str:
    payment = order.payments.filter(state__in=["checkout", "processing"]).exclude(redirect_url="").first()
    return payment.redirect_url if payment else ""


# --- 2. prepare -------------------------------------------------------------------------------


def _prepare(request: PlacementRequest) -> Plan:
    """No transaction: the claim (one atomic upsert) keeps other placements of the cart out, and
    the rest only reads. The claim comes first, so that the cart is read as no other placement
    can change it any more: one that finished meanwhile has deleted it (not found, and the
    order it became answers), none can be half-way. A refusal releases the claim."""
    cart_uuid = parse_uuid(request.cart_uuid)
    if cart_uuid is None:
        raise CartNotFound(meta={"idCart": str(request.cart_uuid)})
    if not _claim(cart_uuid, request.shopper, request.token):
        _cart(request.cart_uuid, request.shopper, lock=False)  # someone else's cart, or none: 1103, not 409
        raise CheckoutInProgress()
    try:
        cart = _cart(request.cart_uuid, request.shopper, lock=False)
        if request.assign_to is not None and cart.customer_id not in (None, request.assign_to.pk):
            raise CartNotFound(meta={"id": cart.reference or str(cart.uuid)})
        return plan_checkout(cart=cart, shopper_customer=request.buyer.customer, data=request.data,
                             awaiting_payment=request.awaiting_payment)
    except BaseException:
        CheckoutClaim.objects.filter(cart_uuid=cart_uuid, token=request.token).delete()
        raise


def _cart(cart_uuid, shopper: Shopper, *, lock: bool) -> Cart:
    """The shopper's cart with its store and ``has_vouchers``; ``lock``: locked (in a transaction).
    A compiled read (``core.compiled``): placement reads it twice."""
    key, owner = parse_uuid(cart_uuid), owner_key(customer=shopper.customer, anonymous_id=shopper.anonymous_id)
    found = _shopper_carts(shape={"lock": lock}, uuid=key, **owner) if key and owner else []
    if not found:
        raise CartNotFound(meta={"idCart": str(cart_uuid)})
    return found[0]


def _shopper_cart(*, uuid, lock: bool, customer: int | None = None, anonymous_id: str | None = None):
    carts = owned_carts(customer=customer, anonymous_id=anonymous_id, lock=lock)
    if not lock:  # a locked read has it already
        carts = carts.annotate(has_vouchers=Exists(CartVoucher.objects.filter(cart=OuterRef("pk"))))
    return carts.filter(uuid=uuid).order_by("pk")[:1]


_shopper_carts = CompiledRead(_shopper_cart)


def _claim(cart_uuid, shopper: Shopper, token: str) -> bool:
    """Take the claim of the shopper's cart, or a stale one over; False while another placement holds
    it, and when the cart is not the shopper's (then nothing is written: someone else's request must
    neither hold the owner's cart up nor take over the claim of a placement that crashed). One statement."""
    owner = owner_key(customer=shopper.customer, anonymous_id=shopper.anonymous_id)
    if owner is None:
        return False
    now = timezone.now()
    claims, carts = CheckoutClaim._meta.db_table, Cart._meta.db_table
    uuid, customer = (f"{carts}.{Cart._meta.get_field(name).column}" for name in ("uuid", "customer"))
    if "customer" in owner:
        owned, owner_value = f"{customer} = %s", owner["customer"]
    else:
        anonymous_id = f"{carts}.{Cart._meta.get_field('anonymous_id').column}"
        owned, owner_value = f"{anonymous_id} = %s AND {customer} IS NULL", owner["anonymous_id"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {claims} (cart_uuid, token, claimed_at) SELECT {uuid}, %s, %s FROM {carts} "
            f"WHERE {uuid} = %s AND {owned} "
            f"ON CONFLICT (cart_uuid) DO UPDATE SET token = excluded.token, claimed_at = excluded.claimed_at "
            f"WHERE {claims}.claimed_at < %s RETURNING token",
            [token, now, Cart._meta.get_field("uuid").get_db_prep_value(cart_uuid, connection), owner_value,
             now - CLAIM_TIMEOUT],
        )
        return cursor.fetchone() is not None


# --- 3. pay -----------------------------------------------------------------------------------


def _pay(plan: Plan, request: PlacementRequest) -> tuple[PaymentAttempt | None, Authorization | None]:
    if plan.payment_method is None:
        return None, None
    amount = plan.totals.grand_total
    attempt = payment_attempt_start(method=plan.payment_method, amount=amount, currency=plan.currency,
                                    idempotency_key=request.key or "", cart_uuid=plan.cart.uuid)
    given = request.data.payments[0] if request.data.payments else {}  # none for an order awaiting payment
    payment = PaymentRequest(method=plan.payment_method, amount=amount, currency=plan.currency,
                             reference=str(attempt.uuid), data=given)
    return attempt, payment_attempt_authorize(attempt=attempt, request=payment)


# --- 4. finalize ------------------------------------------------------------------------------


def _finalize(plan: Plan, attempt, authorization, request: PlacementRequest) -> PlacementResult:
    shopper, key = request.shopper, request.key
    with transaction.atomic(), state_logs_batched():
        cart = _cart(plan.cart.uuid, shopper, lock=True)
        # Releasing the claim proves it was still ours (a stale claim may have been taken over).
        if not CheckoutClaim.objects.filter(cart_uuid=cart.uuid, token=request.token).delete()[0]:
            raise CheckoutInProgress()
        # Every cart write bumps the row under its lock, and the lock read the row as it is now:
        # a write that raced past the claim shows here.
        if cart.updated_at != plan.cart.updated_at:
            raise OrderCannotBePlaced("The cart changed while it was being checked out; review it and try again.")
        if request.assign_to is not None:
            cart = cart_assign_customer(cart=cart_mark_locked(cart), customer=request.assign_to)
        if not request.keep_cart:
            # Early, so that the store's reference counter (taken near the end) is held briefly;
            # a failure below rolls the deletion back with everything else.
            cart_dispose(cart=cart)
        order = order_write(plan=plan, attempt=attempt, authorization=authorization, shopper=request.buyer,
                            fingerprint=request.fingerprint)
        result = PlacementResult(order=order, redirect_url=authorization.redirect_url if authorization else "")
        if key:
            idempotency_complete(scope=request.buyer.scope, operation=PLACE_ORDER, key=key, token=request.token,
                                 order=order, result={"redirect_url": result.redirect_url})
    return result
