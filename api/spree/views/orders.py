"""Orders and their line items (seed 004): POST /api/orders, GET/PUT /api/orders/:number,
POST /api/orders/:number/line_items, PUT/DELETE /api/orders/:number/line_items/:id,
GET /api/orders/:number/payments/new."""

from rest_framework.response import Response

from api.spree.documents import draft_line_item_json, payment_methods_json
from api.spree.identity import spree_caller
from api.spree.requests import (
    SpreeParamsInvalid, body_of, integer, line_item_change, line_item_changes, object_at, rental_change, text,
)
from api.spree.views.base import SpreeView, draft_body, order_body, spree_store
from carts.exceptions import MAX_QUANTITY
from checkout.step_checkout import (
    ItemChanged, draft_add_item, draft_create, draft_get, draft_preview, draft_remove_item, draft_set_item_quantity,
    draft_update, placed_order_get,
)
from payments.models import PaymentMethod


class OrdersView(SpreeView):
    def post(self, request):
        caller = spree_caller(request)
        order = object_at(body_of(request), "order", pointer="/order")
        draft = draft_create(
            store=spree_store(), customer=caller.customer,
            email=text(order.get("email"), pointer="/order/email"),
            line_items=line_item_changes(order.get("line_items"), creating=True),
            rental=rental_change(order),
        )
        return Response(draft_body(draft, caller), status=201)


class OrderView(SpreeView):
    def get(self, request, number: str):
        caller = spree_caller(request)
        draft = draft_get(number=number, by=caller)
        if draft is None:
            return Response(order_body(placed_order_get(number=number, by=caller), caller))
        return Response(draft_body(draft, caller))

    def put(self, request, number: str):
        caller = spree_caller(request)
        order = object_at(body_of(request), "order", pointer="/order")
        draft = draft_update(
            number=number, by=caller, line_items=line_item_changes(order.get("line_items"), creating=False),
            rental=rental_change(order),
            email=text(order["email"], pointer="/order/email") if "email" in order else None,
            special_instructions=text(order["special_instructions"], pointer="/order/special_instructions",
                                      max_length=5000) if "special_instructions" in order else None,
        )
        return Response(draft_body(draft, caller))


def _line_item_response(changed: ItemChanged, status: int) -> Response:
    preview = draft_preview(changed.draft, with_rates=False)
    shown = next(i for i in preview.items if i.pk == changed.item.pk)
    return Response(draft_line_item_json(shown, preview), status=status)


class LineItemsView(SpreeView):
    def post(self, request, number: str):
        caller = spree_caller(request)
        entry = object_at(body_of(request), "line_item", pointer="/line_item", required=True)
        change = line_item_change(entry, pointer="/line_item")
        changed = draft_add_item(number=number, by=caller, variant_id=change.variant_id, quantity=change.quantity,
                                 at=change.at)
        return _line_item_response(changed, 201)


class LineItemView(SpreeView):
    def put(self, request, number: str, item_id: str):
        caller = spree_caller(request)
        entry = object_at(body_of(request), "line_item", pointer="/line_item", required=True)
        if "quantity" not in entry:
            raise SpreeParamsInvalid("quantity is required.", pointer="/line_item/quantity")
        quantity = integer(entry["quantity"], pointer="/line_item/quantity", low=1, high=MAX_QUANTITY)
        changed = draft_set_item_quantity(number=number, by=caller, item_id=int(item_id), quantity=quantity,
                                          at=("line_item",))
        return _line_item_response(changed, 200)

    def delete(self, request, number: str, item_id: str):
        caller = spree_caller(request)
        draft_remove_item(number=number, by=caller, item_id=int(item_id), at=("line_item",))
        return Response(status=204)


PAYMENT_ATTRIBUTES = ["id", "source_type", "source_id", "amount", "display_amount", "payment_method_id",
                      "response_code", "state", "avs_response", "created_at", "updated_at"]


class PaymentsNewView(SpreeView):
    def get(self, request, number: str):
        caller = spree_caller(request)
        if draft_get(number=number, by=caller) is None:
            placed_order_get(number=number, by=caller)
        methods = (PaymentMethod.objects.select_related("provider")
                   .filter(is_active=True, provider__is_active=True).order_by("position", "pk"))
        return Response({"attributes": PAYMENT_ATTRIBUTES, "payment_methods": payment_methods_json(methods)})
