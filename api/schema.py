"""The OpenAPI 3 schema of the storefront API: the three dialects, every operation described.

The views are plain ``APIView``s that parse their bodies themselves, so drf-spectacular
cannot infer request or response bodies. Each dialect's ``schema`` module
(``api/glue/schema.py``, ``api/spree/schema.py``, ``api/elasticpath/schema.py``) applies
``extend_schema`` to its view classes when it is imported; the preprocessing hook below
imports them before spectacular reads any view, so ``manage.py spectacular``, the
``/api/schema/`` view and the tests all see the same annotations, and nothing of this is
imported while the API serves requests.

Served at ``/api/schema/`` (YAML, or JSON with ``?format=json``), ``/api/docs/`` (Swagger
UI) and ``/api/docs/redoc/`` (Redoc); both UIs load their assets from drf-spectacular-sidecar's
static files, never from a CDN.
"""

from __future__ import annotations

import importlib
import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema

from api import dialects

DIALECT_SCHEMAS = ("api.glue.schema", "api.spree.schema", "api.elasticpath.schema")

# Each dialect's prefix, and the tag its operations are grouped under.
GLUE, SPREE, ELASTICPATH = "Glue (Spryker JSON:API)", "Spree API v1", "Elastic Path"
TAGS = [
    {"name": GLUE, "description": "Spryker Glue JSON:API at the site root (seeds 000-002). Guests identify with "
                                  "X-Anonymous-Customer-Unique-Id, customers with Authorization: Bearer."},
    {"name": SPREE, "description": "Spree API v1 under /api/ (seed 004), for the store SPREE_STORE. Every path "
                                   "also answers with a .json suffix. Orders by their token "
                                   "(X-Spree-Order-Token) or an API key (X-Spree-Token)."},
    {"name": ELASTICPATH, "description": "Elastic Path under /v2/ (seed 003): carts by id, checkout keeps the "
                                         "cart, orders, manual payments."},
]


def dialect_of(path: str) -> str:
    """The tag of the dialect ``path`` belongs to (``api.dialects`` decides)."""
    return {dialects.SPREE: SPREE, dialects.ELASTICPATH: ELASTICPATH}.get(dialects.dialect_of(path), GLUE)


# --- generation hooks ----------------------------------------------------------------------------


def only_storefront_endpoints(endpoints):
    """Preprocessing hook: describe the views (import the dialects' schema modules) and keep
    the storefront endpoints only (not the schema and docs views themselves)."""
    for module in DIALECT_SCHEMAS:
        importlib.import_module(module)
    return [e for e in endpoints if not e[0].startswith(("/api/schema/", "/api/docs/"))]


