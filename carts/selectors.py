"""Reads of carts, always filtered by owner: a customer's carts, or a guest's carts without a customer.

A cart that is not the caller's is answered exactly like a cart that does not exist
(``CartNotFound``). Whether a cart is being checked out (``checkout.CheckoutClaim``) is
not known here: carts do not import checkout, so the API layer checks the claim before
it calls a cart service.
"""

from __future__ import annotations

import uuid as uuid_module

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from carts.exceptions import CartNotFound
from carts.models import Cart, CartItem, CartVoucher


def owner_filter(*, customer=None, anonymous_id: str | None = None) -> dict | None:
    """Filter arguments for the carts of this owner; None when no owner is given (nothing is visible).

    A registered customer wins over a guest id sent alongside it (as ``checkout.placement.Shopper``).
    """
    if customer is not None:
        return {"customer": customer}
    anonymous_id = (anonymous_id or "").strip()
    if anonymous_id:
        return {"anonymous_id": anonymous_id, "customer__isnull": True}
    return None


def owner_key(*, customer=None, anonymous_id: str | None = None) -> dict | None:
    """``owner_filter`` as the values it compares, for ``owned_carts`` in a compiled read: the
    customer's pk, or the guest id; None when no owner is given."""
    if customer is not None:
        return {"customer": customer.pk}
    anonymous_id = (anonymous_id or "").strip()
    return {"anonymous_id": anonymous_id} if anonymous_id else None


def carts_for(*, customer=None, anonymous_id: str | None = None) -> QuerySet[Cart]:
    """The owner's carts, newest first, with store, items, their variants and the vouchers prefetched."""
    owns = owner_filter(customer=customer, anonymous_id=anonymous_id)
    if owns is None:
        return Cart.objects.none()
    return (
        Cart.objects.filter(**owns)
        .select_related("store")
        .prefetch_related(
            Prefetch("items", queryset=CartItem.objects.select_related("variant__product").prefetch_related(
                "variant__prices", "options")),
            "vouchers",
        )
    )


def cart_get(*, uuid, customer=None, anonymous_id: str | None = None) -> Cart:
    """The owner's cart with this uuid; CartNotFound for a malformed uuid or someone else's cart."""
    cart_uuid = _parse_uuid(uuid)
    cart = carts_for(customer=customer, anonymous_id=anonymous_id).filter(uuid=cart_uuid).first()
    if cart is None:
        raise CartNotFound(meta={"idCart": str(uuid)})
    return cart


def owned_carts(*, customer=None, anonymous_id: str | None = None, lock: bool = False) -> QuerySet[Cart]:
    """The owner's carts (``customer`` may be a pk) with their store, none without an owner;
    ``lock``: locked and with ``has_vouchers``, as ``cart_get_for_update`` reads a cart."""
    owns = owner_filter(customer=customer, anonymous_id=anonymous_id)
    carts = _locking() if lock else Cart.objects.select_related("store")
    return carts.filter(**owns) if owns is not None else carts.none()


def cart_get_for_update(*, pk: int) -> Cart:
    """The cart row, locked until the end of the transaction (call inside ``transaction.atomic``).

    Only the cart row is locked, not its store. CartNotFound if it was deleted meanwhile.
    ``has_vouchers`` says whether codes are applied, so that pricing the cart afterwards
    need not ask for them when there are none.
    """
    cart = _locking().filter(pk=pk).first()
    if cart is None:
        raise CartNotFound(meta={"id": pk})
    return cart


def cart_lock_held(cart: Cart) -> bool:
    """Whether ``cart`` was read locked in the transaction open now (``cart_mark_locked``)."""
    return connection.in_atomic_block and getattr(cart, "locked_in", None) is connection.atomic_blocks[0]


def _locking() -> QuerySet[Cart]:
    vouchers = CartVoucher.objects.filter(cart_id=OuterRef("pk"))
    return (Cart.objects.select_for_update(of=("self",)).select_related("store")
            .annotate(has_vouchers=Exists(vouchers)))


def cart_mark_locked(cart: Cart) -> Cart:
    """``cart``, noted as read locked (``owned_carts(lock=True)``) in the transaction open now."""
    # The outermost atomic block names the transaction: a lock taken in an earlier one is gone.
    cart.locked_in = connection.atomic_blocks[0] if connection.in_atomic_block else None
    return cart


def _parse_uuid(value) -> uuid_module.UUID:
    if isinstance(value, uuid_module.UUID):
        return value
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise CartNotFound(meta={"idCart": str(value)}) from None
