"""Placed orders as their shopper may read them, with everything a rendering reads prefetched.

A shopper sees only their own orders: a customer's by customer, a guest's by the guest id
the order's guest customer was made with. Someone else's order is "not found", never
"forbidden". The querysets load in a constant number of queries, whatever the order holds.
"""

from django.db.models import Prefetch, QuerySet

from checkout.exceptions import OrderNotFound
from checkout.models import Adjustment, LineItem, Order
from checkout.placement import Shopper
from core.errors import NotFound
from payments.models import Payment
from shipping.models import Shipment

ORDER_RELATED = ("store", "bill_address__country", "ship_address__country")


def _order_prefetches() -> list:
    return [
        Prefetch("line_items", queryset=LineItem.objects.order_by("id")),
        Prefetch("expenses"),
        Prefetch("adjustments", queryset=Adjustment.objects.order_by("id")),
        Prefetch("payments", queryset=Payment.objects.select_related("method__provider").order_by("id")),
        Prefetch("shipments", queryset=Shipment.objects.select_related("method__carrier", "address__country")
                 .order_by("id")),
    ]


def order_list_for(*, shopper: Shopper) -> QuerySet[Order]:
    """The shopper's placed orders, newest first."""
    if shopper.customer is None and not shopper.anonymous_id:
        return Order.objects.none()
    return (
        Order.objects.filter(reference__isnull=False, **shopper.owns_orders())
        .select_related(*ORDER_RELATED)
        .prefetch_related(*_order_prefetches())
        .order_by("-created_at", "-id")
    )


def order_get_for(*, shopper: Shopper, reference: str) -> Order:
    """One of the shopper's placed orders by its reference (DE--3); OrderNotFound otherwise."""
    order = order_list_for(shopper=shopper).filter(reference=reference).first()
    if order is None:
        raise OrderNotFound()
    return order


def order_shipment_get_for(*, shopper: Shopper, shipment_id: int) -> Shipment:
    """A shipment of one of the shopper's placed orders, with its order and line items; NotFound otherwise."""
    if shopper.customer is None and not shopper.anonymous_id:
        raise NotFound("Order shipment not found.")
    shipment = (
        Shipment.objects.filter(pk=shipment_id, order__reference__isnull=False, **shopper.owns_orders("order__"))
        .select_related("order", "method__carrier", "address__country")
        .prefetch_related(Prefetch("line_items", queryset=LineItem.objects.order_by("id")))
        .first()
    )
    if shipment is None:
        raise NotFound("Order shipment not found.")
    return shipment
