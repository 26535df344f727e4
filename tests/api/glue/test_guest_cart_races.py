"""Guest carts under concurrency (PostgreSQL, real threads): a double click on the first item makes one cart."""

import json
from io import StringIO

from django.core.management import call_command
from django.test import Client

from carts.models import Cart, CartItem
from tests.races import postgres_only, run_together

pytestmark = postgres_only


def first_item(guest_id: str):
    body = json.dumps({"data": {"type": "guest-cart-items", "attributes": {"sku": "047_26408568", "quantity": 1}}})

    def post():
        return Client().post("/guest-cart-items", data=body, content_type="application/vnd.api+json",
                             headers={"X-Anonymous-Customer-Unique-Id": guest_id}).status_code

    return post


def test_first_items_sent_at_once_by_one_guest_make_one_cart():
    call_command("seed_demo", stdout=StringIO())
    results = run_together([first_item("double-clicker") for _ in range(6)])
    assert results == [201] * 6
    (cart,) = Cart.objects.filter(anonymous_id="double-clicker")
    assert CartItem.objects.get(cart=cart).quantity == 6


def test_first_items_of_different_guests_do_not_wait_on_each_other_forever():
    call_command("seed_demo", stdout=StringIO())
    results = run_together([first_item(f"guest-{n}") for n in range(6)])
    assert results == [201] * 6
    assert Cart.objects.filter(anonymous_id__startswith="guest-").count() == 6
