"""Accept-Language (Glue): translated product names where the catalog has them, the shop's own
name otherwise; the order keeps the locale it was placed in."""

from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem
from catalog.models import Product, ProductTranslation, Store, Variant
from catalog.selectors import best_locale
from checkout.models import Order

pytestmark = pytest.mark.usefixtures("shop")
GALAXY = "/concrete-products/066_23294028"


def name_for(glue, accept_language=None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    response = glue.get(GALAXY, **headers)
    assert response.status_code == 200
    return response.json()["data"]["attributes"]["name"]


@pytest.mark.parametrize(("header", "name"), [
    ("de, en;q=0.9", "Samsung Galaxy S5 mini, Blau"),           # the seed documents' sample header
    ("de-DE", "Samsung Galaxy S5 mini, Blau"),
    ("de-AT,en;q=0.5", "Samsung Galaxy S5 mini, Blau"),          # same language, other country
    ("en-US,de;q=0.8", "Samsung Galaxy S5 mini"),
    ("fr-FR, it;q=0.9", "Samsung Galaxy S5 mini"),               # no translation: the product's own name
    ("fr, de;q=0.1", "Samsung Galaxy S5 mini, Blau"),            # the best one the shop has
    ("*", "Samsung Galaxy S5 mini"),
    ("", "Samsung Galaxy S5 mini"),
    ("de;q=nonsense,,;", "Samsung Galaxy S5 mini"),              # a malformed header is ignored, not a 400
    ("x" * 1000, "Samsung Galaxy S5 mini"),
])
def test_concrete_product_name_follows_accept_language(glue, header, name):
    assert name_for(glue, header) == name


def test_description_and_meta_follow_the_name(glue):
    attributes = glue.get(GALAXY, **{"Accept-Language": "de"}).json()["data"]["attributes"]
    assert attributes["metaTitle"] == "Samsung Galaxy S5 mini, Blau"
    assert attributes["description"] == attributes["metaDescription"] == "Kompaktes Smartphone mit 4,5-Zoll-Display."


def test_without_the_header_the_product_keeps_its_name(glue):
    assert name_for(glue) == "Samsung Galaxy S5 mini"
    assert name_for(glue, "de") != name_for(glue)


def test_an_untranslated_product_keeps_its_name_in_every_language(glue):
    response = glue.get("/concrete-products/078_24602396", **{"Accept-Language": "de-DE"})
    assert response.json()["data"]["attributes"]["name"] == "Sony Xperia Z3 Compact"


def test_a_translation_without_description_keeps_the_products(glue):
    ProductTranslation.objects.filter(product__abstract_sku="066", locale="de_DE").update(description="")
    attributes = glue.get(GALAXY, **{"Accept-Language": "de"}).json()["data"]["attributes"]
    assert attributes["description"] == Product.objects.get(abstract_sku="066").description


@pytest.mark.parametrize(("header", "locale"), [
    ("de, en;q=0.9", "de_DE"), ("en-US", "en_US"), ("en-GB", "en_US"), ("DE-de", "de_DE"),
    ("fr", None), ("", None), (None, None), ("de_DE", "de_DE"),
])
def test_best_locale(header, locale):
    assert best_locale(accept_language=header, available=["de_DE", "en_US"]) == locale


def test_checkout_keeps_the_locale_of_the_request(glue):
    cart = Cart.objects.create(store=Store.objects.get(code="DE"), anonymous_id="guest-locale", currency="EUR")
    CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku="066_23294028"), quantity=1)
    address = {"salutation": "Mr", "firstName": "Ada", "lastName": "Guest", "address1": "Julie-Wolfthorn-Straße",
               "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"}
    body = {"data": {"type": "checkout", "attributes": {
        "customer": {"email": "guest@example.com", "salutation": "Mr", "firstName": "Ada", "lastName": "Guest"},
        "idCart": str(cart.uuid), "billingAddress": address, "shippingAddress": address,
        "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice"}],
        "shipment": {"idShipmentMethod": 1}}}}
    response = glue.post("/checkout", body, **{"X-Anonymous-Customer-Unique-Id": "guest-locale",
                                               "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert response.status_code == 201, response.json()
    order = Order.objects.get(reference=response.json()["data"]["attributes"]["orderReference"])
    assert order.locale == "de_DE"
    # The line keeps the product's name in that locale, as the order is read later in any language.
    assert order.line_items.get().name == "Samsung Galaxy S5 mini, Blau"
    read = glue.get(f"/orders/{order.reference}", **{"X-Anonymous-Customer-Unique-Id": "guest-locale"})
    assert {item["name"] for item in read.json()["data"]["attributes"]["items"]} == {"Samsung Galaxy S5 mini, Blau"}


def test_the_demo_seed_keeps_one_translation_per_product_and_locale():
    before = ProductTranslation.objects.count()
    assert before >= 8
    call_command("seed_demo", stdout=StringIO())
    assert ProductTranslation.objects.count() == before
    assert set(ProductTranslation.objects.values_list("locale", flat=True)) == {"de_DE", "en_US"}


def test_staff_edit_translations_on_the_product_page(admin_client):
    product = Product.objects.get(abstract_sku="066")
    page = admin_client.get(f"/admin/catalog/product/{product.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="translations-TOTAL_FORMS"' in html and "Samsung Galaxy S5 mini, Blau" in html
