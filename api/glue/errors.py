"""Every error of the Glue dialect as JSON:API error objects; no input gives a 500 or a trace.

    {"errors": [{"status": "422", "code": "1101", "detail": "…", "source": {"pointer": "…"}, "meta": {…}}]}
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from api.glue.documents import MEDIA_TYPE
from core.errors import DomainError, FieldPath, spell

logger = logging.getLogger(__name__)

# DRF's own failures, in Glue's words.
DRF_CODES = {
    exceptions.ParseError: ("400", "bad_request"),
    exceptions.UnsupportedMediaType: ("415", "unsupported_media_type"),
    exceptions.NotAuthenticated: ("401", "001"),
    exceptions.AuthenticationFailed: ("401", "001"),
    exceptions.PermissionDenied: ("403", "forbidden"),
    exceptions.NotFound: ("404", "not_found"),
    exceptions.MethodNotAllowed: ("405", "method_not_allowed"),
    exceptions.NotAcceptable: ("406", "not_acceptable"),
    exceptions.Throttled: ("429", "throttled"),
}


# The domain's field names (field paths: core.errors) Glue spells other than in camelCase, and runs
# of them it spells otherwise (``int`` stands for any position).
GLUE_NAMES = {
    "region_code": "region", "company_address_id": "idCompanyBusinessUnitAddress", "method_id": "idShipmentMethod",
    "address": "shippingAddress", "provider_name": "paymentProviderName", "method_name": "paymentMethodName",
    "card": "dummyPaymentCreditCard", "existing_card": "existingCreditCard", "invoice": "dummyPaymentInvoice",
}
_CARD = {"number": "cardNumber", "brand": "cardType", "name": "nameOnCard", "month": "cardExpiresMonth",
         "year": "cardExpiresYear", "security_code": "cardSecurityCode"}
GLUE_PATHS = {
    **{("card", name): ("dummyPaymentCreditCard", glue) for name, glue in _CARD.items()},
    **{("existing_card", name): ("existingCreditCard", _CARD[name]) for name in ("month", "year")},
    ("rental", "starts_at"): ("rental_start_date",), ("rental", "zipcode"): ("zipcode",),
}
# Inputs Glue takes outside the attributes.
GLUE_POINTERS = {("idempotency_key",): "/meta/idempotencyKey"}


def glue_pointer(field: FieldPath) -> str:
    """``("shipments", 0, "address", "zip_code")`` → ``/data/attributes/shipments/0/shippingAddress/zipCode``."""
    if field in GLUE_POINTERS:
        return GLUE_POINTERS[field]
    if not field:
        return "/data"
    return "/".join(["/data/attributes", *spell(field, names=GLUE_NAMES, paths=GLUE_PATHS, word=_camel)])


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def error_pointer(exc: DomainError) -> str:
    """Where in a Glue request the error is: the pointer given it, else its field's, else its class's."""
    return exc.given_pointer or (glue_pointer(exc.field) if exc.field else exc.pointer)


def error_meta(exc: DomainError) -> dict:
    """The error's meta; an address's ``problems`` by Glue's attribute names."""
    if isinstance(exc.meta.get("problems"), dict):
        return {**exc.meta, "problems": {glue_pointer((k,)).rsplit("/", 1)[1]: v
                                         for k, v in exc.meta["problems"].items()}}
    return exc.meta


def error_object(status: int | str, code: str, detail: str, pointer: str | None = None, meta: dict | None = None):
    error = {"status": str(status), "code": code, "detail": detail}
    if pointer:
        error["source"] = {"pointer": pointer}
    if meta:
        error["meta"] = meta
    return error


def errors_response(errors: list[dict], status: int) -> Response:
    return Response({"errors": errors}, status=status, content_type=MEDIA_TYPE)


def glue_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        error = error_object(exc.status, exc.code, exc.detail, error_pointer(exc), error_meta(exc))
        response = errors_response([error], exc.status)
        if retry_after := getattr(exc, "retry_after", None):  # a login locked out for this long
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return errors_response(list(_validation_errors(exc.detail, "/data/attributes")), 400)
    if isinstance(exc, exceptions.APIException):
        status, code = next((v for k, v in DRF_CODES.items() if isinstance(exc, k)), (str(exc.status_code), "error"))
        return errors_response([error_object(status, code, str(exc.detail))], exc.status_code)
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return errors_response([error_object(500, "internal_error", "Something went wrong on our side.")], 500)


def _validation_errors(detail, pointer):
    if isinstance(detail, dict):
        for field, inner in detail.items():
            yield from _validation_errors(inner, f"{pointer}/{field}")
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, (dict, list)):
                yield from _validation_errors(item, pointer)
            else:
                yield error_object(400, getattr(item, "code", "invalid"), str(item), pointer)
    else:
        yield error_object(400, getattr(detail, "code", "invalid"), str(detail), pointer)
