"""Tokens that can be taken back (Glue): a refresh token works once, a password change ends every
earlier token, and a customer logs out with DELETE /refresh-tokens/{refreshToken} (or ``mine``)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from api.identity import customer_from_bearer
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.usefixtures("shop")
SPENCOR, SONIA = "spencor.hopkin@spryker.com", "sonia@spryker.com"
JSON_API = "application/vnd.api+json"
REFRESH_REFUSED = {"errors": [{"status": "401", "code": "004", "detail": "Failed to refresh token.",
                               "source": {"pointer": "/data"}}]}
TOKEN_REFUSED = {"errors": [{"status": "401", "code": "001", "detail": "Invalid access token.",
                             "source": {"pointer": "/data"}}]}


@pytest.fixture
def log_in(glue):
    def tokens(email: str = SPENCOR, password: str = "change123") -> dict:
        response = glue.post("/access-tokens", {"data": {"type": "access-tokens",
                                                         "attributes": {"username": email, "password": password}}})
        assert response.status_code == 201, response.json()
        return response.json()["data"]["attributes"]

    return tokens


def refresh(glue, token: str):
    return glue.post("/refresh-tokens", {"data": {"type": "refresh-tokens", "attributes": {"refreshToken": token}}})


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def test_a_refresh_token_is_spent_by_its_first_use(glue, log_in):
    first = log_in()["refreshToken"]
    renewed = refresh(glue, first)
    again = refresh(glue, first)

    assert renewed.status_code == 201
    assert (again.status_code, again.json()) == (401, REFRESH_REFUSED)
    second = renewed.json()["data"]["attributes"]["refreshToken"]
    assert second != first and refresh(glue, second).status_code == 201  # the new one works, once


@pytest.mark.parametrize("token", ["x.y.z", ""])
def test_garbage_is_no_refresh_token(glue, token):
    response = refresh(glue, token)
    assert response.status_code in (400, 401) and response.json()["errors"][0]["status"] == str(response.status_code)


def test_an_access_token_is_no_refresh_token(glue, log_in):
    assert refresh(glue, log_in()["accessToken"]).json() == REFRESH_REFUSED


@pytest.mark.parametrize(("path", "status"), [("/customer-password/DE--1", 204), ("/customers/DE--1", 200)])
def test_a_password_change_ends_every_token_issued_before_it(glue, log_in, path, status):
    phone, laptop = log_in(), log_in()
    body = {"data": {"type": path.split("/")[1], "attributes": {
        "password": "change123", "newPassword": "a-much-better-one-42", "confirmPassword": "a-much-better-one-42"}}}
    assert glue.patch(path, body, **bearer(phone)).status_code == status

    for tokens in (phone, laptop):
        response = glue.get("/customers/DE--1", **bearer(tokens))
        assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)
        assert refresh(glue, tokens["refreshToken"]).json() == REFRESH_REFUSED
    fresh = log_in(password="a-much-better-one-42")
    assert glue.get("/customers/DE--1", **bearer(fresh)).status_code == 200
    assert refresh(glue, fresh["refreshToken"]).status_code == 201


def test_a_password_set_by_staff_ends_earlier_tokens_too(glue, log_in):
    """The admin's password form and ``manage.py changepassword`` both end in set_password()."""
    tokens = log_in()
    user = get_user_model().objects.get(username=SPENCOR)
    user.set_password("set-by-staff-42")
    user.save()

    assert glue.get("/customers/DE--1", **bearer(tokens)).status_code == 401
    assert refresh(glue, tokens["refreshToken"]).status_code == 401


def test_reading_a_token_costs_one_query(log_in, django_assert_num_queries):
    tokens = log_in()
    with django_assert_num_queries(1):
        customer = customer_from_bearer(f"Bearer {tokens['accessToken']}")
        assert (customer.email, customer.user.username) == (SPENCOR, SPENCOR)


# --- logging out ---------------------------------------------------------------------------------


def test_logging_out_revokes_the_refresh_token(glue, log_in):
    tokens, other_session = log_in(), log_in()
    response = glue.delete(f"/refresh-tokens/{tokens['refreshToken']}", **bearer(tokens))

    assert (response.status_code, response.content) == (204, b"")
    assert refresh(glue, tokens["refreshToken"]).json() == REFRESH_REFUSED
    assert refresh(glue, other_session["refreshToken"]).status_code == 201  # only that one


def test_logging_out_mine_revokes_every_refresh_token_of_the_customer(glue, log_in):
    phone, laptop, sonia = log_in(), log_in(), log_in(SONIA)
    response = glue.delete("/refresh-tokens/mine", **bearer(phone))

    assert response.status_code == 204
    assert refresh(glue, phone["refreshToken"]).json() == REFRESH_REFUSED
    assert refresh(glue, laptop["refreshToken"]).json() == REFRESH_REFUSED
    assert refresh(glue, sonia["refreshToken"]).status_code == 201


def test_another_customers_or_a_bad_token_is_204_and_revokes_nothing(glue, log_in):
    spencor, sonia = log_in(), log_in(SONIA)
    for token in (spencor["refreshToken"], "x.y.z", spencor["accessToken"]):
        assert glue.delete(f"/refresh-tokens/{token}", **bearer(sonia)).status_code == 204  # Spryker: always 204
    assert refresh(glue, spencor["refreshToken"]).status_code == 201


def test_logging_out_needs_the_customers_access_token(glue, log_in):
    tokens = log_in()
    missing = glue.delete(f"/refresh-tokens/{tokens['refreshToken']}")
    invalid = glue.delete(f"/refresh-tokens/{tokens['refreshToken']}", Authorization="Bearer x.y.z")

    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (403, "002")
    assert (invalid.status_code, invalid.json()) == (401, TOKEN_REFUSED)
    assert refresh(glue, tokens["refreshToken"]).status_code == 201


def postgres_race(test):
    for mark in postgres_only:
        test = mark(test)
    return test


@postgres_race
def test_two_refreshes_of_one_token_at_once_make_one_new_pair():
    login = {"data": {"type": "access-tokens", "attributes": {"username": SPENCOR, "password": "change123"}}}

    def post(path, body):
        return Client().post(path, json.dumps(body), content_type=JSON_API)

    for _ in range(3):  # who wins is chance; each round races three uses of a fresh token
        token = post("/access-tokens", login).json()["data"]["attributes"]["refreshToken"]
        renew = {"data": {"type": "refresh-tokens", "attributes": {"refreshToken": token}}}
        results = run_together([lambda: post("/refresh-tokens", renew).status_code] * 3)
        assert sorted(results) == [201, 401, 401]
