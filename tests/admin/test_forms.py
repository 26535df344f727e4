"""Admin forms turn bad input into field errors on the page (status 200), never a crash."""

import pytest

from catalog.models import Price, Variant
from core.money import to_decimal
from checkout.models import OrderAddress
from customers.models import Address, Country, Customer
from shipping.models import StockItem, StockLocation
from tests.admin.pages import admin_url, demo_order, form_data, form_errors


def test_address_with_a_bad_german_postal_code_is_a_field_error(boss):
    url = admin_url(Address, "add")
    data = form_data(boss, url, Address) | {
        "customer": Customer.objects.first().pk, "first_name": "Ada", "last_name": "Lovelace",
        "address1": "Julie-Wolf-Str. 1", "zip_code": "1234", "city": "Berlin",
        "country": Country.objects.get(iso2_code="DE").pk,
    }
    before = Address.objects.count()
    assert form_errors(boss.post(url, data)) == {"zip_code": ["'1234' is not a valid postal code for Germany."]}
    assert Address.objects.count() == before


def test_order_address_corrections_are_validated_too(boss):
    address = demo_order(1).ship_address
    url = admin_url(OrderAddress, "change", address.pk)
    response = boss.post(url, form_data(boss, url, OrderAddress) | {"zip_code": ["ABCDE"]})
    assert form_errors(response) == {"zip_code": ["'ABCDE' is not a valid postal code for Germany."]}
    address.refresh_from_db()
    assert address.zip_code != "ABCDE"


def test_customer_address_inline_shows_its_postal_code_error(boss):
    customer = Address.objects.filter(country__iso2_code="DE").first().customer
    url = admin_url(Customer, "change", customer.pk)
    response = boss.post(url, form_data(boss, url, Customer) | {"addresses-0-zip_code": ["1"]})
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[0] == {"zip_code": ["'1' is not a valid postal code for Germany."]}


def test_two_default_billing_addresses_in_one_save_are_refused(boss):
    customer = Address.objects.filter(is_default_billing=True).first().customer
    url = admin_url(Customer, "change", customer.pk)
    data = form_data(boss, url, Customer)
    new = {key.replace("addresses-0-", "addresses-1-"): value for key, value in data.items()
           if key.startswith("addresses-0-") and not key.endswith(("-id", "-customer"))}
    data |= new | {"addresses-TOTAL_FORMS": ["2"], "addresses-0-is_default_billing": ["on"],
                   "addresses-1-is_default_billing": ["on"]}
    response = boss.post(url, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["Only one address can be the default billing address."]
    assert customer.addresses.count() == 1


@pytest.mark.parametrize(("sku", "error"), [
    ("", "This field is required."),
    ("no spaces please", "Letters, digits, '_', '.' and '-' only."),
    ("066_23294028", "Variant with this Sku already exists."),
])
def test_variant_sku_must_be_present_valid_and_unique(boss, sku, error):
    url = admin_url(Variant, "add")
    data = form_data(boss, url, Variant) | {"product": Variant.objects.first().product_id, "sku": sku}
    assert form_errors(boss.post(url, data)) == {"sku": [error]}


def test_price_is_edited_in_major_units_and_listed_as_money(boss):
    price = Price.objects.filter(currency="EUR", gross_amount__isnull=False).first()
    url = admin_url(Price, "change", price.pk)
    data = form_data(boss, url, Price)
    assert data["gross_amount"] == [str(to_decimal(price.gross_amount, "EUR"))]  # 39.99, not 3999

    assert boss.post(url, data | {"gross_amount": ["393.53"]}).status_code == 302
    price.refresh_from_db()
    assert price.gross_amount == 39353
    assert "€393.53" in boss.get(admin_url(Price, "changelist")).content.decode()


@pytest.mark.parametrize(("amount", "error"), [
    ("-1", "Ensure this value is greater than or equal to 0."),
    ("1.234", "EUR amounts have at most 2 decimal places."),
])
def test_price_amount_must_be_money(boss, amount, error):
    price = Price.objects.filter(currency="EUR").first()
    url = admin_url(Price, "change", price.pk)
    response = boss.post(url, form_data(boss, url, Price) | {"gross_amount": [amount]})
    assert form_errors(response) == {"gross_amount": [error]}
    assert Price.objects.get(pk=price.pk).gross_amount == price.gross_amount


def test_stock_count_cannot_go_negative(boss):
    location = StockLocation.objects.first()
    variant = Variant.objects.exclude(stock_items__stock_location=location).first()
    url = admin_url(StockItem, "add")
    data = form_data(boss, url, StockItem) | {"stock_location": location.pk, "variant": variant.pk,
                                              "count_on_hand": "-3"}
    before = StockItem.objects.count()
    assert form_errors(boss.post(url, data)) == {
        "count_on_hand": ["Ensure this value is greater than or equal to 0."]}
    assert StockItem.objects.count() == before
