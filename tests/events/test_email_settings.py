"""With DEBUG off, order confirmations go by SMTP and never to the server log; a start-up check says what to set."""

import os
import runpy
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from tests.events.shop import place, seed_shop

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_VARIABLES = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")


def settings_with(monkeypatch, **environment) -> dict:
    """The settings module as it reads this environment (no EMAIL_* variables unless given)."""
    for name in EMAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_off_debug_the_default_e_mail_backend_is_smtp(monkeypatch):
    off = settings_with(monkeypatch, DEBUG="false", SECRET_KEY="s" * 50)
    assert (off["EMAIL_BACKEND"], off["EMAIL_HOST"]) == (SMTP, "")


def test_with_debug_on_make_run_prints_mails_to_the_console(monkeypatch):
    assert settings_with(monkeypatch, DEBUG="true")["EMAIL_BACKEND"] == CONSOLE


def test_the_smtp_settings_come_from_the_environment(monkeypatch):
    off = settings_with(monkeypatch, DEBUG="false", SECRET_KEY="s" * 50, EMAIL_HOST="mail.example.com",
                        EMAIL_PORT="587", EMAIL_HOST_USER="shop", EMAIL_HOST_PASSWORD="pw", EMAIL_USE_TLS="true")
    assert (off["EMAIL_BACKEND"], off["EMAIL_HOST"], off["EMAIL_PORT"]) == (SMTP, "mail.example.com", 587)
    assert (off["EMAIL_HOST_USER"], off["EMAIL_HOST_PASSWORD"], off["EMAIL_USE_TLS"]) == ("shop", "pw", True)


def email_warnings() -> list:
    return [m for m in run_checks() if m.id and m.id.startswith("events.")]


def test_the_check_says_what_to_set_when_smtp_has_no_host(settings):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_HOST = False, SMTP, ""
    (warning,) = email_warnings()
    assert warning.id == "events.W002"
    assert warning.msg == "EMAIL_HOST is not set: order confirmation e-mails cannot be sent."
    assert "Set EMAIL_HOST to your mail server" in warning.hint and "EMAIL_PORT" in warning.hint
    assert "django.core.mail.backends.dummy.EmailBackend" in warning.hint


def test_the_check_warns_that_the_console_backend_off_debug_prints_customers_data(settings):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_HOST = False, CONSOLE, ""
    (warning,) = email_warnings()
    assert warning.id == "events.W001"
    assert "printed to the server log" in warning.msg and "Unset EMAIL_BACKEND" in warning.hint


@pytest.mark.parametrize(("debug", "backend", "host"), [
    (False, SMTP, "mail.example.com"),
    (True, CONSOLE, ""),
    (False, "django.core.mail.backends.dummy.EmailBackend", ""),
])
def test_no_warning_when_mail_is_configured_or_in_development(settings, debug, backend, host):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_HOST = debug, backend, host
    assert email_warnings() == []


def test_manage_py_check_off_debug_names_the_settings_to_set():
    environment = {k: v for k, v in os.environ.items() if k not in EMAIL_VARIABLES}
    environment.update(DEBUG="false", SECRET_KEY="s" * 50)
    result = subprocess.run([sys.executable, "manage.py", "check", "--fail-level", "WARNING"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "events.W002" in result.stderr and "EMAIL_HOST is not set" in result.stderr
    assert "HINT: Set EMAIL_HOST to your mail server" in result.stderr


class MailServer:
    """Stands in for smtplib.SMTP, the connection that leaves the process: keeps what is sent."""

    sent: list = []

    def __init__(self, host, port, **kwargs):
        self.address = (host, port)

    def sendmail(self, from_addr, to_addrs, message):
        MailServer.sent.append((self.address, to_addrs, message))
        return {}

    def quit(self):
        pass

    close = quit


@pytest.mark.django_db
def test_an_order_confirmation_off_debug_goes_by_smtp_and_never_to_the_log(
        monkeypatch, settings, capfd, caplog, django_capture_on_commit_callbacks):
    seed_shop()
    off = settings_with(monkeypatch, DEBUG="false", SECRET_KEY="s" * 50, EMAIL_HOST="mail.example.com")
    settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_HOST = False, off["EMAIL_BACKEND"], off["EMAIL_HOST"]
    monkeypatch.setattr(smtplib, "SMTP", MailServer)
    MailServer.sent = []
    capfd.readouterr()
    with django_capture_on_commit_callbacks(execute=True):
        order = place()

    printed = "".join(capfd.readouterr()) + caplog.text
    for personal in ("Lovelace", "Julie-Wolfthorn", "ada@example.com"):
        assert personal not in printed
    assert f"Order {order.reference}: confirmation sent" in caplog.text
    ((address, recipients, message),) = MailServer.sent
    assert address == ("mail.example.com", 25) and recipients == ["ada@example.com"]
    assert f"Your order {order.reference}".encode() in message and b"Lovelace" in message
