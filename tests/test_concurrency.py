"""Race tests with real threads on PostgreSQL: every locking claim the services make, proven.

SQLite ignores SELECT … FOR UPDATE, so these run only on PostgreSQL (as in CI).
"""

import time
from datetime import datetime, timezone

import pytest
from django.db import transaction

from catalog.models import Product, Store, TaxSet, Variant
from checkout.models import LineItem, Order
from checkout.services import order_reference_next
from shipping.exceptions import InsufficientStock
from shipping.models import RentalBooking, StockAllocation, StockItem, StockLocation
from shipping.services import StockRequest, stock_reserve
from tests.races import postgres_only, run_together

pytestmark = postgres_only


def make_stock(*counts: int, rentable: bool = False) -> list[StockItem]:
    tax_set = TaxSet.objects.create(name="Standard")
    product = Product.objects.create(abstract_sku="P", name="Phone", slug="phone", tax_set=tax_set,
                                     is_rentable=rentable)
    location = StockLocation.objects.create(name="Berlin")
    return [
        StockItem.objects.create(
            stock_location=location, variant=Variant.objects.create(product=product, sku=f"SKU-{i}"),
            count_on_hand=n,
        )
        for i, n in enumerate(counts)
    ]


def request_for(item: StockItem, quantity: int = 1, rental=None) -> StockRequest:
    """A line of a fresh order asking for ``item``'s variant."""
    store = Store.objects.get_or_create(code="DE", defaults={"name": "Germany", "default_currency": "EUR"})[0]
    order = Order.objects.create(store=store, currency="EUR")
    line = LineItem.objects.create(order=order, variant=item.variant, sku=item.variant.sku, name="x",
                                   quantity=quantity, unit_price=100)
    return StockRequest(line.pk, item.variant_id, quantity, item.variant.sku, rental)


def reserve(requests, location_id):
    return lambda: stock_reserve(requests=requests, location_ids=[location_id])


def test_the_last_unit_is_sold_exactly_once():
    (item,) = make_stock(1)
    results = run_together([reserve([request_for(item)], item.stock_location_id) for _ in range(6)])
    assert sum(isinstance(r, list) for r in results) == 1
    assert sum(isinstance(r, InsufficientStock) for r in results) == 5
    item.refresh_from_db()
    assert item.count_on_hand == 0
    assert StockAllocation.objects.count() == 1


def test_the_last_rental_unit_is_booked_exactly_once_for_overlapping_dates():
    (item,) = make_stock(1, rentable=True)
    periods = [(datetime(2026, 12, d, tzinfo=timezone.utc), datetime(2026, 12, d + 3, tzinfo=timezone.utc))
               for d in (1, 2, 3)]
    workers = [reserve([request_for(item, rental=periods[i % 3])], item.stock_location_id) for i in range(6)]
    results = run_together(workers)
    assert sum(isinstance(r, list) for r in results) == 1
    assert sum(isinstance(r, InsufficientStock) for r in results) == 5
    assert RentalBooking.objects.count() == 1


def test_taking_the_same_rows_in_opposite_order_does_not_deadlock():
    a, b = make_stock(10, 10)
    first = [request_for(a), request_for(b)]
    second = [request_for(b), request_for(a)]

    def take_and_hold(requests):
        def work():
            with transaction.atomic():
                stock_reserve(requests=requests, location_ids=[a.stock_location_id])
                time.sleep(0.3)  # hold the locks while the other worker asks for them
        return work

    results = run_together([take_and_hold(first), take_and_hold(second)])
    assert results == [None, None]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.count_on_hand, b.count_on_hand) == (8, 8)


def test_order_references_are_unique_and_sequential_per_store_under_concurrency():
    de = Store.objects.create(code="DE", name="Germany", default_currency="EUR")
    us = Store.objects.create(code="US", name="USA", default_currency="USD")

    def place(store):
        def work():
            with transaction.atomic():
                return order_reference_next(store=store)
        return work

    results = run_together([place(de)] * 6 + [place(us)] * 3)
    assert sorted(results[:6]) == sorted(f"DE--{n}" for n in range(1, 7))
    assert sorted(results[6:]) == ["US--1", "US--2", "US--3"]


def test_a_rolled_back_placement_gives_its_reference_number_back():
    de = Store.objects.create(code="DE", name="Germany", default_currency="EUR")
    with pytest.raises(RuntimeError), transaction.atomic():
        order_reference_next(store=de)
        raise RuntimeError("payment failed")
    assert order_reference_next(store=de) == "DE--1"


def seeded_guest_carts(count: int, sku: str, units: int) -> list:
    """``count`` guests, each with a cart holding one ``sku``, of which the shop has ``units``."""
    from io import StringIO

    from django.core.management import call_command

    from carts.models import Cart, CartItem

    call_command("seed_demo", stdout=StringIO())
    StockItem.objects.filter(variant__sku=sku).update(count_on_hand=units)
    store = Store.objects.get(code="DE")
    variant = Variant.objects.get(sku=sku)
    carts = []
    for n in range(count):
        cart = Cart.objects.create(store=store, anonymous_id=f"racer-{n}", currency="EUR")
        CartItem.objects.create(cart=cart, variant=variant, quantity=1)
        carts.append(cart)
    return carts


def guest_checkout(cart, *, key=None):
    from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
    from checkout.placement import Shopper, order_place

    address = AddressInput(first_name="Ada", last_name="Racer", address1="Hauptstraße 1", zip_code="10115",
                           city="Berlin", iso2_code="DE")
    data = CheckoutData(customer=CustomerInput(email="ada@example.com"), billing_address=address,
                        shipments=(ShipmentInput(address=address, method_id=1),),
                        payments=({"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice",
                                   "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}},))
    return lambda: order_place(cart_uuid=cart.uuid, shopper=Shopper(anonymous_id=cart.anonymous_id), data=data,
                               idempotency_key=key)


def test_thirty_checkouts_racing_for_ten_units_make_ten_orders():
    from checkout.models import Order
    from payments.models import PaymentAttempt

    carts = seeded_guest_carts(30, "047_26408568", units=10)
    results = run_together([guest_checkout(cart) for cart in carts], timeout=120)
    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert (len(placed), len(refused)) == (10, 20), [r for r in results if isinstance(r, Exception)][:3]
    assert StockItem.objects.get(variant__sku="047_26408568", stock_location__name="Warehouse Berlin").count_on_hand == 0
    assert Order.objects.filter(cart_uuid__in=[c.uuid for c in carts]).count() == 10
    assert len({r.order.reference for r in placed}) == 10
    # Every payment the provider holds belongs to an order.
    assert not PaymentAttempt.objects.filter(status__in=["authorized", "redirect"]).exists()


def test_ten_parallel_calls_with_one_idempotency_key_make_one_order():
    from checkout.exceptions import CheckoutInProgress
    from checkout.models import Order

    (cart,) = seeded_guest_carts(1, "047_26408568", units=10)
    results = run_together([guest_checkout(cart, key="one-key") for _ in range(10)], timeout=120)
    placed = [r for r in results if not isinstance(r, Exception)]
    assert all(isinstance(r, CheckoutInProgress) for r in results if isinstance(r, Exception)), results
    assert len({r.order.pk for r in placed}) == 1
    assert Order.objects.filter(cart_uuid=cart.uuid).count() == 1
