"""python manage.py loadtest_data [--products N] [--variants V] [--customers M] [--stock S]"""

from __future__ import annotations

from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from catalog.models import Price, Product, Store, TaxSet, Variant
from customers.models import Address, Country, Customer
from shipping.models import StockItem, StockLocation

PASSWORD = "loadtest123"
COLORS = ["Black", "White", "Blue", "Red", "Green", "Silver", "Gold", "Grey"]


def chunks(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def product_sku(n: int) -> str:
    return f"LT{n:06d}"


def variant_sku(n: int, v: int) -> str:
    return f"LT{n:06d}_{v}"


def customer_email(n: int) -> str:
    return f"loadtest-{n:06d}@example.com"


class Command(BaseCommand):
    help = ("Add benchmark data to the shop: N products with V variants each, priced in every store's currency "
            "and stocked at each store's default location, and M registered customers (password "
            f"'{PASSWORD}') with a default address in Berlin. Run seed_demo first. Idempotent: running it again "
            "adds only what is missing and never resets stock. Bulk inserts, in batches.")

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100, help="products to have (default 100)")
        parser.add_argument("--variants", type=int, default=3, help="variants per product (default 3)")
        parser.add_argument("--customers", type=int, default=100, help="customers to have (default 100)")
        parser.add_argument("--stock", type=int, default=1000, help="units on hand per variant (default 1000)")
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per INSERT (default 1000)")

    def handle(self, *args, products: int, variants: int, customers: int, stock: int, batch_size: int, **options):
        for name, value, least in (("--products", products, 0), ("--customers", customers, 0),
                                   ("--variants", variants, 1), ("--stock", stock, 0), ("--batch-size", batch_size, 1)):
            if value < least:
                raise CommandError(f"{name} must be at least {least}.")
        self.batch_size = batch_size
        try:
            self._products(products, variants, stock)
            self._customers(customers)
        except DatabaseError as error:
            raise CommandError(f"Loading the benchmark data failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(
            f"Benchmark data ready: {products} products × {variants} variants (SKUs {product_sku(1)}_1 …), "
            f"{customers} customers ({customer_email(1)} … / {PASSWORD})."))

    # --- catalog -----------------------------------------------------------------------------

    def _products(self, count: int, variants: int, stock: int) -> None:
        stores = list(Store.objects.filter(is_active=True).order_by("pk"))
        tax_set = TaxSet.objects.filter(name="Standard Taxes").first() or TaxSet.objects.order_by("pk").first()
        if count and (not stores or tax_set is None):
            raise CommandError("There is no store or tax set yet: load the demo shop first (manage.py seed_demo).")
        locations = [loc for loc in (StockLocation.objects.filter(is_active=True, stores=store)
                                     .order_by("-is_default", "pk").first() for store in stores) if loc]
        made = 0
        for numbers in chunks(range(1, count + 1), self.batch_size // variants or 1):
            with transaction.atomic():
                Product.objects.bulk_create([
                    Product(abstract_sku=product_sku(n), name=f"Loadtest product {n}", slug=f"loadtest-{n:06d}",
                            product_type="Loadtest", tax_set=tax_set, description="Benchmark data.")
                    for n in numbers], ignore_conflicts=True)
                ids = dict(Product.objects.filter(abstract_sku__in=[product_sku(n) for n in numbers])
                           .values_list("abstract_sku", "pk"))
                Variant.objects.bulk_create([
                    Variant(product_id=ids[product_sku(n)], sku=variant_sku(n, v), is_master=v == 1,
                            attributes={"color": COLORS[(v - 1) % len(COLORS)]})
                    for n in numbers for v in range(1, variants + 1)], ignore_conflicts=True)
                variant_ids = dict(Variant.objects.filter(product_id__in=ids.values()).values_list("sku", "pk"))
                Price.objects.bulk_create([
                    Price(variant_id=pk, currency=currency, gross_amount=_price(sku), net_amount=_price(sku) * 100 // 119)
                    for sku, pk in variant_ids.items() for currency in sorted({s.default_currency for s in stores})
                ], ignore_conflicts=True)
                StockItem.objects.bulk_create([
                    StockItem(stock_location=location, variant_id=pk, count_on_hand=stock)
                    for pk in variant_ids.values() for location in locations
                ], ignore_conflicts=True)
            made += len(numbers)
            self.stdout.write(f"  products: {made}/{count}")

    # --- customers ---------------------------------------------------------------------------

    def _customers(self, count: int) -> None:
        if not count:
            return
        germany = Country.objects.filter(iso2_code="DE").first()
        if germany is None:
            raise CommandError("Germany is not among the countries yet: load the demo shop first (seed_demo).")
        User = get_user_model()
        password = make_password(PASSWORD)  # hashed once: every benchmark customer shares it
        made = 0
        for numbers in chunks(range(1, count + 1), self.batch_size):
            emails = {n: customer_email(n) for n in numbers}
            with transaction.atomic():
                User.objects.bulk_create([User(username=email, email=email, password=password)
                                          for email in emails.values()], ignore_conflicts=True)
                users = dict(User.objects.filter(username__in=emails.values()).values_list("username", "pk"))
                have = set(Customer.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True))
                new = Customer.objects.bulk_create([
                    Customer(user_id=users[email], email=email, first_name="Load", last_name=f"Tester {n}")
                    for n, email in emails.items() if users[email] not in have])
                Address.objects.bulk_create([
                    Address(customer=customer, first_name=customer.first_name, last_name=customer.last_name,
                            address1="Julie-Wolfthorn-Straße", address2="1", zip_code="10115", city="Berlin",
                            country=germany, is_default_billing=True, is_default_shipping=True)
                    for customer in new])
            made += len(numbers)
            self.stdout.write(f"  customers: {made}/{count}")


def _price(sku: str) -> int:
    """A stable gross price between 5.00 and 204.99 per SKU (the net price is it less 19 %)."""
    return 500 + (sum(map(ord, sku)) * 7919) % 20000
