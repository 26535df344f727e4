"""Password guessing through Glue: after 10 failures in 15 minutes an account, and a client address,
are locked out with a 429 and Retry-After, whatever password comes next.

The counters live in the database (django-axes), so they hold across workers and machines and
roll back with each test's transaction.
"""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F

from tests.races import postgres_only, run_together

pytestmark = pytest.mark.usefixtures("shop")
JSON_API = "application/vnd.api+json"
SPENCOR, SONIA = "spencor.hopkin@spryker.com", "sonia@spryker.com"
LOCKED = {"errors": [{"status": "429", "code": "too_many_login_attempts",
                      "detail": "Too many failed login attempts. Try again later.", "source": {"pointer": "/data"}}]}


@pytest.fixture
def log_in(client):
    def post(username: str, password: str, address: str = "127.0.0.1", **meta):
        body = {"data": {"type": "access-tokens", "attributes": {"username": username, "password": password}}}
        return client.post("/access-tokens", json.dumps(body), content_type=JSON_API, REMOTE_ADDR=address, **meta)

    return post


def test_forty_wrong_passwords_then_the_right_one_is_429_with_retry_after(log_in):
    statuses = [log_in(SPENCOR, f"guess-{n}").status_code for n in range(40)]
    right = log_in(SPENCOR, "change123")

    assert statuses[:9] == [401] * 9 and set(statuses[9:]) == {429}
    assert right.status_code == 429
    assert 890 <= int(right["Retry-After"]) <= 900  # 15 minutes after the 10th failure; later ones are not counted
    assert right["Content-Type"] == "application/vnd.api+json"
    assert right.json() == LOCKED


def test_the_lock_holds_the_account_from_any_address_and_the_address_for_any_account(log_in):
    for n in range(10):
        log_in(SPENCOR, f"guess-{n}", address="203.0.113.7")

    assert log_in(SPENCOR, "change123", address="198.51.100.1").status_code == 429  # the account
    assert log_in(SONIA, "change123", address="203.0.113.7").status_code == 429  # the address
    assert log_in(SONIA, "change123", address="198.51.100.1").status_code == 201  # neither


def test_nine_failures_leave_the_right_password_working(log_in):
    for n in range(9):
        assert log_in(SPENCOR, f"guess-{n}").status_code == 401
    assert log_in(SPENCOR, "change123").status_code == 201


def failures_ago(minutes: int) -> None:
    """As if every failure so far had happened ``minutes`` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_retry_after_counts_down_and_the_lock_lifts_fifteen_minutes_after_the_last_failure(log_in):
    for n in range(10):
        log_in(SPENCOR, f"guess-{n}")
    failures_ago(10)
    still = log_in(SPENCOR, "change123")
    failures_ago(5)

    assert still.status_code == 429 and 290 <= int(still["Retry-After"]) <= 300
    assert log_in(SPENCOR, "change123").status_code == 201


def test_a_forwarded_for_header_does_not_escape_the_address_lock(log_in):
    """Without TRUSTED_PROXY_COUNT the address is REMOTE_ADDR: a client cannot pick its own."""
    for n in range(10):
        log_in(f"nobody-{n}@example.com", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in(SONIA, "change123", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_the_current_password_of_a_password_change_is_throttled_with_the_login(glue, log_in):
    token = log_in(SPENCOR, "change123").json()["data"]["attributes"]["accessToken"]
    change = {"newPassword": "a-much-better-one-42", "confirmPassword": "a-much-better-one-42"}
    statuses = []
    for n in range(12):
        body = {"data": {"type": "customer-password", "attributes": {**change, "password": f"guess-{n}"}}}
        statuses.append(glue.patch("/customer-password/DE--1", body, Authorization=f"Bearer {token}").status_code)
    right = glue.patch("/customer-password/DE--1", {"data": {"type": "customer-password", "attributes": {
        **change, "password": "change123"}}}, Authorization=f"Bearer {token}")

    assert statuses[:9] == [400] * 9 and set(statuses[9:]) == {429}
    assert (right.status_code, right.json()) == (429, LOCKED) and 890 <= int(right["Retry-After"]) <= 900
    assert log_in(SPENCOR, "change123", address="198.51.100.1").status_code == 429
    assert get_user_model().objects.get(username=SPENCOR).check_password("change123")


def postgres_race(test):
    for mark in postgres_only:
        test = mark(test)
    return test


@postgres_race
def test_failures_at_the_same_moment_are_all_counted():
    from django.test import Client

    def wrong(n):
        def attempt():
            body = {"data": {"type": "access-tokens", "attributes": {"username": SPENCOR, "password": f"g{n}"}}}
            return Client().post("/access-tokens", json.dumps(body), content_type=JSON_API).status_code
        return attempt

    results = run_together([wrong(n) for n in range(6)])
    assert sorted(results) == [401] * 6
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 6
