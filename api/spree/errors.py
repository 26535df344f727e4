"""Every error of the Spree dialect in Spree's shapes; no input gives a 500 or a trace.

    401 {"error": "You are not authorized to perform that action."}
    404 {"error": "The resource you were looking for could not be found."}
    422 {"error": "The order could not be transitioned. Please fix the errors and try again.",
         "errors": {"bill_address.zipcode": ["…"]}}               (a checkout step)
    422 {"error": "Invalid resource. Please fix errors and try again.", "errors": {"quantity": ["…"]}}
A business refusal is 422 whatever status the domain gives it (Spree has no other; a unit
not available is 422 too), except a checkout already running (409, retry) and malformed
input (400).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from checkout.exceptions import StepNotReady
from core.errors import DomainError, FieldPath, spell

logger = logging.getLogger(__name__)

UNAUTHORIZED = "You are not authorized to perform that action."
NOT_FOUND = "The resource you were looking for could not be found."
COULD_NOT_TRANSITION = "The order could not be transitioned. Please fix the errors and try again."
INVALID_RESOURCE = "Invalid resource. Please fix errors and try again."

# Conflicts a client should retry rather than fix: they keep their 409.
RETRY_LATER = {"checkout_in_progress"}
SKIPPED = {"", "order", "data", "attributes", "meta"}


def error_field(pointer: str | None) -> str:
    """A pointer given in Spree's words: ``/order/bill_address_attributes/zipcode`` → ``bill_address.zipcode``;
    ``base`` when it names nothing."""
    parts = [part.removesuffix("_attributes") for part in (pointer or "").split("/")
             if part not in SKIPPED and not part.isdigit()]
    return ".".join(parts) or "base"


# The domain's field names (field paths: core.errors) Spree spells otherwise, and runs of them
# (``int`` stands for any position; Spree's order has one shipment, one payment).
SPREE_FIELDS = {
    "billing_address": "bill_address", "shipping_address": "ship_address", "first_name": "firstname",
    "last_name": "lastname", "zip_code": "zipcode", "iso2_code": "country", "region_code": "state",
    "brand": "cc_type", "security_code": "verification_value",
}
SPREE_PATHS = {
    ("customer", "email"): ("email",), ("shipments", int, "address"): ("ship_address",),
    ("shipments", int, "method_id"): ("shipments", "selected_shipping_rate_id"), ("shipment",): ("shipments",),
    ("payments", int, "card"): ("payment_source",), ("payments", int, "existing_card"): ("existing_card",),
    ("payments", int, "method_name"): ("payments", "payment_method_id"),
    ("rental", "starts_at"): ("rental_start_date",), ("rental", "ends_at"): ("rental_end_date",),
    ("rental", "zipcode"): ("zipcode",), ("payments", int, "method_id"): ("payments", "payment_method_id"),
    ("shipments", int, "rate_id"): ("shipments", "selected_shipping_rate_id"),
}


# Spree's (Rails') words for what the step rules find missing, by code (checkout.flow).
SPREE_MESSAGES = {
    "email_missing": "can't be blank", "address_missing": "can't be blank",
    "card_missing": "The card is missing: send it as payment_source.",
}


def spree_field(field: FieldPath) -> str:
    """``("billing_address", "zip_code")`` → ``bill_address.zipcode``; ``base`` for no field."""
    words = spell(field, names=SPREE_FIELDS, paths=SPREE_PATHS)
    return ".".join(word for word in words if not word.isdigit()) or "base"


def step_errors(exc: StepNotReady) -> dict[str, list[str]]:
    """Spree's ``errors`` of a step not taken: each unmet requirement under its field, in Spree's words."""
    errors: dict[str, list[str]] = {}
    for unmet in exc.unmet:
        errors.setdefault(error_key(unmet), []).append(SPREE_MESSAGES.get(unmet.code, unmet.detail))
    return errors


def error_key(exc: DomainError) -> str:
    """The key of Spree's ``errors`` object the error belongs under."""
    given = exc.given_pointer
    return error_field(given) if given else spree_field(exc.field) if exc.field else error_field(exc.pointer)


def spree_response(status: int, error: str, errors: dict | None = None) -> Response:
    body = {"error": error}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status)


def spree_exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, DomainError):
        return _domain(exc, getattr(view, "failure_message", INVALID_RESOURCE))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return spree_response(404, NOT_FOUND)
    if isinstance(exc, PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed
                   | exceptions.PermissionDenied):
        return spree_response(401, UNAUTHORIZED)
    if isinstance(exc, exceptions.ParseError):
        return spree_response(400, "The request body is not valid JSON.", {"base": [str(exc.detail)]})
    if isinstance(exc, exceptions.APIException):
        return spree_response(exc.status_code, str(exc.detail))
    logger.exception("Unhandled error in %s", view.__class__.__name__ if view else "a Spree view")
    return spree_response(500, "Something went wrong on our side.")


def _domain(exc: DomainError, failure_message: str) -> Response:
    if exc.status == 401 or exc.status == 403:
        return spree_response(401, UNAUTHORIZED)
    if exc.status == 404:
        return spree_response(404, NOT_FOUND)
    if isinstance(exc, StepNotReady):
        return spree_response(422, COULD_NOT_TRANSITION, step_errors(exc))
    status = exc.status if exc.status == 400 or exc.code in RETRY_LATER else 422
    return spree_response(status, failure_message, {error_key(exc): [exc.detail]})
