from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.5 s a password; tests only need hashing to work, not to be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-password-123")


@pytest.fixture
def admin_client_for(client):
    """A test client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="module")
def demo_shop_for_module(django_db_setup, django_db_blocker):
    """The demo shop loaded once for a test module and flushed after it: seed_demo commits in phases of
    its own, so it cannot be rolled back. A module overrides its ``shop`` fixture with it."""
    with django_db_blocker.unblock():
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                call_command("seed_demo", stdout=StringIO())
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
