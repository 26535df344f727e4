"""GET /orders, GET /orders/{reference} and GET /order-shipments/{id}: a shopper reads their orders."""

from rest_framework.response import Response

from api.glue.documents import document
from api.glue.orders import INCLUDABLE, included_for, order_resource, order_shipment_resource
from api.glue.requests import requested_includes
from api.glue.views.auth import GlueView
from api.identity import glue_shopper
from checkout.order_selectors import order_get_for, order_list_for, order_shipment_get_for
from core.errors import NotFound


class OrdersView(GlueView):
    def get(self, request):
        orders = order_list_for(shopper=glue_shopper(request))
        return Response(document(request, [order_resource(request, order) for order in orders]))


class OrderView(GlueView):
    def get(self, request, reference: str):
        includes = requested_includes(request, INCLUDABLE)
        order = order_get_for(shopper=glue_shopper(request), reference=reference)
        body = document(request, order_resource(request, order, includes))
        if includes:
            body["included"] = included_for(request, order, includes)
        return Response(body)


class OrderShipmentView(GlueView):
    def get(self, request, shipment_id: str):
        shopper = glue_shopper(request)
        if not shipment_id.isdigit() or len(shipment_id) > 18:
            raise NotFound("Order shipment not found.")
        shipment = order_shipment_get_for(shopper=shopper, shipment_id=int(shipment_id))
        return Response(document(request, order_shipment_resource(request, shipment)))
