"""Requests refused before any view sees them, in the shape of the path's dialect (``api.dialects``).

- NUL characters in the path or the query string (PostgreSQL text cannot hold them): 400.
- A body longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` sent to a dialect: 413. Django enforces
  that limit only when ``request.body`` or form data are read; DRF's parsers read the stream
  and would take any size, so the declared length is checked here, once, for every API view.
  Other pages (the admin) keep Django's own check, which leaves file uploads out of the limit.
"""

from urllib.parse import unquote

from django.conf import settings

from api.dialects import dialect_of, refusal_response


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return refusal_response(request.path, 400, "The request may not contain NUL characters.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit and dialect_of(request.path) is not None:
            return refusal_response(request.path, 413, f"The request body may not be larger than {limit} bytes.")
        return self.get_response(request)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
