"""Cart writes the API makes that need to know about checkouts (the carts app cannot see claims).

Placing an order claims the cart (``CheckoutClaim``) for the length of the placement;
every API write to a cart passes through ``cart_editable`` first, which refuses it with
a 409 (``checkout_in_progress``) while a live claim exists (``checkout.cart_claims``,
the one rule every dialect uses), so no item slips into an order being placed.
Every cart write bumps the cart row under its lock; placing an order compares that row
again under its own lock before it writes the order, so a write that raced past this check
makes that placement fail rather than place an order the shopper did not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from carts.models import Cart, CartItem
from carts.exceptions import CartNotFound
from carts.selectors import cart_mark_locked, owned_carts, owner_filter, owner_key
from carts.services import cart_add_item, cart_merge_guest, cart_start_with_item
from catalog.models import Store
from checkout.cart_claims import cart_claimed, cart_ensure_unclaimed, live_claims
from checkout.placement import CLAIM_TIMEOUT
from core.compiled import CompiledRead
from core.identifiers import parse_uuid
from core.locks import name_lock

GUEST_CART_NAME = "Shopping cart"


def cart_editable(*, cart: Cart) -> Cart:
    """The cart itself, if no checkout is placing an order from it; CheckoutInProgress (409) otherwise."""
    cart_ensure_unclaimed(cart=cart)
    return cart


def editable_cart_find(*, uuid, customer=None, anonymous_id: str | None = None) -> Cart:
    """The owner's cart (``owned_carts``) if it may change now, read locked with its claim in one
    query (compiled once: ``core.compiled``; call inside a transaction): the cart services called
    next in the same transaction need not read it again. CartNotFound or CheckoutInProgress (409)
    otherwise."""
    key, owner = parse_uuid(uuid), owner_key(customer=customer, anonymous_id=anonymous_id)
    found = _carts_with_claim(uuid=key, claims_since=timezone.now() - CLAIM_TIMEOUT, **owner) if key and owner else []
    if not found:
        raise CartNotFound(meta={"idCart": str(uuid)})
    cart = cart_mark_locked(found[0])
    cart_ensure_unclaimed(cart=cart, claimed=cart.claimed)
    return cart


def _cart_with_claim(*, uuid, claims_since, customer: int | None = None,
                     anonymous_id: str | None = None) -> QuerySet[Cart]:
    claimed = Exists(live_claims(cart_uuid=OuterRef("uuid"), since=claims_since))
    carts = owned_carts(customer=customer, anonymous_id=anonymous_id, lock=True)
    return carts.annotate(claimed=claimed).filter(uuid=uuid).order_by("pk")[:1]


# Read by every Glue cart write: compiled once per shape.
_carts_with_claim = CompiledRead(_cart_with_claim)


@contextmanager
def editable_cart_locked(*, uuid, customer=None, anonymous_id: str | None = None) -> Iterator[Cart]:
    """``editable_cart_find`` in a transaction that the block runs in: the cart services the block
    calls take the cart as it was read, locked, instead of reading it again."""
    with transaction.atomic():
        yield editable_cart_find(uuid=uuid, customer=customer, anonymous_id=anonymous_id)


def guest_cart_add_item(*, anonymous_id: str, store: Store, sku: str, quantity: int) -> CartItem:
    """Put an item in the guest's cart, creating the cart with it when the guest has none (Glue's
    ``POST /guest-cart-items``). One transaction: a refused item leaves no empty cart behind."""
    with transaction.atomic():
        # Two first items at once (a double click) must not make two carts: the guest's requests take
        # turns on a lock named after the guest; other guests are not held up.
        name_lock(f"guest-cart:{anonymous_id}")
        cart = _guest_cart(anonymous_id)
        if cart is None:  # a cart made just now cannot be claimed yet
            return cart_start_with_item(store=store, anonymous_id=anonymous_id, name=GUEST_CART_NAME, sku=sku,
                                        quantity=quantity)
        return cart_add_item(cart=cart_editable(cart=cart), sku=sku, quantity=quantity)


def _guest_cart(anonymous_id: str) -> Cart | None:
    return (Cart.objects.filter(**owner_filter(anonymous_id=anonymous_id)).select_related("store")
            .order_by("-is_default", "-updated_at", "-pk").first())


def guest_carts_merge_at_login(*, anonymous_id: str | None, customer) -> Cart | None:
    """A guest logs in: their carts go to the customer (``cart_merge_guest``), unless one of them
    is being checked out right now, in which case nothing moves (the login itself still succeeds)."""
    anonymous_id = (anonymous_id or "").strip()
    if not anonymous_id or customer is None:
        return None
    guest_uuids = Cart.objects.filter(**owner_filter(anonymous_id=anonymous_id)).values_list("uuid", flat=True)
    if any(cart_claimed(cart_uuid=cart_uuid) for cart_uuid in guest_uuids):
        return None
    return cart_merge_guest(guest_anonymous_id=anonymous_id, customer=customer)
