"""Checkout drafts: create one, find it for its caller, change its items and rental dates.

A draft's items live in its cart and change through the carts services (currency, price
and stock checks). A draft whose items change after the address step goes back to the
address step (back to the cart when it is empty), as Spree does. Rented items need both
dates, the end after the start, a zipcode some stock location serves, and a unit free
for those dates; other items ignore the dates. An order with a zipcode is served, every
item of it, by the stock locations serving that zipcode (``checkout.stock_sources``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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
from checkout.stock_sources import order_stock_locations
from core.errors import DomainError, FieldPath
from core.staff_rights import StaffAct
from customers.models import Customer
from shipping.exceptions import InsufficientStock, RentalDatesInvalid, ZipcodeNotServiceable
from shipping.selectors import variant_availability

S = OrderState
UNSET = object()


class Opener(Protocol):
    """Who asks (a dialect's caller): whether they may use the order of ``customer_id`` opened by ``token``
    for ``act`` (raising StaffPermissionMissing when they are staff without it)."""

    def may_use(self, *, customer_id: int | None, token: str, act: StaffAct) -> bool: ...


@dataclass(frozen=True)
class LineItemChange:
    """``item_id`` set: change that line's quantity (0 removes it); otherwise add ``variant_id``."""

    quantity: int
    item_id: int | None = None
    variant_id: int | None = None
    at: FieldPath = ()  # where the change sits among the inputs, e.g. ("line_items",)


@dataclass(frozen=True)
class RentalChange:
    """The rental fields sent; UNSET leaves a field as it is."""

    starts_at: datetime | None | object = UNSET
    ends_at: datetime | None | object = UNSET
    zipcode: str | object = UNSET


# --- finding a draft ----------------------------------------------------------------------

# What showing a draft reads besides its cart's items (``preview``): read with the draft, once.
DRAFT_RELATIONS = ("store__country", "customer__user", "order", "cart", "bill_address__country",
                   "bill_address__region", "ship_address__country", "ship_address__region", "shipment_method",
                   "payment_method__provider", "credit_card")


def draft_read(*, number: str, lock: bool = False) -> CheckoutDraft | None:
    """The draft with this number and what showing it reads; ``lock``: its row locked (inside a transaction)."""
    drafts = CheckoutDraft.objects.select_related(*DRAFT_RELATIONS)
    if lock:
        drafts = drafts.select_for_update(of=("self",))
    return drafts.filter(number=number).first()


def draft_allow(draft: CheckoutDraft, *, by: Opener, act: StaffAct) -> None:
    """401 unless the draft is the caller's; staff need ``act`` for someone else's (reading orders once placed)."""
    needed = StaffAct.READ_ORDERS if draft.is_placed else act
    if not by.may_use(customer_id=draft.customer_id, token=draft.token, act=needed):
        raise OrderAccessDenied()


def draft_get(*, number: str, by: Opener, act: StaffAct = StaffAct.READ_CARTS, lock: bool = False
              ) -> CheckoutDraft | None:
    """The draft with this number (None when there is none: see ``placed_order_get``); 401 when not the caller's.

    A draft not placed yet is a cart being checked out: staff need ``act`` for someone else's (reading carts
    unless said otherwise); a placed one needs reading orders."""
    draft = draft_read(number=number, lock=lock)
    if draft is not None:
        draft_allow(draft, by=by, act=act)
    return draft


def placed_order_get(*, number: str, by: Opener) -> Order:
    """An order with this number placed without a draft (by another dialect); 401 when not the caller's."""
    order = Order.objects.select_related("customer").filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    registered = order.customer_id if order.customer and not order.customer.is_guest else None
    if not by.may_use(customer_id=registered, token=order.guest_token, act=StaffAct.READ_ORDERS):
        raise OrderAccessDenied()
    return order


def draft_for_update(*, number: str, by: Opener) -> CheckoutDraft:
    """A draft the caller may change, locked (call inside a transaction): not placed yet (a placed order is
    no longer theirs to edit), not being placed right now; staff need to be allowed to change carts."""
    draft = draft_get(number=number, by=by, act=StaffAct.CHANGE_CARTS, lock=True)
    if draft is None:
        placed_order_get(number=number, by=by)  # 404 or 401 as for reading it
        raise OrderAccessDenied()
    if draft.is_placed:
        raise OrderAccessDenied()
    draft_claim_check(draft)
    return draft


def draft_claim_check(draft: CheckoutDraft) -> None:
    """Refused while the draft's cart is being placed. A claim older than the placement timeout belongs to
    a crashed placement: it does not hold the draft."""
    if CheckoutClaim.objects.filter(cart_uuid=draft.cart_uuid, claimed_at__gte=timezone.now() - CLAIM_TIMEOUT).exists():
        raise CheckoutInProgress("This order is being completed right now.")


# --- creating one -------------------------------------------------------------------------


def draft_create(*, store: Store, customer: Customer | None, email: str = "",
                 line_items: list[LineItemChange] = (), rental: RentalChange = RentalChange()) -> CheckoutDraft:
    """A new order in the cart step, with its items and rental fields; nothing is written on refusal."""
    with transaction.atomic():
        anonymous_id = None if customer else f"guest-{secrets.token_hex(16)}"
        cart = cart_create(store=store, customer=customer, anonymous_id=anonymous_id,
                           currency=store.default_currency, price_mode=store.price_mode)
        draft = CheckoutDraft.objects.create(
            number=_free_number(), store=store, cart=cart, cart_uuid=cart.uuid, customer=customer,
            anonymous_id=anonymous_id or "", email=(email or (customer.email if customer else "")).strip(),
        )
        _apply_rental(draft, rental)
        for change in line_items:
            _apply_item(draft, change)
        stock_check(draft)
        draft.save()
    return draft


def _free_number() -> str:
    """A Spree number no order or draft has (orders get theirs from the same generator)."""
    while True:
        number = new_order_number()
        if not (CheckoutDraft.objects.filter(number=number).exists() or Order.objects.filter(number=number).exists()):
            return number


# --- items and rental dates -----------------------------------------------------------------


@dataclass(frozen=True)
class ItemChanged:
    draft: CheckoutDraft
    item: CartItem | None  # None: removed


def draft_update(*, number: str, by: Opener, line_items: list[LineItemChange] = (),
                 rental: RentalChange = RentalChange(), email: str | None = None,
                 special_instructions: str | None = None) -> CheckoutDraft:
    """Change items, rental fields, e-mail or instructions; nothing changes on refusal."""
    with transaction.atomic():
        draft = draft_for_update(number=number, by=by)
        _apply_rental(draft, rental)
        for change in line_items:
            _apply_item(draft, change)
        if email is not None:
            draft.email = email.strip()
        if special_instructions is not None:
            draft.special_instructions = special_instructions
        if line_items:
            _back_to_address(draft)
        stock_check(draft)
        draft.save()
    return draft


def draft_add_item(*, number: str, by: Opener, variant_id: int, quantity: int, at: FieldPath = ()) -> ItemChanged:
    return _change_items(number, by, LineItemChange(quantity=quantity, variant_id=variant_id, at=at))


def draft_set_item_quantity(*, number: str, by: Opener, item_id: int, quantity: int, at: FieldPath = ()
                            ) -> ItemChanged:
    return _change_items(number, by, LineItemChange(quantity=quantity, item_id=item_id, at=at))


def draft_remove_item(*, number: str, by: Opener, item_id: int, at: FieldPath = ()) -> ItemChanged:
    return _change_items(number, by, LineItemChange(quantity=0, item_id=item_id, at=at))


def _change_items(number: str, by: Opener, change: LineItemChange) -> ItemChanged:
    with transaction.atomic():
        draft = draft_for_update(number=number, by=by)
        item = _apply_item(draft, change)
        _back_to_address(draft)
        stock_check(draft)
        draft.save()
    return ItemChanged(draft=draft, item=item)


def _apply_item(draft: CheckoutDraft, change: LineItemChange) -> CartItem | None:
    if change.item_id is not None:
        item = CartItem.objects.select_related("variant").filter(pk=change.item_id, cart_id=draft.cart_id).first()
        if item is None:
            raise ItemNotInCart(f"There is no line item {change.item_id} in this order.", field=(*change.at, "id"))
        if change.quantity == 0:
            cart_remove_item(cart=draft.cart, sku=item.variant.sku)
            return None
        return _for_change(lambda: cart_set_quantity(cart=draft.cart, sku=item.variant.sku, quantity=change.quantity),
                           change)
    sku = Variant.objects.filter(pk=change.variant_id).values_list("sku", flat=True).first()
    if sku is None:
        raise ItemNotAvailable(f"There is no variant {change.variant_id}.", meta={"variant_id": change.variant_id},
                               field=(*change.at, "variant_id"))
    return _for_change(lambda: cart_add_item(cart=draft.cart, sku=sku, quantity=change.quantity), change)


def _for_change(call, change: LineItemChange):
    """The carts services name their own inputs (quantity, sku); here the change's are meant."""
    try:
        return call()
    except DomainError as error:
        name = error.field[-1] if error.field else ""
        if name in ("quantity", "sku"):
            error.field = (*change.at, "quantity" if name == "quantity" else "variant_id")
        raise


def _back_to_address(draft: CheckoutDraft) -> None:
    """Items changed: shipments and payment are chosen again (Spree's ensure_updated_shipments)."""
    if not CartItem.objects.filter(cart_id=draft.cart_id).exists():
        if draft.state != S.CART:
            draft.back_to_cart()
    elif draft.state not in (S.CART, S.ADDRESS):
        draft.back_to_address()


def _apply_rental(draft: CheckoutDraft, rental: RentalChange) -> None:
    if rental.starts_at is not UNSET:
        draft.rental_start_date = rental.starts_at
    if rental.ends_at is not UNSET:
        draft.rental_end_date = rental.ends_at
    if rental.zipcode is not UNSET:
        draft.zipcode = (rental.zipcode or "").strip()


def _items(draft: CheckoutDraft) -> list[CartItem]:
    return list(CartItem.objects.filter(cart_id=draft.cart_id).select_related("variant__product").order_by("id"))


def stock_check(draft: CheckoutDraft, items: list[CartItem] | None = None) -> None:
    """The stock rules for the draft's items as they are now (``items``: already read); raises a coded error.

    Rented items need both dates, the end after the start, a zipcode some location serves and a unit
    free for the dates. An order with a zipcode is served, every item, by that zipcode's locations
    (checkout.stock_sources), as placement serves it."""
    start, end = draft.rental_start_date, draft.rental_end_date
    if start and end and not end > start:
        raise RentalDatesInvalid(meta={"rental_start_date": start.isoformat(), "rental_end_date": end.isoformat()},
                                 field=("rental", "ends_at"))
    items = _items(draft) if items is None else items
    rented = [i for i in items if i.variant.product.is_rentable]
    if rented and not (start and end):
        raise RentalDatesMissing(meta={"sku": rented[0].variant.sku})
    if rented and not draft.zipcode:
        raise RentalZipcodeMissing(meta={"sku": rented[0].variant.sku})
    if not (items and draft.zipcode):
        return
    try:
        location_ids = order_stock_locations(store=draft.store, zipcode=draft.zipcode)
    except ZipcodeNotServiceable as error:
        error.field = ("rental", "zipcode")
        raise
    sold = [i for i in items if not i.variant.product.is_rentable]
    for group, period in ((rented, (start, end)), (sold, None)):
        if group:
            available = variant_availability(variant_ids=[i.variant_id for i in group], location_ids=location_ids,
                                             period=period)
            for item in group:
                _enough(item, available[item.variant_id], period)


def _enough(item: CartItem, stock, period) -> None:
    if stock.is_never_out_of_stock or stock.backorderable or stock.quantity >= item.quantity:
        return
    meta = {"sku": item.variant.sku, "requested": item.quantity, "available": stock.quantity}
    if period is None:
        raise InsufficientStock(f"There is not enough stock of {item.variant.sku}: {stock.quantity} available, "
                                f"{item.quantity} wanted.", meta=meta, field=("line_items",))
    raise InsufficientStock(
        f"{item.variant.display_name} is not available for these dates: {stock.quantity} of "
        f"{item.quantity} can be rented.",
        meta={**meta, "rental_start_date": period[0].isoformat(), "rental_end_date": period[1].isoformat()},
        field=("line_items",))
