"""Which storefront dialect a path belongs to, and how it words a refusal made before any view.

Glue sits at the site root, Spree under ``/api/``, Elastic Path under ``/v2/`` (and its token
endpoint at ``/oauth/``); the admin, static files and the API docs belong to none and keep
Django's pages. What is refused here, in the shape of the path's dialect: NUL characters in
the URL (``api.guards``), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) and a path no
route knows (404). Bodies nested too deep or holding lone surrogates are refused where they
are parsed (``api.parsers``), by each dialect's exception handler.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from api.elasticpath import errors as ep_errors
from api.glue import errors as glue_errors
from api.glue.documents import MEDIA_TYPE
from api.spree import errors as spree_errors

GLUE, SPREE, ELASTICPATH = "glue", "spree", "elasticpath"
NOT_DIALECTS = ("/admin/", "/api/schema/", "/api/docs/")

# Glue's code for each status a refusal may have.
GLUE_CODES = {400: "bad_request", 404: "not_found", 413: "request_too_large"}
NOT_FOUND = "Not found."


def dialect_of(path: str) -> str | None:
    if path.startswith((*NOT_DIALECTS, "/" + settings.STATIC_URL.lstrip("/"))):
        return None
    if path.startswith("/api/"):
        return SPREE
    if path.startswith(("/v2/", "/oauth/")):
        return ELASTICPATH
    return GLUE


def refusal_response(path: str, status: int, detail: str) -> HttpResponse:
    """``status`` with ``detail`` in the error shape of the dialect ``path`` belongs to (text elsewhere)."""
    dialect = dialect_of(path)
    if dialect == GLUE:
        error = glue_errors.error_object(status, GLUE_CODES.get(status, "error"), detail)
        return _json({"errors": [error]}, status, MEDIA_TYPE)
    if dialect == ELASTICPATH:
        error = ep_errors.error_object(status, ep_errors.TITLES.get(status, "Error"), detail)
        return _json({"errors": [error]}, status)
    if dialect == SPREE:
        body = {"error": spree_errors.NOT_FOUND} if status == 404 else {"error": detail, "errors": {}}
        return _json(body, status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _json(body: dict, status: int, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type=content_type)


def unknown_path(request, *args, **kwargs) -> HttpResponse:
    """The last route: the dialect's 404 for a path no other route knows (with DEBUG on too).

    As APPEND_SLASH would, a GET of a known page without its slash (``/admin``) is redirected.
    """
    path = request.path_info
    if settings.APPEND_SLASH and request.method in ("GET", "HEAD") and not path.endswith("/"):
        try:
            known = resolve(path + "/").func is not unknown_path
        except Resolver404:
            known = False
        if known:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return refusal_response(request.path, 404, NOT_FOUND)
