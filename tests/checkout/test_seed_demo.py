"""`python manage.py seed_demo`: the seed documents' shop, loaded once however often it runs."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.http import HttpRequest

from carts.models import Cart
from catalog.models import Store, Variant
from checkout.models import Order
from customers.models import Address, CompanyUnitAddress, Country
from payments.models import PaymentMethod
from shipping.models import ServiceableZipcode, ShipmentMethod, StockItem

SHOP_APPS = ("customers", "catalog", "carts", "shipping", "payments", "checkout", "django_fsm_log", "auth")


def snapshot() -> dict[str, list[dict]]:
    """Every row of every shop model, minus timestamps that legitimately move."""
    moving = {"updated_at", "last_login", "timestamp"}
    return {
        model._meta.label: [
            {k: v for k, v in model_to_dict(row).items() if k not in moving}
            for row in model.objects.order_by("pk")
        ]
        for model in apps.get_models()
        if model._meta.app_label in SHOP_APPS
    }


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_demo_twice_gives_the_same_data(seeded):
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first
    assert sum(len(rows) for rows in first.values()) > 500


def test_seed_demo_repairs_changed_reference_data_but_keeps_stock_counts(seeded):
    ShipmentMethod.objects.filter(pk=1).update(name="Renamed")
    berlin = {"variant__sku": "047_26408568", "stock_location__name": "Warehouse Berlin"}
    StockItem.objects.filter(**berlin).update(count_on_hand=3)
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert ShipmentMethod.objects.get(pk=1).name == "Standard"
    assert StockItem.objects.get(**berlin).count_on_hand == 3


def test_stores_are_de_in_euro_gross_and_us_in_dollar_net(seeded):
    stores = {s.code: (s.default_currency, s.price_mode) for s in Store.objects.all()}
    assert stores == {"DE": ("EUR", "GROSS_MODE"), "US": ("USD", "NET_MODE")}


def test_shipment_methods_have_the_ids_and_prices_of_the_seed_document(seeded):
    methods = {
        m.pk: (m.carrier.name, m.name, m.prices.get(currency="EUR").gross_amount)
        for m in ShipmentMethod.objects.filter(pk__lte=5)
    }
    assert methods == {
        1: ("Spryker Dummy Shipment", "Standard", 490),
        2: ("Spryker Dummy Shipment", "Express", 590),
        3: ("Spryker Drone Shipment", "Air Standard", 500),
        4: ("Spryker Drone Shipment", "Air Sonic", 1000),
        5: ("Spryker Drone Shipment", "Air Light", 1500),
    }


def test_payment_methods_declare_the_request_data_the_seed_document_lists(seeded):
    invoice = PaymentMethod.objects.get(provider__name="DummyPayment", name="invoice")
    card = PaymentMethod.objects.get(pk=1)
    assert invoice.required_request_data == ["paymentMethod", "paymentProvider", "dummyPaymentInvoice.dateOfBirth"]
    assert card.name == "credit card"
    assert "dummyPaymentCreditCard.cardNumber" in card.required_request_data


def test_products_of_the_seed_documents_are_sellable_with_stock(seeded):
    galaxy = Variant.objects.get(sku="066_23294028")
    chromebook = Variant.objects.get(sku="136_24425591")
    assert galaxy.display_name == "Samsung Galaxy S5 mini"
    assert galaxy.prices.get(currency="EUR").gross_amount == 39353
    assert chromebook.display_name == "Acer Chromebook C730-C8T7"
    assert chromebook.product.options.get().prices.get(currency="EUR").gross_amount == 1000
    assert Variant.objects.get(sku="GC_050").product.is_gift_card
    assert StockItem.objects.filter(variant=galaxy, count_on_hand__gt=0).exists()


def test_the_rentable_tote_is_variant_one_and_zipcode_90025_picks_los_angeles(seeded):
    tote = Variant.objects.get(pk=1)
    assert (tote.sku, tote.product.is_rentable, tote.product.product_type) == ("ROR-00011", True, "Luggage")
    location = ServiceableZipcode.objects.get(zipcode="90025").stock_location
    assert location.name == "Los Angeles"
    assert StockItem.objects.get(stock_location=location, variant=tote).count_on_hand > 0


def test_countries_carry_iso_codes_postal_rules_and_regions(seeded):
    germany = Country.objects.get(iso2_code="DE")
    assert (germany.iso3_code, germany.name, germany.postal_code_regex) == ("DEU", "Germany", r"\d{5}")
    assert germany.postal_code_problem("10115") is None
    assert germany.postal_code_problem("1011") is not None
    assert Country.objects.get(iso2_code="US").regions.filter(iso2_code="CA", name="California").exists()
    assert Country.objects.count() >= 249


def test_demo_customer_addresses_and_business_unit_address_keep_the_seed_ids(seeded):
    address = Address.objects.get(uuid="22d78681-9885-5b47-8916-42f9e72b29ff")
    assert address.customer.email == "spencor.hopkin@spryker.com"
    assert address.customer.user.check_password("change123")
    unit_address = CompanyUnitAddress.objects.get(uuid="19a55c0d-7bf0-580c-a9e8-6edacdc1ecde")
    member = unit_address.business_units.get().members.get()
    assert member.customer.email == "sonia@spryker.com"


def test_demo_staff_can_log_in_to_the_admin(seeded, client):
    staff = get_user_model().objects.get(username="admin")
    assert staff.is_staff and staff.is_superuser
    assert client.login(request=HttpRequest(), username="admin", password="admin")  # django-axes needs a request
    assert client.get("/admin/").status_code == 200


def test_demo_orders_are_placed_with_references_history_and_consistent_totals(seeded):
    orders = {o.reference: o for o in Order.objects.all()}
    assert set(orders) == {"DE--1", "DE--2", "US--1"}
    shipped = orders["DE--2"]
    assert (shipped.state, shipped.payment_state, shipped.shipment_state) == ("complete", "paid", "shipped")
    assert shipped.grand_total == shipped.item_total + shipped.expense_total - shipped.discount_total
    assert shipped.payments.get().amount == shipped.grand_total
    canceled = orders["US--1"]
    assert (canceled.state, canceled.payment_state, canceled.shipment_state) == ("canceled", "void", "canceled")
    # Net store: tax is added on top.
    assert canceled.grand_total == canceled.item_total + canceled.expense_total + canceled.tax_total
    assert Cart.objects.filter(anonymous_id="demo-guest-0001").exists()


def test_canceled_demo_order_gave_its_stock_back(seeded):
    tote_in_la = StockItem.objects.get(variant__sku="ROR-00011", stock_location__name="Los Angeles")
    assert tote_in_la.count_on_hand == 10


def test_seed_demo_refuses_a_too_short_staff_password(db):
    with pytest.raises(CommandError, match="at least 4 characters"):
        call_command("seed_demo", "--staff-password", "x")
    assert not Store.objects.exists()


def test_a_second_seed_keeps_a_changed_staff_password_and_says_so(seeded):
    staff = get_user_model().objects.get(username="admin")
    staff.set_password("a-new-secret-42")
    staff.save()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    staff.refresh_from_db()
    assert staff.check_password("a-new-secret-42")
    assert "Staff login: admin (existing user, password unchanged)" in out.getvalue()
    assert "admin / admin" not in out.getvalue()
