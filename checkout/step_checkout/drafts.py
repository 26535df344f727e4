"""Checkout drafts: create one, find it for its caller, change its items and rental dates.

A draft's items live in its cart and change through the carts services (currency, price
and stock checks). A draft whose items change after the address step goes back to the
address step (back to the cart when it is empty), as Spree does. Rented items need both
dates, the end after the start, a zipcode some stock location serves, and a unit free
for those dates; other items ignore the dates.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from carts.exceptions import ItemNotAvailable, ItemNotInCart
from carts.models import CartItem
from carts.services import cart_add_item, cart_create, cart_remove_item, cart_set_quantity
from catalog.models import Store, Variant
from checkout.exceptions import (
    CheckoutInProgress, OrderAccessDenied, OrderNotFound, RentalDatesMissing,
    RentalZipcodeMissing,
)
from checkout.models import CheckoutClaim, CheckoutDraft, Order, OrderState, new_order_number
from checkout.placement import CLAIM_TIMEOUT
from core.errors import DomainError
from core.staff_rights import StaffAct, staff_require
from customers.models import Customer
from shipping.exceptions import InsufficientStock, RentalDatesInvalid, ZipcodeNotServiceable
from shipping.selectors import stock_location_ids_for, variant_availability

S = OrderState
UNSET = object()


@dataclass(frozen=True)
class Caller:
    """Who asks: a registered customer (API key), the staff user of an API key, and the order token sent."""

    customer: Customer | None = None
    staff: object | None = None
    order_token: str = ""

    def may_use(self, *, customer_id: int | None, token: str, act: StaffAct) -> bool:
        """Whether the order is the caller's (their customer's, or the one their order token opens); staff may
        use anyone's for ``act`` when core.staff_rights says so (StaffPermissionMissing when it does not)."""
        if self.customer is not None and customer_id == self.customer.pk:
            return True
        # Compared as bytes: compare_digest refuses str with characters beyond ASCII.
        if self.order_token and token and hmac.compare_digest(
                self.order_token.encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")):
            return True
        if self.staff is not None:
            staff_require(self.staff, act)
            return True
        return False


@dataclass(frozen=True)
class LineItemChange:
    """``item_id`` set: change that line's quantity (0 removes it); otherwise add ``variant_id``."""

    quantity: int
    item_id: int | None = None
    variant_id: int | None = None
    pointer: str = "/order/line_items"


@dataclass(frozen=True)
class RentalChange:
    """The rental fields sent; UNSET leaves a field as it is."""

    starts_at: datetime | None | object = UNSET
    ends_at: datetime | None | object = UNSET
    zipcode: str | object = UNSET


# --- finding a draft ----------------------------------------------------------------------


def spree_order_get(*, number: str, caller: Caller, act: StaffAct = StaffAct.READ_CARTS) -> CheckoutDraft | Order:
    """The draft with this number, or a placed order without one; 401 when not the caller's, 404 when none.

    A draft not placed yet is a cart being checked out: staff need ``act`` for someone else's (reading carts
    unless said otherwise); a placed order needs reading orders."""
    draft = (CheckoutDraft.objects.select_related("store", "customer__user", "order", "cart", "bill_address__country",
                                                  "bill_address__region", "ship_address__country",
                                                  "ship_address__region", "shipment_method", "payment_method",
                                                  "credit_card")
             .filter(number=number).first())
    if draft is not None:
        needed = StaffAct.READ_ORDERS if draft.order_id is not None else act
        if not caller.may_use(customer_id=draft.customer_id, token=draft.token, act=needed):
            raise OrderAccessDenied()
        return draft
    order = Order.objects.select_related("customer").filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    registered = order.customer_id if order.customer and not order.customer.is_guest else None
    if not caller.may_use(customer_id=registered, token=order.guest_token, act=StaffAct.READ_ORDERS):
        raise OrderAccessDenied()
    return order


def draft_for_update(*, number: str, caller: Caller) -> CheckoutDraft:
    """A draft the caller may change: not placed yet (a placed order is no longer theirs to edit); staff need
    to be allowed to change carts for someone else's."""
    found = spree_order_get(number=number, caller=caller, act=StaffAct.CHANGE_CARTS)
    if not isinstance(found, CheckoutDraft) or found.is_placed:
        raise OrderAccessDenied()
    return found


def draft_lock(draft: CheckoutDraft) -> CheckoutDraft:
    """The draft row locked (call inside a transaction); refused while its cart is being placed."""
    locked = (CheckoutDraft.objects.select_for_update(of=("self",))
              .select_related("store", "cart", "customer", "ship_address__country", "bill_address__country")
              .get(pk=draft.pk))
    if locked.is_placed:
        raise OrderAccessDenied()
    # A claim older than the placement timeout belongs to a crashed placement: it does not lock the draft.
    if CheckoutClaim.objects.filter(cart_uuid=locked.cart_uuid, claimed_at__gte=timezone.now() - CLAIM_TIMEOUT).exists():
        raise CheckoutInProgress("This order is being completed right now.")
    return locked


# --- creating one -------------------------------------------------------------------------


def draft_create(*, store: Store, customer: Customer | None, email: str = "",
                 line_items: list[LineItemChange] = (), rental: RentalChange = RentalChange()) -> CheckoutDraft:
    """A new order in the cart step, with its items and rental fields; nothing is written on refusal."""
    with transaction.atomic():
        anonymous_id = None if customer else f"spree-{secrets.token_hex(16)}"
        cart = cart_create(store=store, customer=customer, anonymous_id=anonymous_id,
                           currency=store.default_currency, price_mode=store.price_mode)
        draft = CheckoutDraft.objects.create(
            number=_free_number(), store=store, cart=cart, cart_uuid=cart.uuid, customer=customer,
            anonymous_id=anonymous_id or "", email=(email or (customer.email if customer else "")).strip(),
        )
        _apply_rental(draft, rental)
        for change in line_items:
            _apply_item(draft, change)
        rental_check(draft)
        draft.save()
    return draft


def _free_number() -> str:
    """A Spree number no order or draft has (orders get theirs from the same generator)."""
    while True:
        number = new_order_number()
        if not (CheckoutDraft.objects.filter(number=number).exists() or Order.objects.filter(number=number).exists()):
            return number


# --- items and rental dates -----------------------------------------------------------------


def draft_update(*, draft: CheckoutDraft, line_items: list[LineItemChange] = (), rental: RentalChange = RentalChange(),
                 email: str | None = None, special_instructions: str | None = None) -> CheckoutDraft:
    """PUT /api/orders/:number — items (both Spree syntaxes), rental fields, e-mail."""
    with transaction.atomic():
        draft = draft_lock(draft)
        _apply_rental(draft, rental)
        for change in line_items:
            _apply_item(draft, change)
        if email is not None:
            draft.email = email.strip()
        if special_instructions is not None:
            draft.special_instructions = special_instructions
        if line_items:
            _back_to_address(draft)
        rental_check(draft)
        draft.save()
    return draft


def draft_add_item(*, draft: CheckoutDraft, variant_id: int, quantity: int) -> CartItem:
    return _change_items(draft, LineItemChange(quantity=quantity, variant_id=variant_id, pointer="/line_item"))


def draft_set_item_quantity(*, draft: CheckoutDraft, item_id: int, quantity: int) -> CartItem:
    return _change_items(draft, LineItemChange(quantity=quantity, item_id=item_id, pointer="/line_item"))


def draft_remove_item(*, draft: CheckoutDraft, item_id: int) -> None:
    _change_items(draft, LineItemChange(quantity=0, item_id=item_id, pointer="/line_item"))


def _change_items(draft: CheckoutDraft, change: LineItemChange) -> CartItem | None:
    with transaction.atomic():
        draft = draft_lock(draft)
        item = _apply_item(draft, change)
        _back_to_address(draft)
        rental_check(draft)
        draft.save()
    return item


def _apply_item(draft: CheckoutDraft, change: LineItemChange) -> CartItem | None:
    if change.item_id is not None:
        item = CartItem.objects.select_related("variant").filter(pk=change.item_id, cart_id=draft.cart_id).first()
        if item is None:
            raise _at(ItemNotInCart(f"There is no line item {change.item_id} in this order."), f"{change.pointer}/id")
        if change.quantity == 0:
            cart_remove_item(cart=draft.cart, sku=item.variant.sku)
            return None
        return _at_quantity(lambda: cart_set_quantity(cart=draft.cart, sku=item.variant.sku, quantity=change.quantity),
                            change.pointer)
    sku = Variant.objects.filter(pk=change.variant_id).values_list("sku", flat=True).first()
    if sku is None:
        raise _at(ItemNotAvailable(f"There is no variant {change.variant_id}.", meta={"variant_id": change.variant_id}),
                  f"{change.pointer}/variant_id")
    return _at_quantity(lambda: cart_add_item(cart=draft.cart, sku=sku, quantity=change.quantity), change.pointer)


def _at_quantity(call, pointer: str):
    """Errors of the carts services point at Glue's fields; here they point at the Spree request's."""
    try:
        return call()
    except DomainError as error:
        if error.field == ("quantity",):
            error.pointer = f"{pointer}/quantity"
        elif error.field == ("sku",):
            error.pointer = f"{pointer}/variant_id"
        raise


def _at(error, pointer: str):
    error.pointer = pointer
    return error


def _back_to_address(draft: CheckoutDraft) -> None:
    """Items changed: shipments and payment are chosen again (Spree's ensure_updated_shipments)."""
    has_items = CartItem.objects.filter(cart_id=draft.cart_id).exists()
    if not has_items:
        draft.state = S.CART
    elif draft.state not in (S.CART, S.ADDRESS):
        draft.state = S.ADDRESS


def _apply_rental(draft: CheckoutDraft, rental: RentalChange) -> None:
    if rental.starts_at is not UNSET:
        draft.rental_start_date = rental.starts_at
    if rental.ends_at is not UNSET:
        draft.rental_end_date = rental.ends_at
    if rental.zipcode is not UNSET:
        draft.zipcode = (rental.zipcode or "").strip()


def rental_check(draft: CheckoutDraft) -> None:
    """The rental rules, for the draft's items as they are now; raises a coded error."""
    start, end = draft.rental_start_date, draft.rental_end_date
    if start and end and not end > start:
        raise _at(RentalDatesInvalid(meta={"rental_start_date": start.isoformat(), "rental_end_date": end.isoformat()}),
                  "/order/rental_end_date")
    rented = list(CartItem.objects.filter(cart_id=draft.cart_id, variant__product__is_rentable=True)
                  .select_related("variant"))
    if not rented:
        return
    if not (start and end):
        raise RentalDatesMissing(meta={"sku": rented[0].variant.sku})
    if not draft.zipcode:
        raise RentalZipcodeMissing(meta={"sku": rented[0].variant.sku})
    try:
        location_ids = stock_location_ids_for(store=draft.store, zipcode=draft.zipcode)
    except ZipcodeNotServiceable as error:
        raise _at(error, "/order/zipcode")
    available = variant_availability(variant_ids=[i.variant_id for i in rented], location_ids=location_ids,
                                     period=(start, end))
    for item in rented:
        stock = available[item.variant_id]
        if not stock.is_never_out_of_stock and stock.quantity < item.quantity:
            raise _at(InsufficientStock(
                f"{item.variant.display_name} is not available for these dates: {stock.quantity} of "
                f"{item.quantity} can be rented.",
                meta={"sku": item.variant.sku, "requested": item.quantity, "available": stock.quantity,
                      "rental_start_date": start.isoformat(), "rental_end_date": end.isoformat()},
            ), "/order/line_items")
