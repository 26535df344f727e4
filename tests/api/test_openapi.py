"""The OpenAPI 3 schema: generated without warnings, valid, every route of the three dialects
described, and the docs pages served offline (sidecar assets, no CDN)."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

DIALECT_PREFIXES = {"api.glue.urls": "", "api.spree.urls": "api/", "api.elasticpath.urls": "v2/"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    GENERATOR_STATS.reset()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    GENERATOR_STATS.emit_summary()
    return generated


def openapi_path(route: str) -> str:
    """A Django route or regex as spectacular writes its path: ``carts/<str:uuid>`` is ``/carts/{uuid}``."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # named groups
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path converters
    route = route.replace(r"(?:\.json)?", "").replace("^", "").replace("$", "")
    return "/" + route


def dialect_routes():
    """(path, view class, methods) of every URL pattern of the three dialects, as the URLconf has them."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is None:  # a function view: not a dialect's operation
                    continue
                allowed = set(pattern.callback.view_initkwargs.get("http_method_names") or view.http_method_names)
                methods = {m for m in METHODS & allowed if hasattr(view, m)}
                routes.append((openapi_path(prefix + str(pattern.pattern)), view, methods))

    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and getattr(pattern.urlconf_module, "__name__", "") in DIALECT_PREFIXES:
            walk(pattern.url_patterns, str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("oauth/"):
            walk([pattern], "")  # Elastic Path's token endpoint sits at the site root, as Elastic Path's does
    return routes


def test_schema_generates_without_warnings_or_errors(schema):
    assert GENERATOR_STATS._warn_cache == {} and GENERATOR_STATS._error_cache == {}


def test_schema_is_valid_openapi_3(schema):
    validate_schema(schema)  # drf-spectacular's bundled OpenAPI 3.0 JSON schema, through jsonschema
    assert schema["openapi"].startswith("3.")
    assert {tag["name"] for tag in schema["tags"]} == {"Glue (Spryker JSON:API)", "Spree API v1", "Elastic Path"}


def test_manage_spectacular_validates_and_fails_on_no_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def test_every_route_of_the_three_dialects_is_described(schema):
    routes = dialect_routes()
    assert len(routes) > 50  # the walk found the dialects
    missing = [(path, method) for path, _, methods in routes for method in methods
               if method not in schema["paths"].get(path, {})]
    assert missing == []


def test_every_operation_has_a_summary_responses_with_errors_and_a_unique_id(schema):
    ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (method, path)
            assert any(code[0] in "45" for code in codes), (method, path)
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_glue_checkout_documents_its_headers_body_and_errors(schema):
    checkout = schema["paths"]["/checkout"]["post"]
    parameters = {p["name"] for p in checkout["parameters"]}
    assert {"X-Anonymous-Customer-Unique-Id", "Idempotency-Key", "include"} <= parameters
    assert {"GlueBearer": []} in checkout["security"]
    body = checkout["requestBody"]["content"]["application/vnd.api+json"]
    assert body["schema"]["properties"]["data"]["properties"]["attributes"]["required"] == ["idCart"]
    assert body["examples"]  # the seed's guest checkout
    assert {"201", "400", "422"} <= set(checkout["responses"])
    assert checkout["responses"]["422"]["content"]["application/vnd.api+json"]["schema"] == {
        "$ref": "#/components/schemas/GlueErrors"}
    guest_item = schema["paths"]["/guest-carts/{uuid}/guest-cart-items"]["post"]
    assert {"name": "X-Anonymous-Customer-Unique-Id", "required": True}.items() <= next(
        p for p in guest_item["parameters"] if p["name"] == "X-Anonymous-Customer-Unique-Id").items()
    assert schema["paths"]["/carts/{uuid}/items"]["post"]["security"] == [{"GlueBearer": []}]


def test_spree_and_elastic_path_document_their_keys(schema):
    spree_checkout = schema["paths"]["/api/checkouts/{number}/next"]["put"]
    assert {"X-Spree-Order-Token", "Idempotency-Key"} <= {p["name"] for p in spree_checkout["parameters"]}
    assert {"SpreeApiKey": []} in spree_checkout["security"]
    assert schema["components"]["securitySchemes"]["SpreeApiKey"]["name"] == "X-Spree-Token"
    ep_checkout = schema["paths"]["/v2/carts/{cart_id}/checkout"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in ep_checkout["parameters"]}
    assert ep_checkout["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ElasticPathErrors"}


def test_schema_endpoint_serves_the_schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/checkout" in response.json()["paths"]


@pytest.mark.parametrize("url, assets", [
    ("/api/docs/", ["drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"]),
    ("/api/docs/redoc/", ["drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"]),
])
def test_docs_pages_render_offline_from_sidecar_assets(client, url, assets):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for asset in assets:
        assert f"/static/{asset}" in html
    assert not re.search(r"""(?:src|href)=["']https?://""", html)  # nothing loaded from a CDN
    assert "/api/schema/" in html
