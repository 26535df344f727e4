"""Elastic Path's password logins (client_credentials, POST /v2/customers/tokens) are throttled like
Glue's, and their tokens end when the password changes."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

LOCKED = {"errors": [{"status": 429, "title": "Too Many Requests",
                      "detail": "Too many failed login attempts. Try again later.",
                      "meta": {"code": "too_many_login_attempts"}}]}


def client_credentials(client, secret: str):
    return client.post("/oauth/access_token", {"grant_type": "client_credentials", "client_id": "admin",
                                               "client_secret": secret})


def customer_token(ep, password: str):
    return ep.post("/v2/customers/tokens", {"data": {"type": "token", "email": "spencor.hopkin@spryker.com",
                                                     "password": password}})


def test_forty_wrong_client_secrets_then_the_right_one_is_429(shop, client):
    statuses = [client_credentials(client, f"guess-{n}").status_code for n in range(40)]
    right = client_credentials(client, "admin")

    assert statuses[:9] == [401] * 9 and set(statuses[9:]) == {429}
    assert (right.status_code, right.json()) == (429, LOCKED) and 890 <= int(right["Retry-After"]) <= 900


def test_a_wrong_client_secret_is_not_kept_with_the_failure(shop, client):
    client_credentials(client, "the-secret-guess-42")
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == "admin" and "the-secret-guess-42" not in attempt.post_data + attempt.get_data


def test_forty_wrong_customer_passwords_then_the_right_one_is_429(shop, ep):
    statuses = [customer_token(ep, f"guess-{n}").status_code for n in range(40)]
    right = customer_token(ep, "change123")

    assert statuses[:9] == [401] * 9 and set(statuses[9:]) == {429}
    assert (right.status_code, right.json()) == (429, LOCKED) and 890 <= int(right["Retry-After"]) <= 900


def test_a_password_change_ends_customer_and_client_credentials_tokens(shop, ep, client):
    customer = customer_token(ep, "change123").json()["data"]["token"]
    backend = client_credentials(client, "admin").json()["access_token"]
    assert ep.get("/v2/carts/mine", **{"X-Moltin-Customer-Token": customer}).status_code == 200
    assert ep.get("/v2/orders", Authorization=f"Bearer {backend}").status_code == 200

    for username in ("spencor.hopkin@spryker.com", "admin"):
        user = get_user_model().objects.get(username=username)
        user.set_password("a-new-one-for-42")
        user.save()

    refused = ep.get("/v2/carts/mine", **{"X-Moltin-Customer-Token": customer})
    assert (refused.status_code, refused.json()["errors"][0]["title"]) == (401, "Unauthorized")
    assert ep.get("/v2/orders", Authorization=f"Bearer {backend}").status_code == 401
    assert ep.get("/v2/carts/mine", **{"EP-Account-Management-Authentication-Token": customer}).status_code == 401
