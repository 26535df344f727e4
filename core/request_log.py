"""One JSON line per request: method, path, status, duration, and the order it concerned.

    {"method": "POST", "path": "/checkout", "status": 201, "duration_ms": 182.4, "order": "DE--3", ...}

Logged on ``shop.requests`` (settings.LOGGING prints it as the bare JSON line). What is
never logged: bodies, headers (Authorization, X-Spree-Token, X-Spree-Order-Token, cookies),
and the values of query parameters that carry secrets (``order_token``, ``token``, keys,
passwords, signatures, card data) or look like a card number — those show as ``[redacted]``.

The order: a view may set ``request.log_order_reference``; otherwise the reference of an
order saved while the request ran (``request_log_note_order``, called on every order save),
otherwise the order named in the URL (``reference``, ``number``, ``order_id``). The
per-request state is a ContextVar, so nothing is shared between requests or workers.
"""

from __future__ import annotations

import json
import logging
import re
import time
from contextvars import ContextVar
from urllib.parse import parse_qsl

logger = logging.getLogger("shop.requests")

REDACTED = "[redacted]"
SECRET_PARAM = re.compile(r"token|key|secret|password|passwd|signature|auth|session|card|cvv|cvc|pan|"
                          r"verification|security", re.IGNORECASE)
CARD_LIKE = re.compile(r"(?:\d[ -]?){12,18}\d")
ORDER_KWARGS = ("reference", "number", "order_id")

_orders: ContextVar[list[str] | None] = ContextVar("request_log_orders", default=None)


def request_log_note_order(reference: str) -> None:
    """Say that the current request concerns this order (no-op outside a logged request)."""
    noted = _orders.get()
    if noted is not None and reference and reference not in noted:
        noted.append(reference)


def redacted_query(query_string: str) -> dict[str, str | list[str]]:
    query: dict[str, str | list[str]] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if SECRET_PARAM.search(key) or CARD_LIKE.search(value):
            value = REDACTED
        value = value[:200]
        if key in query:
            existing = query[key]
            query[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            query[key] = value
    return query


SECRET_ASSIGNMENT = re.compile(r"([?&;]?[\w\[\]-]*(?:token|key|secret|password|signature|card)[\w\[\]-]*=)[^&\s\"']+",
                               re.IGNORECASE)


def redact_text(text: str) -> str:
    """A log message without card-like numbers or secret query values (``?order_token=…``)."""
    return CARD_LIKE.sub(REDACTED, SECRET_ASSIGNMENT.sub(lambda m: m.group(1) + REDACTED, text))


class RedactSecrets(logging.Filter):
    """For Django's own loggers (django.request, django.server), which put the path and query in messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = _orders.set([])
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            noted = _orders.get() or []
            _orders.reset(token)
            self._log(request, status, (time.perf_counter() - started) * 1000, noted)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name in ORDER_KWARGS:
            if view_kwargs.get(name):
                request._log_order_from_url = str(view_kwargs[name])[:64]
                break
        return None

    def _log(self, request, status: int, duration_ms: float, noted: list[str]) -> None:
        order = (getattr(request, "log_order_reference", None) or (noted[0] if noted else None)
                 or getattr(request, "_log_order_from_url", None))
        line = {
            "method": request.method,
            "path": CARD_LIKE.sub(REDACTED, request.path),
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "order": order,
        }
        if query := redacted_query(request.META.get("QUERY_STRING", "")):
            line["query"] = query
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name:
            line["route"] = match.url_name
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(level, json.dumps(line, ensure_ascii=False, separators=(",", ":")))
