"""Deleting a cart that became an order, in one statement where the database allows it.

Django's collector needs seven statements to delete a cart: it reads the items and shipping
groups, then deletes the items' options, the vouchers, the items, the cart, and unlinks a
Spree checkout draft. Placement does this in every Glue checkout, inside the transaction
that holds the store's stock, so on PostgreSQL the same rows go in one statement of
data-modifying CTEs (Django's foreign keys there are deferred: checked at commit).
``cart_relations`` lists what it covers; a test compares it with the models, so a new
relation to carts cannot be left behind.
"""

from __future__ import annotations

from django.db import connection

from carts.models import Cart, CartItem, CartShippingGroup, CartVoucher
from checkout.models import CheckoutDraft

CART_ITEM_OPTIONS = CartItem.options.through


def cart_relations() -> dict[str, str]:
    """Every model the deletion reaches (``app_label.Model``) and what happens to its rows."""
    return {
        "carts.CartItem": "deleted", f"carts.{CART_ITEM_OPTIONS.__name__}": "deleted",
        "carts.CartVoucher": "deleted", "carts.CartShippingGroup": "deleted",
        "checkout.CheckoutDraft": "unlinked",
    }


def cart_dispose(*, cart: Cart) -> None:
    """Delete the cart and what belongs to it; a checkout draft of it keeps its other data."""
    if connection.vendor != "postgresql":
        cart.delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(_STATEMENT, {"cart": cart.pk})


def _statement() -> str:
    items, options = CartItem._meta.db_table, CART_ITEM_OPTIONS._meta.db_table
    option_item = CART_ITEM_OPTIONS._meta.get_field("cartitem").column
    return (
        f"WITH items AS (DELETE FROM {items} WHERE cart_id = %(cart)s RETURNING id), "
        f"options AS (DELETE FROM {options} WHERE {option_item} IN (SELECT id FROM items)), "
        f"vouchers AS (DELETE FROM {CartVoucher._meta.db_table} WHERE cart_id = %(cart)s), "
        f"groups AS (DELETE FROM {CartShippingGroup._meta.db_table} WHERE cart_id = %(cart)s), "
        f"drafts AS (UPDATE {CheckoutDraft._meta.db_table} SET cart_id = NULL WHERE cart_id = %(cart)s) "
        f"DELETE FROM {Cart._meta.db_table} WHERE id = %(cart)s"
    )


_STATEMENT = _statement()
