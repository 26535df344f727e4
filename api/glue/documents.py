"""Glue (JSON:API) documents: what every response of the dialect is made of."""

from typing import Any

from rest_framework.renderers import JSONRenderer

from api.parsers import JSONBodyParser

MEDIA_TYPE = "application/vnd.api+json"


class GlueRenderer(JSONRenderer):
    media_type = MEDIA_TYPE
    format = "vnd.api+json"


class GlueParser(JSONBodyParser):
    """Glue clients send JSON:API documents as application/vnd.api+json or plain application/json."""

    media_type = MEDIA_TYPE


PARSERS = [GlueParser, JSONBodyParser]
RENDERERS = [GlueRenderer]


def resource(request, type_: str, id_: Any, attributes: dict, *, self_path: str | None = None) -> dict:
    """One resource object, with its self link as Glue gives it."""
    path = self_path if self_path is not None else f"/{type_}/{id_}" if id_ is not None else f"/{type_}"
    return {"type": type_, "id": id_, "attributes": attributes, "links": {"self": request.build_absolute_uri(path)}}


def document(request, data: dict | list) -> dict:
    return {"data": data, "links": {"self": request.build_absolute_uri()}} if isinstance(data, list) else {"data": data}
