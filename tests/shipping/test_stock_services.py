"""Holding stock for order lines and giving it back: all or nothing, never below zero."""

from datetime import datetime, timezone

import pytest
from django.db import IntegrityError

from catalog.models import Product, Store, TaxSet, Variant
from checkout.models import LineItem, Order
from shipping.exceptions import InsufficientStock, RentalDatesInvalid, ZipcodeNotServiceable
from shipping.models import RentalBooking, ServiceableZipcode, StockAllocation, StockItem, StockLocation
from shipping.selectors import stock_location_ids_for, variant_availability
from shipping.services import StockRequest, stock_release, stock_reserve

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime:
    return datetime(2026, 12, n, tzinfo=timezone.utc)


@pytest.fixture
def shop():
    store = Store.objects.create(code="DE", name="Germany", default_currency="EUR")
    tax_set = TaxSet.objects.create(name="Standard")
    product = Product.objects.create(abstract_sku="P", name="Phone", slug="phone", tax_set=tax_set)
    tote = Product.objects.create(abstract_sku="T", name="Tote", slug="tote", tax_set=tax_set, is_rentable=True)
    berlin = StockLocation.objects.create(name="Berlin", is_default=True)
    munich = StockLocation.objects.create(name="Munich")
    berlin.stores.add(store)
    munich.stores.add(store)
    phone = Variant.objects.create(product=product, sku="PHONE-1")
    bag = Variant.objects.create(product=tote, sku="TOTE-1")
    order = Order.objects.create(store=store, currency="EUR")
    return {
        "store": store, "berlin": berlin, "munich": munich, "phone": phone, "bag": bag, "order": order,
        "phone_berlin": StockItem.objects.create(stock_location=berlin, variant=phone, count_on_hand=3),
        "phone_munich": StockItem.objects.create(stock_location=munich, variant=phone, count_on_hand=2),
        "bag_berlin": StockItem.objects.create(stock_location=berlin, variant=bag, count_on_hand=1),
    }


def line(shop, variant, quantity, *, rental=None) -> StockRequest:
    item = LineItem.objects.create(order=shop["order"], variant=variant, sku=variant.sku, name=variant.sku,
                                   quantity=quantity, unit_price=100)
    return StockRequest(item.pk, variant.pk, quantity, variant.sku, rental)


def on_hand(item: StockItem) -> int:
    item.refresh_from_db()
    return item.count_on_hand


def locations(shop) -> list[int]:
    return [shop["berlin"].pk, shop["munich"].pk]


def test_reserve_takes_from_the_first_location_that_has_it(shop):
    stock_reserve(requests=[line(shop, shop["phone"], 2)], location_ids=locations(shop))
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["phone_munich"])) == (1, 2)
    allocation = StockAllocation.objects.get()
    assert (allocation.stock_item, allocation.quantity, allocation.backordered) == (shop["phone_berlin"], 2, 0)


def test_reserve_splits_a_line_over_locations_in_order_of_preference(shop):
    stock_reserve(requests=[line(shop, shop["phone"], 4)], location_ids=locations(shop))
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["phone_munich"])) == (0, 1)
    assert sorted(StockAllocation.objects.values_list("quantity", flat=True)) == [1, 3]


def test_reserve_is_all_or_nothing_and_says_what_is_available(shop):
    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(requests=[line(shop, shop["bag"], 1), line(shop, shop["phone"], 6)], location_ids=locations(shop))
    assert refused.value.code == "insufficient_stock"
    assert refused.value.meta == {"sku": "PHONE-1", "requested": 6, "available": 5}
    assert "5 available, 6 wanted" in refused.value.detail
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["bag_berlin"])) == (3, 1)
    assert not StockAllocation.objects.exists()


def test_reserve_only_uses_the_locations_it_is_given(shop):
    with pytest.raises(InsufficientStock):
        stock_reserve(requests=[line(shop, shop["phone"], 4)], location_ids=[shop["berlin"].pk])


def test_backorderable_stock_takes_what_is_there_and_backorders_the_rest(shop):
    StockItem.objects.filter(pk=shop["phone_munich"].pk).update(backorderable=True)
    stock_reserve(requests=[line(shop, shop["phone"], 8)], location_ids=locations(shop))
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["phone_munich"])) == (0, 0)
    held = {a.stock_item_id: (a.quantity, a.backordered) for a in StockAllocation.objects.all()}
    assert held == {shop["phone_berlin"].pk: (3, 0), shop["phone_munich"].pk: (2, 3)}


