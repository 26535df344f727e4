"""Every error of the Elastic Path dialect in Elastic Path's shape; no input gives a 500 or a trace.

    {"errors": [{"status": 400, "title": "Insufficient stock", "detail": "…", "meta": {"id": "…", "sku": "…"}}]}

``status`` is an integer, as in the seed's examples. Domain errors keep their codes (in
``meta.code``) but some take the status Elastic Path gives them: not enough stock and an
item without a price in the cart's currency are 400 there, not 409/422.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from core.errors import DomainError, FieldPath, spell

logger = logging.getLogger(__name__)

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
}

# Domain error codes whose status or title Elastic Path states otherwise.
EP_STATUS = {"insufficient_stock": 400, "currency_mismatch": 400, "quantity_invalid": 400,
             "item_not_available": 404}
EP_TITLE = {
    "insufficient_stock": "Insufficient stock",
    "currency_mismatch": "Currency mismatch",
    "item_not_available": "Product not found",
    "1103": "Cart not found",
    "order_not_found": "Order not found",
    "1104": "Cart is empty",
    "1101": "Failed Validation",
    "address_not_owned": "Failed Validation",
    "idempotency_conflict": "Idempotency-Key reused",
    "checkout_in_progress": "Checkout in progress",
    "402": "Customer not found",
    "account_member_not_found": "Account member not found",
}
# Domain errors Elastic Path words in its own terms (its tokens).
EP_DETAIL = {
    "customer_sign_in_required": "Checking out with a customer id needs that customer's token "
                                 "(X-Moltin-Customer-Token).",
    "customer_sign_in_mismatch": "The customer token does not belong to this customer.",
    "account_member_sign_in_required": "An account checkout needs a client-credentials token or an "
                                       "EP-Account-Management-Authentication-Token.",
    "account_member_sign_in_mismatch": "The account management token does not belong to this account member.",
}


class EPError(DomainError):
    """A request the dialect refuses before any service is called."""

    code = "ep_bad_request"
    status = 400
    title = "Bad Request"
    default_detail = "The request body is not what this endpoint takes."

    def __init__(self, detail: str | None = None, *, meta: dict | None = None, status: int | None = None,
                 title: str | None = None):
        super().__init__(detail, meta=meta)
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title


class Unauthorized(EPError):
    code = "ep_unauthorized"
    status = 401
    title = "Unauthorized"
    default_detail = "A valid token is required for this request."


class Forbidden(EPError):
    code = "ep_forbidden"
    status = 403
    title = "Forbidden"
    default_detail = "This token may not do this."


class NotFoundError(EPError):
    code = "ep_not_found"
    status = 404
    title = "Not Found"
    default_detail = "Not found."


def error_object(status: int, title: str, detail: str | None = None, meta: dict | None = None) -> dict:
    error = {"status": int(status), "title": title}
    if detail:
        error["detail"] = detail
    if meta:
        error["meta"] = meta
    return error


def errors_response(errors: list[dict], status: int) -> Response:
    return Response({"errors": errors}, status=status, content_type="application/json")


def domain_error_object(exc: DomainError) -> tuple[dict, int]:
    status = getattr(exc, "status_override", None) or EP_STATUS.get(exc.code, exc.status)
    title = getattr(exc, "title", None) or EP_TITLE.get(exc.code) or TITLES.get(status, "Error")
    meta = {**exc.meta}
    if not isinstance(exc, EPError):
        meta.setdefault("code", exc.code)
        if exc.given_pointer:
            meta.setdefault("source", ep_pointer(exc.given_pointer))
        elif exc.field:
            meta.setdefault("source", ep_field(exc.field))
    return error_object(status, title, EP_DETAIL.get(exc.code, exc.detail), meta), status


def ep_pointer(pointer: str) -> str:
    """A pointer given in Elastic Path's words in dotted form: ``/data/shipping_address/country``."""
    return ".".join(part for part in pointer.split("/") if part)


# The domain's field names (field paths: core.errors) Elastic Path spells otherwise, and runs of them
# (``int`` stands for any position): EP's order has one shipping address, its customer an e-mail.
EP_FIELDS = {"address1": "line_1", "address2": "line_2", "zip_code": "postcode", "iso2_code": "country",
             "region_code": "region", "company": "company_name", "method_id": "shipping_type"}
EP_PATHS = {("shipments", int, "address"): ("shipping_address",), ("shipments",): ("shipping_address",),
            ("shipment",): ("shipping_address",), ("rental", "starts_at"): ("rental_start_date",),
            ("rental", "zipcode"): ("zipcode",)}
# Inputs Elastic Path takes outside the body.
EP_SOURCES = {("idempotency_key",): "Idempotency-Key"}


def ep_field(field: FieldPath) -> str:
    """``("shipments", 0, "address", "zip_code")`` → ``data.shipping_address.postcode``."""
    if field in EP_SOURCES:
        return EP_SOURCES[field]
    return ".".join(["data", *spell(field, names=EP_FIELDS, paths=EP_PATHS)])


def ep_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        hook = getattr(context.get("view"), "enrich_error", None)
        if hook is not None:
            hook(exc)
        error, status = domain_error_object(exc)
        response = errors_response([error], status)
        if retry_after := getattr(exc, "retry_after", None):  # a login locked out for this long
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return errors_response([error_object(400, "Failed Validation", str(exc.detail))], 400)
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        return errors_response([error_object(status, TITLES.get(status, "Error"), str(exc.detail))], status)
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return errors_response([error_object(500, TITLES[500], "Something went wrong on our side.")], 500)
