"""Placed orders with everything an Elastic Path order document reads, prefetched; filtered by who asks.

A customer sees their orders; a guest sees one order by its uuid together with the guest id
it was placed under; a staff user (a trusted backend) sees every order when they may do what
they ask it for (core.staff_rights), and is refused (403) when they may not. Anything else is
"not found", never "forbidden".
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from checkout.exceptions import OrderNotFound
from checkout.models import LineItem, Order
from core.identifiers import parse_uuid
from core.staff_rights import StaffAct, staff_require
from payments.models import Payment, PaymentTransaction
from shipping.models import Shipment


def _orders() -> QuerySet[Order]:
    return (
        Order.objects.filter(reference__isnull=False)
        .select_related("customer", "store", "bill_address__country", "bill_address__region",
                        "ship_address__country", "ship_address__region")
        .prefetch_related(
            Prefetch("line_items", queryset=LineItem.objects.order_by("id")),
            Prefetch("shipments", queryset=Shipment.objects.select_related(
                "method", "address__country", "address__region").order_by("id")),
            Prefetch("payments", queryset=Payment.objects.select_related("method").prefetch_related(
                Prefetch("transactions", queryset=PaymentTransaction.objects.prefetch_related("children")
                         .order_by("created_at", "id"))).order_by("id")),
        )
        .order_by("-created_at", "-id")
    )


def orders_visible(*, customer=None, staff=None) -> QuerySet[Order]:
    """Every placed order for a staff user who may read them; a customer's placed orders; none otherwise."""
    if staff is not None:
        staff_require(staff, StaffAct.READ_ORDERS)
        return _orders()
    if customer is not None:
        return _orders().filter(customer=customer)
    return Order.objects.none()


def order_visible(*, order_id, customer=None, guest_ids: tuple[str, ...] = (), staff=None,
                  act: StaffAct = StaffAct.READ_ORDERS) -> Order:
    """One placed order by uuid: the customer's or the guest's own, or any order for a staff user who may
    do ``act`` with it (StaffPermissionMissing when they may not); OrderNotFound otherwise."""
    order = order_placed_get(order_id=order_id)
    if customer is not None and order.customer_id == customer.pk:
        return order
    if order.customer_id and order.customer.is_guest and order.customer.anonymous_id in guest_ids:
        return order
    if staff is not None:
        staff_require(staff, act)
        return order
    raise OrderNotFound(meta={"id": str(order_id)[:64]})


def order_placed_get(*, order_id) -> Order:
    """One placed order by uuid, whoever asks: for a caller who has just placed or changed it."""
    key = parse_uuid(order_id)
    order = _orders().filter(uuid=key).first() if key else None
    if order is None:
        raise OrderNotFound(meta={"id": str(order_id)[:64]})
    return order
