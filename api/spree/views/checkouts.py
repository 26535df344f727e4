"""The step-by-step checkout (seed 004): PUT /api/checkouts/:number, …/next, …/advance, …/complete."""

from rest_framework.response import Response

from api.spree.errors import COULD_NOT_TRANSITION
from api.spree.identity import spree_caller
from api.spree.requests import body_of, checkout_update
from api.spree.views.base import SpreeView, step_body
from checkout.step_checkout import draft_advance, draft_complete, draft_next, draft_update_checkout


class CheckoutStepView(SpreeView):
    failure_message = COULD_NOT_TRANSITION


class CheckoutView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        result = draft_update_checkout(number=number, by=caller, update=checkout_update(body_of(request)))
        return Response(step_body(result, caller))


class CheckoutNextView(CheckoutStepView):
    """One step; from confirm, placing the order (a repeated complete returns the completed order)."""

    def put(self, request, number: str):
        caller = spree_caller(request)
        body_of(request)  # a malformed body is refused before anything is placed
        result = draft_next(number=number, by=caller, idempotency_key=request.headers.get("Idempotency-Key"))
        return Response(step_body(result, caller))


class CheckoutAdvanceView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        return Response(step_body(draft_advance(number=number, by=caller), caller))


class CheckoutCompleteView(CheckoutStepView):
    def put(self, request, number: str):
        caller = spree_caller(request)
        body_of(request)  # a malformed body is refused before anything is placed
        result = draft_complete(number=number, by=caller, idempotency_key=request.headers.get("Idempotency-Key"))
        return Response(step_body(result, caller))
