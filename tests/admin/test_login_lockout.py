"""The admin login is throttled like the API logins: 10 failures in 15 minutes lock the username and
the client address, and the login page then says so (429, Retry-After) instead of logging in."""

import pytest

pytestmark = pytest.mark.usefixtures("superuser")


def log_in(client, password: str, username: str = "boss", address: str = "127.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_forty_wrong_passwords_then_the_right_one_shows_the_lockout_page(client):
    statuses = [log_in(client, f"guess-{n}").status_code for n in range(40)]
    right = log_in(client, "boss-password-123")

    assert statuses[:9] == [200] * 9 and set(statuses[9:]) == {429}  # 200: the form again, with its error
    assert right.status_code == 429 and 890 <= int(right["Retry-After"]) <= 900
    page = right.content.decode()
    assert "Too many failed login attempts" in page and "locked for 15 minutes more" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still the login page


def test_the_lock_holds_the_username_from_another_address(client):
    for n in range(10):
        log_in(client, f"guess-{n}", address="203.0.113.7")
    assert log_in(client, "boss-password-123", address="198.51.100.1").status_code == 429


def test_a_right_password_before_the_limit_logs_in(client):
    for n in range(9):
        log_in(client, f"guess-{n}")
    response = log_in(client, "boss-password-123")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
