"""A path no route knows answers in its dialect's JSON (with DEBUG on too); the admin and the docs keep Django's pages."""

import pytest

pytestmark = pytest.mark.django_db

GLUE_404 = {"errors": [{"status": "404", "code": "not_found", "detail": "Not found."}]}
EP_404 = {"errors": [{"status": 404, "title": "Not Found", "detail": "Not found."}]}
SPREE_404 = {"error": "The resource you were looking for could not be found."}


@pytest.fixture(params=[False, True], ids=["DEBUG off", "DEBUG on"])
def debug(request, settings):
    settings.DEBUG = request.param  # make run serves with DEBUG on, where Django shows its technical 404 page
    return request.param


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/nothing-here", "/carts/x/items/y/z", "/checkout/", "/concrete-products",
                                  "/favicon.ico", "/v2", "/api"])
def test_an_unknown_glue_path_is_a_json_api_404(client, debug, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/vnd.api+json"
    assert response.json() == GLUE_404


@pytest.mark.parametrize("method", ["get", "post", "put"])
@pytest.mark.parametrize("path", ["/v2/nothing", "/v2/carts", "/v2/carts/a/items/b/c", "/v2/orders/x/y",
                                  "/oauth/nothing"])
def test_an_unknown_elastic_path_path_is_its_404(client, debug, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == EP_404


@pytest.mark.parametrize("path", ["/api/nothing/here", "/api/orders/R1/nothing", "/api/v2/storefront/cart"])
def test_an_unknown_spree_path_is_its_404(client, debug, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == SPREE_404


@pytest.mark.parametrize(("method", "path", "body"), [
    ("delete", "/checkout", {"errors": [{"status": "405", "code": "method_not_allowed",
                                         "detail": 'Method "DELETE" not allowed.'}]}),
    ("post", "/v2/orders", {"errors": [{"status": 405, "title": "Method Not Allowed",
                                        "detail": 'Method "POST" not allowed.'}]}),
    ("delete", "/api/orders.json", {"error": 'Method "DELETE" not allowed.'}),
])
def test_a_known_path_with_a_wrong_method_is_a_405_in_its_dialects_shape(client, debug, method, path, body):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.json() == body


def test_the_admin_keeps_its_html_pages(client, debug, superuser):
    assert client.get("/admin").status_code == 301 and client.get("/admin")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 302  # to the login page
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    missing = client.get("/admin/nothing/here/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    assert client.get("/admin/checkout/order").status_code == 301  # APPEND_SLASH, as Django does it


def test_the_api_docs_keep_working(client, debug):
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs")["Location"] == "/api/docs/"
    assert client.get("/api/schema/").status_code == 200


def test_a_nul_in_an_admin_path_is_a_plain_400(client):
    response = client.get("/admin/%00")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_the_admin_keeps_djangos_own_body_limit(client):
    response = client.post("/admin/login/", data="username=" + "x" * 2_000_000,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400  # RequestDataTooBig when the form is read, not the dialects' 413
