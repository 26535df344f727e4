"""What every Spree view shares: JSON in and out, Spree's error shapes, the order as Spree shows it."""

from django.conf import settings
from django.db.models import Prefetch
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.parsers import JSONBodyParser
from api.spree.documents import draft_document, order_document
from api.spree.errors import INVALID_RESOURCE, spree_exception_handler
from api.spree.identity import Caller
from catalog.models import Store
from checkout.models import CheckoutDraft, LineItem, Order
from checkout.step_checkout import StepResult, draft_preview
from payments.models import Payment
from shipping.models import Shipment


class SpreeView(APIView):
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]
    authentication_classes = []
    permission_classes = []
    failure_message = INVALID_RESOURCE

    def get_exception_handler(self):
        return spree_exception_handler


def spree_store() -> Store:
    return Store.objects.select_related("country").get(code=settings.SPREE_STORE)


def placed_order(pk: int) -> Order:
    """A placed order with everything its Spree JSON reads, in a fixed number of queries."""
    return (Order.objects.select_related("store", "customer", "bill_address__country", "bill_address__region",
                                         "ship_address__country", "ship_address__region")
            .prefetch_related(
                Prefetch("line_items", queryset=LineItem.objects.select_related("variant__product")
                         .prefetch_related("variant__prices", "adjustments").order_by("id")),
                Prefetch("payments", queryset=Payment.objects.select_related("method", "source").order_by("id")),
                Prefetch("shipments", queryset=Shipment.objects.select_related("method", "stock_location")
                         .prefetch_related("shipping_rates__method", "method__zones").order_by("id")),
                "adjustments",
            ).get(pk=pk))


def draft_body(draft: CheckoutDraft, caller: Caller) -> dict:
    """The Spree order JSON of a draft read with its relations (checkout.step_checkout.draft_get)."""
    if draft.is_placed:
        return order_document(placed_order(draft.order_id), draft=draft, caller=caller)
    return draft_document(draft_preview(draft), caller=caller)


def order_body(order: Order, caller: Caller) -> dict:
    """The Spree order JSON of an order placed without a draft."""
    return order_document(placed_order(order.pk), draft=None, caller=caller)


def step_body(result: StepResult, caller: Caller) -> dict:
    """A checkout step's outcome: the draft as the step priced it, or the order placed."""
    if result.preview is not None:
        return draft_document(result.preview, caller=caller)
    return order_document(placed_order(result.order.pk), draft=result.draft, caller=caller)
