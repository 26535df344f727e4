"""The demo shop (seed_demo) is loaded once for the admin tests and flushed after them.

It cannot be wrapped in one rolled-back transaction: placing the demo orders commits in
phases of its own (durable blocks around the payment provider call). Each test still runs
in a transaction that is rolled back, so what a test writes is undone.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework_simplejwt.tokens import RefreshToken

from shipping.models import StockItem
from shipping.services import stock_adjust


@pytest.fixture(scope="package")
def demo_shop_for_package(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                call_command("seed_demo", stdout=StringIO())
                _logins_recorded()
            _a_stock_count_set_by_hand()
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_shop(demo_shop_for_package, db):
    """The demo shop, for one test."""


@pytest.fixture
def boss(demo_shop, superuser, admin_client_for):
    """A test client logged in as a superuser."""
    return admin_client_for(superuser)


def _a_stock_count_set_by_hand():
    """seed_demo sets no stock by hand; one stocktaking gives the stock audit a row to show."""
    item = StockItem.objects.select_related("variant").order_by("pk").first()
    stock_adjust(stock_item=item, count_on_hand=item.count_on_hand + 1, by=None, reason="Stocktaking")


def _logins_recorded():
    """A failed and a good staff login, and a refresh token spent: rows for the login throttle's
    and the token blacklist's admin pages."""
    client = Client(REMOTE_ADDR="192.0.2.1")  # not the tests' address: one failure less to lock it
    client.post(reverse("admin:login"), {"username": "admin", "password": "not-the-password"})
    client.post(reverse("admin:login"), {"username": "admin", "password": "admin"})
    RefreshToken.for_user(get_user_model().objects.get(username="admin")).blacklist()
