"""order_place after a crash, a stall or beside another placement: an Idempotency-Key is released by the
rule that takes over a stale claim, a key once released never answers for an order (no second order under
one key), and only the cart's owner learns that it is being checked out."""

import pytest
from django.utils import timezone

from carts.exceptions import CartNotFound
from checkout.exceptions import CheckoutInProgress
from checkout.models import CheckoutClaim
from checkout.placement import Shopper
from tests.checkout.test_place_order import cart_with, place, shop  # noqa: F401 - shop: the demo, for every test

pytestmark = pytest.mark.django_db


def test_a_cart_being_checked_out_is_409_for_its_owner_and_not_found_for_anyone_else():
    cart = cart_with({"047_26408568": 1})
    CheckoutClaim.objects.create(cart_uuid=cart.uuid, token="another-placement", claimed_at=timezone.now())
    with pytest.raises(CheckoutInProgress):
        place(cart)
    with pytest.raises(CartNotFound):
        place(cart, shopper=Shopper(anonymous_id="someone-else"))
    assert CheckoutClaim.objects.get(cart_uuid=cart.uuid).token == "another-placement"
