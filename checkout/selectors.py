from django.db.models import QuerySet

from checkout.exceptions import OrderNotFound
from checkout.models import Order, OrderPaymentState, OrderState


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


def order_cost(order: Order) -> int:
    """What the customer owes for a placed order: its grand total, nothing once it is canceled."""
    return 0 if order.state == OrderState.CANCELED else order.grand_total


def order_credit_owed(order: Order) -> int:
    """What the shop owes the customer back: money taken (less refunds) beyond what the order costs."""
    return max(order.payment_total - order_cost(order), 0)


def orders_owing_credit() -> QuerySet[Order]:
    """Orders whose customer is owed money until staff refund it (or resume a canceled order): e.g. a
    redirect payment the provider confirmed after its order was canceled, or a captured order canceled."""
    return Order.objects.filter(payment_state=OrderPaymentState.CREDIT_OWED)
