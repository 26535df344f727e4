"""loadtest_data: products with variants, prices and stock, and customers with addresses, for benchmarks."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Price, Product, Variant
from customers.models import Address, Customer
from shipping.models import StockItem
from tests.events.shop import place, seed_shop

pytestmark = pytest.mark.django_db


def loadtest(*args) -> str:
    out = StringIO()
    call_command("loadtest_data", *args, stdout=out)
    return out.getvalue()


def test_it_makes_products_with_variants_prices_and_stock_and_customers_with_addresses_and_orders_work():
    seed_shop()
    out = loadtest("--products", "5", "--variants", "2", "--customers", "4", "--stock", "50")
    assert "products: 5/5" in out and "customers: 4/4" in out and "Benchmark data ready" in out
    assert Product.objects.filter(abstract_sku__startswith="LT").count() == 5
    variants = Variant.objects.filter(sku__startswith="LT")
    assert variants.count() == 10
    assert set(Price.objects.filter(variant__in=variants).values_list("currency", flat=True)) == {"EUR", "USD"}
    berlin = StockItem.objects.get(variant__sku="LT000003_2", stock_location__name="Warehouse Berlin")
    assert berlin.count_on_hand == 50
    customer = Customer.objects.get(email="loadtest-000004@example.com")
    assert customer.user.check_password("loadtest123")
    address = Address.objects.get(customer=customer)
    assert address.is_default_billing and address.is_default_shipping and address.zip_code == "10115"
    order = place({"LT000001_1": 2, "LT000002_2": 1})  # what the benchmark does with it
    assert order.state == "complete" and order.line_items.count() == 2
    assert StockItem.objects.get(pk=berlin.pk).count_on_hand == 50
    assert StockItem.objects.get(variant__sku="LT000001_1", stock_location__name="Warehouse Berlin").count_on_hand == 48


def test_running_it_again_adds_only_what_is_missing_and_keeps_the_stock():
    seed_shop()
    loadtest("--products", "3", "--customers", "2")
    StockItem.objects.filter(variant__sku="LT000001_1").update(count_on_hand=7)
    loadtest("--products", "4", "--customers", "3")
    assert Product.objects.filter(abstract_sku__startswith="LT").count() == 4
    assert Variant.objects.filter(sku__startswith="LT").count() == 12
    assert Customer.objects.filter(email__startswith="loadtest-").count() == 3
    assert get_user_model().objects.filter(username__startswith="loadtest-").count() == 3
    assert Address.objects.filter(customer__email__startswith="loadtest-").count() == 3
    assert set(StockItem.objects.filter(variant__sku="LT000001_1").values_list("count_on_hand", flat=True)) == {7}


def test_it_inserts_in_bulk_so_more_rows_cost_no_more_statements():
    seed_shop()

    def statements(products: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            loadtest("--products", str(products), "--customers", str(products))
        return len(captured)

    few = statements(3)
    many = statements(60)  # one batch either way: the same statements, more rows in each
    # (SQLite takes at most 999 parameters a statement, so Django splits the bigger INSERTs a few times.)
    assert many - few <= (0 if connection.vendor == "postgresql" else 8)
    assert many < 60  # 60 products, 180 variants, 360 prices, 180 stock items, 60 customers and users


def test_without_the_demo_shop_it_says_what_to_do_first():
    with pytest.raises(CommandError, match="load the demo shop first"):
        loadtest("--products", "1")


def test_bad_numbers_are_refused():
    with pytest.raises(CommandError, match="--variants must be at least 1"):
        loadtest("--variants", "0")
