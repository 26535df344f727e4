"""priced_cart_items: a cart's items priced in one query, with tax rates by country and the stock the store's
locations hold."""

from decimal import Decimal

import pytest

from checkout.priced_items import priced_cart_items
from shipping.selectors import availability_of
from tests.factories import (
    CartFactory, CartItemFactory, CountryFactory, PriceFactory, ProductFactory, StockItemFactory,
    StockLocationFactory, TaxRateFactory, TaxSetFactory, VariantFactory,
)

pytestmark = pytest.mark.django_db


def test_items_carry_their_tax_rate_in_each_country_asked_and_the_stock_the_stores_locations_hold(django_assert_num_queries):
    germany, us = CountryFactory(), CountryFactory(us=True)
    standard = TaxSetFactory(name="Standard")
    TaxRateFactory(tax_set=standard, country=germany, rate=Decimal("19.00"))
    TaxRateFactory(tax_set=standard, country=None, name="Elsewhere", rate=Decimal("20.00"))
    phone = VariantFactory(product=ProductFactory(tax_set=standard))
    free = VariantFactory(product=ProductFactory(tax_set=TaxSetFactory(name="Exempt")))
    cart = CartFactory(guest=True)
    for variant in (phone, free):
        PriceFactory(variant=variant)
        CartItemFactory(cart=cart, variant=variant, quantity=1)
    berlin, munich, closed = StockLocationFactory(), StockLocationFactory(), StockLocationFactory()
    StockItemFactory(variant=phone, stock_location=berlin, count_on_hand=3)
    StockItemFactory(variant=phone, stock_location=munich, count_on_hand=4, backorderable=True)
    StockItemFactory(variant=phone, stock_location=closed, count_on_hand=50, is_never_out_of_stock=True)
    for serving in (berlin, munich):
        serving.stores.add(cart.store)
    with django_assert_num_queries(1):
        items = priced_cart_items(cart=cart, currency="EUR", tax_countries=[germany.pk, us.pk],
                                  stock_of_store=cart.store_id)
    by_variant = {item.variant_id: item for item in items}
    assert by_variant[phone.pk].tax_rates_here == {germany.pk: Decimal("19.00"), us.pk: Decimal("20.00")}
    assert by_variant[free.pk].tax_rates_here == {germany.pk: None, us.pk: None}  # a set without rates
    stock = availability_of(by_variant[phone.pk])
    assert (stock.quantity, stock.is_never_out_of_stock, stock.backorderable) == (7, False, True)
    nothing = availability_of(by_variant[free.pk])
    assert (nothing.quantity, nothing.is_never_out_of_stock, nothing.backorderable) == (0, False, False)
