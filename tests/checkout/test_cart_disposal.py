"""cart_dispose: the cart of a placed order goes with everything of it, in one statement on PostgreSQL."""

import pytest
from django.db import connection, models
from django.db.models.deletion import get_candidate_relations_to_delete
from django.test.utils import CaptureQueriesContext

from carts.models import Cart, CartItem, CartShippingGroup, CartVoucher
from checkout.cart_disposal import cart_dispose, cart_relations
from checkout.models import CheckoutDraft
from tests.factories import (
    CartFactory, CartItemFactory, ProductOptionFactory, ShipmentMethodFactory, StoreFactory,
)

pytestmark = pytest.mark.django_db


def reached_from(model, reached=None) -> dict[str, str]:
    """What Django's collector does to each model when a row of ``model`` is deleted."""
    reached = {} if reached is None else reached
    for relation in get_candidate_relations_to_delete(model._meta):
        label = relation.related_model._meta.label
        if relation.on_delete is models.CASCADE and reached.get(label) != "deleted":
            reached[label] = "deleted"
            reached_from(relation.related_model, reached)
        elif relation.on_delete is models.SET_NULL:
            reached.setdefault(label, "unlinked")
        elif relation.on_delete is not models.CASCADE:
            reached[label] = relation.on_delete.__name__
    return reached


def test_it_covers_every_relation_django_would_follow_from_a_cart():
    assert reached_from(Cart) == cart_relations()


def test_the_cart_its_items_options_vouchers_and_shipping_groups_go_and_a_draft_stays_unlinked():
    store = StoreFactory()
    cart, other = CartFactory(store=store), CartFactory(store=store)
    item = CartItemFactory(cart=cart)
    item.options.add(ProductOptionFactory())
    CartVoucher.objects.create(cart=cart, code="SUMMER")
    group = CartShippingGroup.objects.create(cart=cart, shipping_type="standard", shipment_method=ShipmentMethodFactory(),
                                             first_name="Ada", last_name="Lovelace", line_1="Main St 1", city="Berlin",
                                             country="DE")
    CartItem.objects.filter(pk=item.pk).update(shipping_group=group)
    draft = CheckoutDraft.objects.create(store=store, cart=cart, cart_uuid=cart.uuid, anonymous_id="guest-1")
    kept = CartItemFactory(cart=other)

    with CaptureQueriesContext(connection) as statements:
        cart_dispose(cart=cart)

    assert not Cart.objects.filter(pk=cart.pk).exists()
    assert not CartItem.objects.filter(cart_id=cart.pk).exists()
    assert not CartItem.options.through.objects.filter(cartitem_id=item.pk).exists()
    assert not CartVoucher.objects.filter(cart_id=cart.pk).exists()
    assert not CartShippingGroup.objects.filter(pk=group.pk).exists()
    draft.refresh_from_db()
    assert draft.cart_id is None and draft.cart_uuid == cart.uuid
    assert list(Cart.objects.values_list("pk", flat=True)) == [other.pk] and CartItem.objects.get() == kept
    if connection.vendor == "postgresql":
        assert len(statements) == 1
