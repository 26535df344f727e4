"""What a Spree storefront reads: products and variants with q[...] search, countries and their states."""

import pytest

from customers.models import Country

pytestmark = pytest.mark.usefixtures("shop")


def test_products_list_in_spree_shape(spree):
    response = spree.get("/api/products.json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"products", "count", "total_count", "current_page", "per_page", "pages"}
    assert body["current_page"] == 1 and body["total_count"] == len(body["products"]) == body["count"]
    tote = next(p for p in body["products"] if p["name"] == "Ruby on Rails Tote")
    assert tote["price"] == "15.99" and tote["display_price"] == "$15.99" and tote["slug"] == "ruby-on-rails-tote"
    assert tote["master"]["sku"] == "ROR-00011" and tote["master"]["is_rentable"] is True
    assert tote["variants"] == [] and tote["has_variants"] is False


def test_products_search_by_name_and_sku(spree):
    found = spree.get("/api/products?q[name_cont]=tote").json()
    assert [p["name"] for p in found["products"]] == ["Ruby on Rails Tote"]
    found = spree.get("/api/products?q[sku_eq]=047_26408568").json()
    assert [p["master"]["sku"] for p in found["products"]] == ["047_26408568"]
    assert spree.get("/api/products?q[name_cont]=nothing-like-this").json()["products"] == []


def test_products_paginate(spree):
    first = spree.get("/api/products?per_page=2").json()
    assert first["count"] == 2 and first["per_page"] == 2 and first["pages"] >= 2
    assert spree.get("/api/products?page=abc").status_code == 422


def test_variants_search_by_sku(spree):
    body = spree.get("/api/variants?q[sku_eq]=ROR-00011").json()
    assert body["total_count"] == 1
    [tote] = body["variants"]
    assert tote["id"] == 1 and tote["product_type"] == "Luggage" and tote["in_stock"] is True
    assert tote["images"][0]["attachment_file_name"] == "ror_tote.jpeg"
    names = [v["name"] for v in spree.get("/api/variants.json?q[name_cont]=galaxy").json()["variants"]]
    assert names and all("Galaxy" in name for name in names)


def test_a_product_by_id_or_slug(spree):
    tote = spree.get("/api/products/ruby-on-rails-tote.json").json()
    assert spree.get(f"/api/products/{tote['id']}").json()["name"] == "Ruby on Rails Tote"
    assert spree.get("/api/products/no-such-thing").status_code == 404


def test_countries_and_states(spree):
    countries = spree.get("/api/countries.json").json()
    us = next(c for c in countries["countries"] if c["iso"] == "US")
    assert us == {"id": Country.objects.get(iso2_code="US").pk, "iso_name": "UNITED STATES OF AMERICA", "iso": "US",
                  "iso3": "USA", "name": "United States of America", "numcode": 840}
    states = spree.get(f"/api/countries/{us['id']}/states.json").json()
    assert states["states_required"] is True
    maryland = next(s for s in states["states"] if s["abbr"] == "MD")
    assert maryland == {"id": maryland["id"], "name": "Maryland", "abbr": "MD", "country_id": us["id"]}
    assert spree.get("/api/countries/US/states").json()["states"] == states["states"]
    assert spree.get(f"/api/countries/{us['id']}").json()["states"] == states["states"]
    assert spree.get("/api/countries/999999/states").status_code == 404