def test_never_out_of_stock_items_hold_nothing(shop):
    StockItem.objects.filter(pk=shop["phone_berlin"].pk).update(is_never_out_of_stock=True, count_on_hand=0)
    stock_reserve(requests=[line(shop, shop["phone"], 50)], location_ids=locations(shop))
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["phone_munich"])) == (0, 2)
    assert not StockAllocation.objects.exists()


def test_release_gives_back_what_was_taken_once(shop):
    request = line(shop, shop["phone"], 4)
    stock_reserve(requests=[request], location_ids=locations(shop))
    stock_release(line_item_ids=[request.line_item_id])
    stock_release(line_item_ids=[request.line_item_id])
    assert (on_hand(shop["phone_berlin"]), on_hand(shop["phone_munich"])) == (3, 2)
    assert not StockAllocation.objects.filter(released_at__isnull=True).exists()


def test_rentals_book_units_without_taking_them(shop):
    stock_reserve(requests=[line(shop, shop["bag"], 1, rental=(day(3), day(6)))], location_ids=locations(shop))
    assert on_hand(shop["bag_berlin"]) == 1
    booking = RentalBooking.objects.get()
    assert (booking.starts_at, booking.ends_at, booking.quantity) == (day(3), day(6), 1)


@pytest.mark.parametrize(("start", "end", "free"), [
    (5, 8, False),   # overlaps the end
    (1, 4, False),   # overlaps the start
    (4, 5, False),   # inside
    (1, 10, False),  # around
    (6, 9, True),    # starts when the other ends
    (1, 3, True),    # ends when the other starts
])
def test_a_unit_booked_for_overlapping_dates_is_not_available(shop, start, end, free):
    stock_reserve(requests=[line(shop, shop["bag"], 1, rental=(day(3), day(6)))], location_ids=locations(shop))
    second = line(shop, shop["bag"], 1, rental=(day(start), day(end)))
    if free:
        stock_reserve(requests=[second], location_ids=locations(shop))
        assert RentalBooking.objects.count() == 2
    else:
        with pytest.raises(InsufficientStock) as refused:
            stock_reserve(requests=[second], location_ids=locations(shop))
        assert refused.value.meta["available"] == 0
        assert "for these dates" in refused.value.detail


def test_a_released_booking_frees_its_dates(shop):
    first = line(shop, shop["bag"], 1, rental=(day(3), day(6)))
    stock_reserve(requests=[first], location_ids=locations(shop))
    stock_release(line_item_ids=[first.line_item_id])
    stock_reserve(requests=[line(shop, shop["bag"], 1, rental=(day(3), day(6)))], location_ids=locations(shop))
    assert RentalBooking.objects.filter(released_at__isnull=True).count() == 1


def test_a_rental_must_end_after_it_starts(shop):
    with pytest.raises(RentalDatesInvalid):
        stock_reserve(requests=[line(shop, shop["bag"], 1, rental=(day(6), day(3)))], location_ids=locations(shop))


def test_the_zipcode_picks_the_locations_and_an_unknown_one_is_refused(shop):
    ServiceableZipcode.objects.create(stock_location=shop["munich"], zipcode="80331")
    assert stock_location_ids_for(store=shop["store"], zipcode="80331") == [shop["munich"].pk]
    with pytest.raises(ZipcodeNotServiceable) as refused:
        stock_location_ids_for(store=shop["store"], zipcode="99999")
    assert refused.value.code == "zipcode_not_serviceable"


def test_a_store_is_served_by_its_locations_default_first(shop):
    StockLocation.objects.create(name="Elsewhere")
    assert stock_location_ids_for(store=shop["store"]) == [shop["berlin"].pk, shop["munich"].pk]


def test_availability_sums_locations_and_subtracts_overlapping_rentals(shop):
    stock_reserve(requests=[line(shop, shop["bag"], 1, rental=(day(3), day(6)))], location_ids=locations(shop))
    ids = [shop["phone"].pk, shop["bag"].pk]
    now = variant_availability(variant_ids=ids, location_ids=locations(shop))
    assert (now[shop["phone"].pk].quantity, now[shop["bag"].pk].quantity) == (5, 1)
    during = variant_availability(variant_ids=ids, location_ids=locations(shop), period=(day(4), day(5)))
    assert during[shop["bag"].pk].quantity == 0 and not during[shop["bag"].pk].is_available
    after = variant_availability(variant_ids=ids, location_ids=locations(shop), period=(day(6), day(7)))
    assert after[shop["bag"].pk].is_available


def test_the_database_itself_refuses_negative_stock(shop):
    with pytest.raises(IntegrityError):
        StockItem.objects.filter(pk=shop["bag_berlin"].pk).update(count_on_hand=-1)
