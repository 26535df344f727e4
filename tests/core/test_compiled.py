"""CompiledRead: a read built and compiled once per shape, then sent with other values."""

from datetime import timedelta

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from carts.models import Cart, CartItem
from catalog.models import Price, Variant
from core.compiled import CompiledRead
from tests.factories import CartFactory, CartItemFactory, PriceFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


class Counted:
    """A builder that counts how often it is asked for the queryset."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **kwargs):
        self.calls += 1
        return self.build(**kwargs)


def variants_priced_in(*, sku: str, currency: str, active: bool):
    prices = Price.objects.filter(variant=OuterRef("pk"), currency=currency)
    return (Variant.objects.select_related("product").filter(sku=sku, is_active=active)
            .annotate(priced=Exists(prices)).prefetch_related("prices"))


def test_other_values_are_sent_with_the_same_sql_and_give_what_the_queryset_gives(django_assert_num_queries):
    phone, bag = VariantFactory(sku="PHONE"), VariantFactory(sku="BAG")
    PriceFactory(variant=phone, currency="EUR")
    build = Counted(variants_priced_in)
    read = CompiledRead(build)

    assert [(v.pk, v.priced) for v in read(shape={"active": True}, sku="PHONE", currency="EUR")] == [(phone.pk, True)]
    with django_assert_num_queries(2):  # the variant with its product, and its prices prefetched
        (found,) = read(shape={"active": True}, sku="BAG", currency="EUR")
    assert (found, found.priced, found.product, list(found.prices.all())) == (bag, False, bag.product, [])
    assert read(shape={"active": True}, sku="PHONE", currency="USD")[0].priced is False
    assert read(shape={"active": True}, sku="NONE", currency="EUR") == []
    assert build.calls == 1


def test_each_shape_is_built_once():
    VariantFactory(sku="PHONE")
    build = Counted(variants_priced_in)
    read = CompiledRead(build)
    for _ in range(2):
        assert len(read(shape={"active": True}, sku="PHONE", currency="EUR")) == 1
        assert read(shape={"active": False}, sku="PHONE", currency="EUR") == []
    assert build.calls == 2


def test_uuids_are_bound_as_the_database_stores_them():
    cart, other = CartFactory(guest=True), CartFactory(guest=True)
    read = CompiledRead(lambda *, uuid: Cart.objects.filter(uuid=uuid))
    assert read(uuid=cart.uuid) == [cart]
    assert read(uuid=other.uuid) == [other]


def test_ints_and_datetimes_are_bound_too():
    cart, other = CartFactory(guest=True), CartFactory(guest=True)
    item = CartItemFactory(cart=cart, variant=VariantFactory(product=ProductFactory()))
    read = CompiledRead(lambda *, cart_id, since: CartItem.objects.filter(cart_id=cart_id, created_at__gte=since))
    now = timezone.now()
    assert read(cart_id=cart.pk, since=now - timedelta(hours=1)) == [item]
    assert read(cart_id=cart.pk, since=now + timedelta(hours=1)) == []
    assert read(cart_id=other.pk, since=now - timedelta(hours=1)) == []


def test_a_bound_value_used_other_than_as_a_parameter_of_its_own_is_refused():
    read = CompiledRead(lambda *, name: Cart.objects.filter(name__icontains=name))
    with pytest.raises(ValueError, match="compared with columns"):
        read(name="shopping")


def test_only_ints_strs_and_datetimes_are_bound():
    read = CompiledRead(lambda *, ids: Cart.objects.filter(pk__in=ids))
    with pytest.raises(TypeError, match="shape"):
        read(ids=[1, 2])
    assert read(shape={"ids": (1, 2)}) == []


def test_a_shape_that_matches_nothing_reads_nothing_and_shapes_kept_are_bounded(monkeypatch):
    monkeypatch.setattr("core.compiled.MAX_SHAPES", 3)
    cart = CartFactory(guest=True)
    read = CompiledRead(lambda *, ids, name: Cart.objects.filter(pk__in=ids, name=name))
    assert read(shape={"ids": ()}, name=cart.name) == []  # Django knows it matches nothing: no SQL at all
    for n in range(10):
        assert read(shape={"ids": (cart.pk, n + 10**6)}, name=cart.name) == [cart]
    assert len(read._compiled) == 3


def test_the_least_recently_used_shape_goes_first(monkeypatch):
    monkeypatch.setattr("core.compiled.MAX_SHAPES", 3)
    VariantFactory(sku="PHONE")
    build = Counted(lambda *, sku, shape_number: Variant.objects.filter(sku=sku))
    read = CompiledRead(build)

    def use(shape_number):
        assert len(read(shape={"shape_number": shape_number}, sku="PHONE")) == 1

    for n in (1, 2, 3, 1, 4):  # full at 3; 1 is used again, so 2 goes when 4 comes
        use(n)
    assert build.calls == 4
    use(1)
    assert build.calls == 4
    use(2)
    assert build.calls == 5
