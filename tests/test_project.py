"""The project's own promises: settings from the environment, complete migrations, the right FSM package."""

import importlib.metadata
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[1]


def test_no_model_change_is_missing_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_django_fsm_comes_from_django_fsm_2_and_the_deprecated_package_is_absent():
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("django-fsm")
    files = {str(f) for f in importlib.metadata.distribution("django-fsm-2").files}
    assert "django_fsm/__init__.py" in files


def test_requests_are_not_wrapped_in_one_transaction():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_env_readers_fail_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "seven")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", default=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", default=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "shop.example.com, api.example.com,")
    assert env_list("HOSTS", default=[]) == ["shop.example.com", "api.example.com"]


def run_settings(**env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=60)


def test_production_settings_refuse_to_start_without_a_secret_key():
    done = run_settings(DEBUG="false")
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_database_url_picks_the_database_and_sqlite_is_the_default():
    assert run_settings().stdout.strip() == "django.db.backends.sqlite3"
    postgres = run_settings(DATABASE_URL="postgres://shop@db.internal:5432/shop", SECRET_KEY="x" * 50)
    assert postgres.stdout.strip() == "django.db.backends.postgresql"
