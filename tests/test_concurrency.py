"""Race tests with real threads on PostgreSQL: every locking claim the services make, proven.

SQLite ignores SELECT … FOR UPDATE, so these run only on PostgreSQL (as in CI).
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from catalog.models import Product, Store, TaxSet, Variant
from checkout.services import order_reference_next
from shipping.exceptions import InsufficientStock
from shipping.models import StockItem, StockLocation
from shipping.services import StockLine, stock_take

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(workers: list, *, timeout: float = 30) -> list:
    """Start all workers at once; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker hung (deadlock?)"
    return results


def make_stock(*counts: int) -> list[StockItem]:
    tax_set = TaxSet.objects.create(name="Standard")
    product = Product.objects.create(abstract_sku="P", name="Phone", slug="phone", tax_set=tax_set)
    location = StockLocation.objects.create(name="Berlin")
    return [
        StockItem.objects.create(
            stock_location=location, variant=Variant.objects.create(product=product, sku=f"SKU-{i}"),
            count_on_hand=n,
        )
        for i, n in enumerate(counts)
    ]


def test_the_last_unit_is_sold_exactly_once():
    (item,) = make_stock(1)
    take_one = lambda: stock_take(lines=[StockLine(item.stock_location_id, item.variant_id, 1, "SKU-0")])  # noqa: E731
    results = run_together([take_one] * 6)
    assert sum(r is None for r in results) == 1
    assert sum(isinstance(r, InsufficientStock) for r in results) == 5
    item.refresh_from_db()
    assert item.count_on_hand == 0


def test_taking_the_same_rows_in_opposite_order_does_not_deadlock():
    a, b = make_stock(10, 10)
    line_a = StockLine(a.stock_location_id, a.variant_id, 1, "SKU-0")
    line_b = StockLine(b.stock_location_id, b.variant_id, 1, "SKU-1")

    def take_and_hold(lines):
        def work():
            with transaction.atomic():
                stock_take(lines=lines)
                time.sleep(0.3)  # hold the locks while the other worker asks for them
        return work

    results = run_together([take_and_hold([line_a, line_b]), take_and_hold([line_b, line_a])])
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
