"""A cart may change only while no checkout holds it.

Placing an order claims the cart (``CheckoutClaim``) for the length of the placement;
the carts app cannot see claims, so every API write to a cart passes through
``cart_editable`` first: while a live claim exists the shopper gets a 409
(``checkout_in_progress``) instead of an item slipping into an order being placed.
A claim older than the placement timeout belongs to a crashed placement and does not
count. Placing an order checks the cart's lines again under its lock before it writes
the order, so a write that raced past this check makes that placement fail rather
than place an order the shopper did not see.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from carts.models import Cart, CartItem
from carts.selectors import carts_for, owner_filter
from carts.services import cart_add_item, cart_create, cart_merge_guest
from catalog.models import Store
from checkout.exceptions import CheckoutInProgress
from checkout.models import CheckoutClaim
from checkout.placement import CLAIM_TIMEOUT

GUEST_CART_NAME = "Shopping cart"


def _live_claims():
    return CheckoutClaim.objects.filter(claimed_at__gte=timezone.now() - CLAIM_TIMEOUT)


def cart_editable(*, cart: Cart) -> Cart:
    """The cart itself, if no checkout is placing an order from it; CheckoutInProgress otherwise."""
    if _live_claims().filter(cart_uuid=cart.uuid).exists():
        raise CheckoutInProgress(
            "This cart is being checked out right now and cannot change. Retry when the checkout has finished.",
            meta={"idCart": str(cart.uuid)},
        )
    return cart


def guest_cart_add_item(*, anonymous_id: str, store: Store, sku: str, quantity: int) -> CartItem:
    """Put an item in the guest's cart, creating the cart with it when the guest has none (Glue's
    ``POST /guest-cart-items``). One transaction: a refused item leaves no empty cart behind."""
    with transaction.atomic():
        cart = carts_for(anonymous_id=anonymous_id).order_by("-is_default", "-updated_at", "-pk").first()
        if cart is None:
            cart = cart_create(store=store, anonymous_id=anonymous_id, name=GUEST_CART_NAME, is_default=True)
        return cart_add_item(cart=cart_editable(cart=cart), sku=sku, quantity=quantity)


def guest_carts_merge_at_login(*, anonymous_id: str | None, customer) -> Cart | None:
    """A guest logs in: their carts go to the customer (``cart_merge_guest``), unless one of them
    is being checked out right now, in which case nothing moves (the login itself still succeeds)."""
    anonymous_id = (anonymous_id or "").strip()
    if not anonymous_id or customer is None:
        return None
    guest_uuids = Cart.objects.filter(**owner_filter(anonymous_id=anonymous_id)).values_list("uuid", flat=True)
    if _live_claims().filter(cart_uuid__in=list(guest_uuids)).exists():
        return None
    return cart_merge_guest(guest_anonymous_id=anonymous_id, customer=customer)
