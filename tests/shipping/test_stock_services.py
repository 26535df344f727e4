"""Taking and giving back stock: all or nothing, never below zero."""

import pytest
from django.db import IntegrityError

from catalog.models import Product, TaxSet, Variant
from shipping.exceptions import InsufficientStock
from shipping.models import StockItem, StockLocation
from shipping.services import StockLine, stock_release, stock_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock():
    tax_set = TaxSet.objects.create(name="Standard")
    product = Product.objects.create(abstract_sku="P", name="Phone", slug="phone", tax_set=tax_set)
    phone = Variant.objects.create(product=product, sku="PHONE-1")
    case = Variant.objects.create(product=product, sku="CASE-1")
    berlin = StockLocation.objects.create(name="Berlin")
    return {
        "berlin": berlin,
        "phone": StockItem.objects.create(stock_location=berlin, variant=phone, count_on_hand=3),
        "case": StockItem.objects.create(stock_location=berlin, variant=case, count_on_hand=1),
    }


def line(item: StockItem, quantity: int) -> StockLine:
    return StockLine(item.stock_location_id, item.variant_id, quantity, item.variant.sku)


def count(item: StockItem) -> int:
    item.refresh_from_db()
    return item.count_on_hand


def test_take_decrements_every_line(stock):
    stock_take(lines=[line(stock["phone"], 2), line(stock["case"], 1)])
    assert (count(stock["phone"]), count(stock["case"])) == (1, 0)


def test_take_adds_up_repeated_lines_of_one_variant(stock):
    with pytest.raises(InsufficientStock):
        stock_take(lines=[line(stock["phone"], 2), line(stock["phone"], 2)])
    assert count(stock["phone"]) == 3


def test_take_is_all_or_nothing_and_says_what_is_missing(stock):
    with pytest.raises(InsufficientStock) as refused:
        stock_take(lines=[line(stock["phone"], 1), line(stock["case"], 2)])
    assert refused.value.code == "insufficient_stock"
    assert refused.value.meta == {"sku": "CASE-1", "requested": 2, "available": 1}
    assert (count(stock["phone"]), count(stock["case"])) == (3, 1)


def test_take_refuses_a_variant_the_location_does_not_stock(stock):
    other = StockLocation.objects.create(name="Munich")
    with pytest.raises(InsufficientStock) as refused:
        stock_take(lines=[StockLine(other.pk, stock["phone"].variant_id, 1, "PHONE-1")])
    assert refused.value.meta["available"] == 0


def test_never_out_of_stock_items_are_not_counted(stock):
    StockItem.objects.filter(pk=stock["case"].pk).update(is_never_out_of_stock=True, count_on_hand=0)
    stock_take(lines=[line(stock["case"], 50)])
    assert count(stock["case"]) == 0


def test_release_gives_back_what_was_taken(stock):
    stock_take(lines=[line(stock["phone"], 3)])
    stock_release(lines=[line(stock["phone"], 3)])
    assert count(stock["phone"]) == 3


def test_release_to_a_location_without_the_variant_creates_its_stock_row(stock):
    munich = StockLocation.objects.create(name="Munich")
    stock_release(lines=[StockLine(munich.pk, stock["phone"].variant_id, 2, "PHONE-1")])
    assert StockItem.objects.get(stock_location=munich, variant=stock["phone"].variant).count_on_hand == 2


def test_the_database_itself_refuses_negative_stock(stock):
    with pytest.raises(IntegrityError):
        StockItem.objects.filter(pk=stock["case"].pk).update(count_on_hand=-1)
