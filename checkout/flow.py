"""The step rules of the checkout: pure predicates over an order and what it holds.

They are the conditions of the order's transitions (checkout.models.Order) and read
only what the order already has loaded or can reach through its own relations; they
never write. A service checks them first so that a client gets a coded error rather
than a bare TransitionNotAllowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checkout.models import Order

# Payment states whose amount counts towards paying the order.
COUNTING_PAYMENT_STATES = ("checkout", "processing", "pending", "completed")


def has_line_items(order: Order) -> bool:
    return len(order.line_items.all()) > 0


def _address_is_valid(address) -> bool:
    return address is not None and not address.problems()


def has_valid_addresses(order: Order) -> bool:
    """A billing address, and a shipping address for every shipment (or the order's own)."""
    if not _address_is_valid(order.bill_address):
        return False
    shipments = order.shipments.all()
    if not shipments:
        return _address_is_valid(order.ship_address)
    return all(_address_is_valid(s.address or order.ship_address) for s in shipments)


def every_shipment_has_method(order: Order) -> bool:
    """There are shipments, each with a method, and every line item is in one of them."""
    shipments = order.shipments.all()
    if not shipments or any(s.method_id is None for s in shipments):
        return False
    shipment_ids = {s.id for s in shipments}
    return all(item.shipment_id in shipment_ids for item in order.line_items.all())


def payment_covers_total(order: Order) -> bool:
    """A zero total needs no payment; otherwise live payments add up to the grand total."""
    if order.grand_total == 0:
        return True
    paid = sum(p.amount for p in order.payments.all() if p.state in COUNTING_PAYMENT_STATES)
    return paid >= order.grand_total


def stock_is_reserved(order: Order) -> bool:
    return order.stock_reserved_at is not None


def nothing_shipped(order: Order) -> bool:
    return all(s.state != "shipped" for s in order.shipments.all())


def something_shipped(order: Order) -> bool:
    return any(s.state == "shipped" for s in order.shipments.all())
