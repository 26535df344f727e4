"""What every Spree view shares: JSON in and out, Spree's error shapes, the order as Spree shows it."""

from django.conf import settings
from django.db.models import Prefetch
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.parsers import JSONBodyParser
from api.spree.documents import draft_document, order_document
from api.spree.errors import INVALID_RESOURCE, spree_exception_handler
from catalog.models import Store
from checkout.models import CheckoutDraft, LineItem, Order
from checkout.step_checkout import Caller, draft_preview
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


def order_body(found, caller: Caller) -> dict:
    """The Spree order JSON of a draft (before complete) or of a placed order."""
    if isinstance(found, CheckoutDraft):
        if found.order_id is not None:
            return order_document(placed_order(found.order_id), draft=found, caller=caller)
        found = CheckoutDraft.objects.select_related(
            "store__country", "customer", "cart", "bill_address__country", "bill_address__region",
            "ship_address__country", "ship_address__region", "shipment_method", "payment_method", "credit_card",
        ).get(pk=found.pk)
        return draft_document(draft_preview(found), caller=caller)
    draft = CheckoutDraft.objects.filter(order=found).first()
    return order_document(placed_order(found.pk), draft=draft, caller=caller)
