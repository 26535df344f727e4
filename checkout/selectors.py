from checkout.exceptions import OrderNotFound
from checkout.models import Order


def order_get_for_update(*, order_id: int) -> Order:
    """The order, row-locked until the surrounding transaction ends, with what its step rules read."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("bill_address__country", "bill_address__region", "ship_address__country",
                        "ship_address__region", "store")
        .prefetch_related("line_items", "shipments__address__country", "shipments__address__region", "payments")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order
