"""A cart read locked by editable_cart_find(lock=True) is taken as it is by the cart services of the same
transaction only."""

import pytest
from django.db import transaction

from carts.models import Cart
from carts.selectors import cart_lock_held
from carts.services import cart_update
from checkout.cart_editing import editable_cart_find
from tests.factories import CartFactory


@pytest.mark.django_db(transaction=True)
def test_a_lock_counts_in_the_transaction_that_took_it_and_not_after():
    cart = CartFactory(guest=True, name="Mine")
    with transaction.atomic():
        found = editable_cart_find(uuid=cart.uuid, anonymous_id=cart.anonymous_id)
        assert cart_lock_held(found)
        with transaction.atomic():  # a service's block inside the same transaction
            assert cart_lock_held(found)
    assert not cart_lock_held(found)
    with transaction.atomic():
        assert not cart_lock_held(found)


@pytest.mark.django_db(transaction=True)
def test_a_service_given_a_cart_locked_earlier_reads_it_again():
    cart = CartFactory(guest=True, name="Mine")
    with transaction.atomic():
        stale = editable_cart_find(uuid=cart.uuid, anonymous_id=cart.anonymous_id)
    Cart.objects.filter(pk=cart.pk).update(name="Changed meanwhile")
    kept = cart_update(cart=stale)  # no new name: the cart's own, as it is now
    assert kept is not stale and kept.name == "Changed meanwhile"
