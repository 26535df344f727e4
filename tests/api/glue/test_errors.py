"""Glue's error objects: malformed input is a clear JSON:API error, never a 500 or a trace."""

import pytest
from django.test import RequestFactory

from api.identity import glue_shopper
from checkout.exceptions import CustomerIdentificationMissing
from customers.exceptions import GuestIdInvalid, InvalidAccessToken

pytestmark = pytest.mark.usefixtures("shop")


@pytest.mark.parametrize("raw", ['{"data": {', "not json at all", "", "\x00\x01"])
def test_malformed_json_is_a_400_json_api_error(glue, raw):
    response = glue.post("/access-tokens", raw=raw)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["status"] == "400" and error["code"] == "bad_request"
    assert "Traceback" not in response.content.decode()


def test_nul_characters_in_a_body_are_a_400_not_a_500(glue):
    body = {"data": {"type": "access-tokens", "attributes": {"username": "a\u0000b", "password": "x"}}}
    response = glue.post("/access-tokens", body)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "bad_request"


def test_an_unsupported_media_type_is_a_415(glue):
    response = glue.post("/access-tokens", raw="username=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_a_wrong_method_is_a_405(glue):
    response = glue.get("/access-tokens")
    assert response.status_code == 405 and response.json()["errors"][0]["status"] == "405"


def shopper(**headers):
    return glue_shopper(RequestFactory().get("/", headers=headers))


def test_a_guest_is_known_by_the_anonymous_id_header():
    assert shopper(**{"X-Anonymous-Customer-Unique-Id": "guest-1"}).anonymous_id == "guest-1"


@pytest.mark.parametrize(("headers", "error"), [
    ({}, CustomerIdentificationMissing),
    ({"X-Anonymous-Customer-Unique-Id": "   "}, GuestIdInvalid),
    ({"X-Anonymous-Customer-Unique-Id": "g" * 256}, GuestIdInvalid),
    ({"Authorization": "Bearer not-a-token"}, InvalidAccessToken),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, InvalidAccessToken),
])
def test_missing_or_bad_identification_is_refused(headers, error):
    with pytest.raises(error):
        shopper(**headers)