def add_components(result, generator, request, public):
    """Postprocessing hook: the error shapes and security schemes the operations refer to, and the tags."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(ERROR_SCHEMAS)
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    result["tags"] = TAGS
    return result


class StorefrontAutoSchema(AutoSchema):
    """AutoSchema with a tag per dialect and operation ids made from the whole path
    (``GET /carts/{uuid}`` is ``carts_uuid_get``), unique without numeral suffixes."""

    def get_tags(self) -> list[str]:
        return [dialect_of(self.path)]

    def get_operation_id(self) -> str:
        words = re.sub(r"[^A-Za-z0-9]+", "_", self.path).strip("_")
        return f"{words}_{self.method.lower()}"

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        guest = getattr(self.view, "guest", None)
        if dialect_of(self.path) == GLUE and guest is True:
            params.append(GUEST_HEADER_REQUIRED)
        return params

    def get_auth(self):
        guest = getattr(self.view, "guest", None)
        if dialect_of(self.path) == GLUE and guest is False:  # a customer's cart: the bearer token only
            return [{"GlueBearer": []}]
        return super().get_auth()


# --- shared pieces -------------------------------------------------------------------------------

SECURITY_SCHEMES = {
    "GlueBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "Glue: the accessToken from POST /access-tokens."},
    "SpreeApiKey": {"type": "apiKey", "in": "header", "name": "X-Spree-Token",
                    "description": "Spree: a registered customer's or staff member's API key."},
    "ElasticPathBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                          "description": "Elastic Path: an implicit or client-credentials token from "
                                         "POST /oauth/access_token."},
}

GUEST_HEADER_DESCRIPTION = ("A guest's own id, chosen by the storefront: the guest's carts and orders are the "
                            "ones made with it.")
GUEST_HEADER = OpenApiParameter("X-Anonymous-Customer-Unique-Id", str, OpenApiParameter.HEADER, required=False,
                                description=GUEST_HEADER_DESCRIPTION + " Not needed with a bearer token.")
GUEST_HEADER_REQUIRED = OpenApiParameter("X-Anonymous-Customer-Unique-Id", str, OpenApiParameter.HEADER,
                                         required=True, description=GUEST_HEADER_DESCRIPTION)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retrying with the same key returns the first result (marked Idempotent-Replayed: true) "
                "instead of placing a second order; the same key with other data is refused.")
ACCEPT_LANGUAGE = OpenApiParameter("Accept-Language", str, OpenApiParameter.HEADER, required=False,
                                   description="Picks translated product names and the order's locale.")


def include_parameter(*names: str) -> OpenApiParameter:
    return OpenApiParameter(
        "include", str, OpenApiParameter.QUERY, required=False, enum=[",".join(names), *names],
        description=f"Related resources to include, comma-separated: {', '.join(names)}. Anything else is a 400.")


def obj(properties: dict | None = None, *, required: tuple[str, ...] = (), nullable: bool = False,
        description: str | None = None, additional: bool = True) -> dict:
    """A JSON object schema (extra members allowed unless ``additional`` is False)."""
    schema: dict = {"type": "object"}
    if properties:
        schema["properties"] = properties
    if required:
        schema["required"] = list(required)
    if not additional:
        schema["additionalProperties"] = False
    if nullable:
        schema["nullable"] = True
    if description:
        schema["description"] = description
    return schema


def array(items: dict, description: str | None = None) -> dict:
    schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def string(description: str | None = None, **extra) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


def integer(description: str | None = None, **extra) -> dict:
    return {"type": "integer", **({"description": description} if description else {}), **extra}


NULLABLE_STRING = {"type": "string", "nullable": True}
BOOLEAN = {"type": "boolean"}
ANY = {}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


ERROR_SCHEMAS = {
    "GlueError": obj({
        "status": string("The HTTP status, as a string.", example="422"),
        "code": string("A stable code: Spryker's (1101-1108, 101-118, 4xx, 9xx) or the shop's own.",
                       example="1104"),
        "detail": string(example="Order could not be placed."),
        "source": obj({"pointer": string(example="/data/attributes/idCart")}),
        "meta": obj(),
    }, required=("status", "code", "detail")),
    "GlueErrors": obj({"errors": array(ref("GlueError"))}, required=("errors",),
                      description="JSON:API error objects."),
    "SpreeError": obj({
        "error": string(example="Invalid resource. Please fix errors and try again."),
        "errors": obj(description="Field name to a list of messages.", additional=True),
    }, required=("error",)),
    "ElasticPathError": obj({
        "status": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        "title": string(example="Insufficient stock"),
        "detail": string(),
        "meta": obj(),
    }, required=("status", "title")),
    "ElasticPathErrors": obj({"errors": array(ref("ElasticPathError"))}, required=("errors",)),
}


def error(name: str, description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ref(name), description=description)


def operation(view, method: str, **kwargs) -> None:
    """Describe ``method`` of ``view`` (``extend_schema`` on the class's handler), at import time.

    The view modules belong to the API; their descriptions live here, beside the schema,
    and are applied to the classes after import."""
    handler = getattr(view, method)
    setattr(view, method, extend_schema(**kwargs)(_own(view, handler)))


def _own(view, handler):
    """A handler of ``view``'s own, so that describing an inherited one does not describe the parent's."""
    if handler.__name__ in vars(view):
        return handler

    def own(self, *args, **kwargs):
        return handler(self, *args, **kwargs)

    own.__name__, own.__qualname__, own.__doc__ = handler.__name__, f"{view.__qualname__}.{handler.__name__}", \
        handler.__doc__
    return own


# Last: drf-spectacular's views need DEFAULT_SCHEMA_CLASS (StorefrontAutoSchema, above) when they are defined.
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView  # noqa: E402

SchemaView = SpectacularAPIView
SwaggerView = SpectacularSwaggerView


class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"  # the stock page without its web fonts from a CDN

__all__ = [
    "ACCEPT_LANGUAGE", "ANY", "BOOLEAN", "GUEST_HEADER", "IDEMPOTENCY_KEY", "NULLABLE_STRING", "OpenApiExample",
    "OpenApiParameter", "OpenApiRequest", "OpenApiResponse", "RedocView", "SchemaView", "SwaggerView", "array",
    "error", "include_parameter", "integer", "obj", "operation", "ref", "string",
]
