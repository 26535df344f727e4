"""POST /access-tokens and /refresh-tokens (Glue): a customer logs in with e-mail and password."""

import pytest
from django.contrib.auth import get_user_model

from api.identity import customer_from_bearer

pytestmark = pytest.mark.usefixtures("shop")
LOGIN = {"data": {"type": "access-tokens",
                  "attributes": {"username": "spencor.hopkin@spryker.com", "password": "change123"}}}


def test_a_customer_gets_an_access_and_a_refresh_token(glue):
    response = glue.post("/access-tokens", LOGIN)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/vnd.api+json"
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("access-tokens", None)
    attributes = data["attributes"]
    assert attributes["tokenType"] == "Bearer"
    assert (attributes["expiresIn"], attributes["refreshTokenExpiresIn"]) == (28800, 2628000)
    assert isinstance(attributes["accessToken"], str) and isinstance(attributes["refreshToken"], str)
    assert data["links"]["self"].endswith("/access-tokens")
    customer = customer_from_bearer(f"Bearer {attributes['accessToken']}")
    assert customer.email == "spencor.hopkin@spryker.com"


def test_plain_json_is_accepted_too(glue):
    assert glue.post("/access-tokens", LOGIN, content_type="application/json").status_code == 201


@pytest.mark.parametrize("attributes", [
    {"username": "spencor.hopkin@spryker.com", "password": "wrong"},
    {"username": "nobody@example.com", "password": "change123"},
    {"username": "admin", "password": "admin"},  # staff without a customer account
])
def test_wrong_credentials_are_401_without_saying_which_part_is_wrong(glue, attributes):
    response = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": attributes}})
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": "401", "code": "003", "detail": "Failed to authenticate user.",
                                           "source": {"pointer": "/data"}}]}


@pytest.mark.parametrize(("body", "status", "pointer"), [
    ({"data": {"type": "access-tokens", "attributes": {"username": "x"}}}, 400, "/data/attributes/password"),
    ({"data": {"type": "access-tokens", "attributes": {"username": 7, "password": "x"}}}, 400,
     "/data/attributes/username"),
    ({"data": {"type": "carts", "attributes": {}}}, 409, "/data/type"),
    ({"data": []}, 400, "/data"),
    ([1, 2], 400, "/data"),
])
def test_malformed_login_documents_get_a_pointer_to_what_is_wrong(glue, body, status, pointer):
    response = glue.post("/access-tokens", body)
    assert response.status_code == status
    (error,) = response.json()["errors"]
    assert (error["status"], error["source"]["pointer"]) == (str(status), pointer)


def test_a_refresh_token_gets_a_new_pair_and_garbage_is_401(glue):
    refresh = glue.post("/access-tokens", LOGIN).json()["data"]["attributes"]["refreshToken"]
    renewed = glue.post("/refresh-tokens", {"data": {"type": "refresh-tokens", "attributes": {"refreshToken": refresh}}})
    assert renewed.status_code == 201
    assert renewed.json()["data"]["attributes"]["accessToken"]
    refused = glue.post("/refresh-tokens", {"data": {"type": "refresh-tokens", "attributes": {"refreshToken": "x.y.z"}}})
    assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == "004"  # Failed to refresh token


def test_a_deactivated_customer_cannot_refresh(glue):
    refresh = glue.post("/access-tokens", LOGIN).json()["data"]["attributes"]["refreshToken"]
    get_user_model().objects.filter(username="spencor.hopkin@spryker.com").update(is_active=False)
    response = glue.post("/refresh-tokens", {"data": {"type": "refresh-tokens", "attributes": {"refreshToken": refresh}}})
    assert response.status_code == 401
