"""Input no API dialect can store: NUL characters (PostgreSQL text cannot hold them)."""

import json
from urllib.parse import unquote

from django.http import HttpResponse


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False


class RejectNulMiddleware:
    """Refuse a path or query string with a NUL character before any view sees it, with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            if request.path.startswith("/api/"):  # the Spree dialect's shape
                body = {"error": "The request may not contain NUL characters.", "errors": {}}
                return HttpResponse(json.dumps(body), status=400, content_type="application/json")
            detail = "The request may not contain NUL characters."
            if request.path.startswith("/v2/"):  # Elastic Path's shape
                body = {"errors": [{"status": 400, "title": "Bad Request", "detail": detail}]}
                return HttpResponse(json.dumps(body), status=400, content_type="application/json")
            body = {"errors": [{"status": "400", "code": "bad_request", "detail": detail}]}
            return HttpResponse(json.dumps(body), status=400, content_type="application/vnd.api+json")
        return self.get_response(request)
