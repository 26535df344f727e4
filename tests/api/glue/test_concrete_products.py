"""GET /concrete-products/{sku} and its availabilities (Glue)."""

import pytest

from shipping.models import StockItem

pytestmark = pytest.mark.usefixtures("shop")


def test_a_product_shows_its_name_attributes_and_prices_per_currency(glue):
    response = glue.get("/concrete-products/066_23294028")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("concrete-products", "066_23294028")
    attributes = data["attributes"]
    assert (attributes["name"], attributes["productAbstractSku"]) == ("Samsung Galaxy S5 mini", "066")
    assert attributes["attributes"] == {"color": "Blue"} and attributes["superAttributesDefinition"] == ["color"]
    prices = {p["currency"]["code"]: p for p in attributes["prices"]}
    assert prices["EUR"]["grossAmount"] == 39353 and prices["EUR"]["currency"]["symbol"] == "€"
    assert data["links"]["self"].endswith("/concrete-products/066_23294028")


def test_availability_sums_the_store_locations(glue):
    response = glue.get("/concrete-products/066_23294028/concrete-product-availabilities")
    assert response.status_code == 200
    (item,) = response.json()["data"]
    on_hand = StockItem.objects.get(variant__sku="066_23294028", stock_location__name="Warehouse Berlin").count_on_hand
    assert item["type"] == "concrete-product-availabilities"
    assert item["attributes"] == {"isNeverOutOfStock": False, "availability": True,
                                  "quantity": f"{on_hand:.10f}"}


def test_sold_out_and_never_out_of_stock(glue):
    StockItem.objects.filter(variant__sku="078_24602396").update(count_on_hand=0)
    sold_out = glue.get("/concrete-products/078_24602396/concrete-product-availabilities").json()["data"][0]
    assert sold_out["attributes"]["availability"] is False
    gift = glue.get("/concrete-products/GC_050/concrete-product-availabilities").json()["data"][0]
    assert gift["attributes"]["isNeverOutOfStock"] is True and gift["attributes"]["availability"] is True


@pytest.mark.parametrize("sku", ["nope", "x" * 300, "ümlaut", "a b"])
def test_an_unknown_sku_is_a_json_api_404(glue, sku):
    response = glue.get(f"/concrete-products/{sku}")
    assert response.status_code == 404
    assert response.json()["errors"][0] == {"status": "404", "code": "302", "detail": "Concrete product is not found.",
                                            "source": {"pointer": "/data"}, "meta": {"sku": sku}}


@pytest.mark.parametrize("path", ["/concrete-products/066_23294028%00", "/concrete-products/066?x=%00"])
def test_a_nul_character_anywhere_in_the_url_is_a_400_not_a_500(glue, path):
    response = glue.get(path)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"
