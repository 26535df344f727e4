"""The step-by-step checkout (seed 004): PUT /api/checkouts/:number, …/next, …/advance, …/complete."""

from rest_framework.response import Response

from api.spree.errors import COULD_NOT_TRANSITION
from api.spree.identity import spree_caller
from api.spree.requests import body_of, checkout_update
from api.spree.views.base import SpreeView, order_body
from checkout.models import CheckoutDraft, OrderState
from checkout.step_checkout import (
    draft_advance, draft_complete, draft_for_update, draft_next, draft_update_checkout, spree_order_get,
)
from core.staff_rights import StaffAct

# Staff completing someone else's checkout place an order for a customer (core.staff_rights).
PLACING = StaffAct.PLACE_ORDER_FOR_CUSTOMER


class CheckoutStepView(SpreeView):
    failure_message = COULD_NOT_TRANSITION


class CheckoutView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        draft = draft_for_update(number=number, caller=caller)
        draft = draft_update_checkout(draft=draft, update=checkout_update(body_of(request)))
        return Response(order_body(draft, caller))


class CheckoutNextView(CheckoutStepView):
    """One step; from confirm, placing the order (a repeated complete returns the completed order)."""

    def put(self, request, number: str):
        caller = spree_caller(request)
        found = spree_order_get(number=number, caller=caller, act=StaffAct.CHANGE_CARTS)
        if not isinstance(found, CheckoutDraft):
            return Response(order_body(found, caller))  # placed elsewhere: nothing left to do
        if found.is_placed or found.state == OrderState.CONFIRM:
            return _complete(request, spree_order_get(number=number, caller=caller, act=PLACING), caller)
        return Response(order_body(draft_next(draft=draft_for_update(number=number, caller=caller)), caller))


class CheckoutAdvanceView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        draft = draft_advance(draft=draft_for_update(number=number, caller=caller))
        return Response(order_body(draft, caller))


class CheckoutCompleteView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        found = spree_order_get(number=number, caller=caller, act=PLACING)
        if not isinstance(found, CheckoutDraft):
            return Response(order_body(found, caller))
        return _complete(request, found, caller)


def _complete(request, draft: CheckoutDraft, caller) -> Response:
    body_of(request)  # a malformed body is refused before anything is placed
    draft_complete(draft=draft, idempotency_key=request.headers.get("Idempotency-Key"))
    draft.refresh_from_db()
    return Response(order_body(draft, caller))
