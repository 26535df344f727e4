"""shipment_methods_for: the methods a cart may use, with where each delivers and its tax rate there, in one query."""

from decimal import Decimal

import pytest

from checkout.shipment_methods import delivers_to, shipment_methods_for, tax_rate_of
from tests.factories import (
    CartFactory, CountryFactory, ShipmentMethodFactory, ShipmentMethodPriceFactory, TaxRateFactory, TaxSetFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    germany, austria, us = CountryFactory(), CountryFactory(austria=True), CountryFactory(us=True)
    standard = TaxSetFactory(name="Standard")
    TaxRateFactory(tax_set=standard, country=germany, rate=Decimal("19.00"))
    TaxRateFactory(tax_set=standard, country=None, name="Elsewhere", rate=Decimal("20.00"))
    europe = ZoneFactory()
    europe.countries.set([germany, austria])
    empty = ZoneFactory()
    everywhere = ShipmentMethodFactory(tax_set=standard)
    in_europe = ShipmentMethodFactory(tax_set=standard)
    in_europe.zones.set([europe])
    nowhere = ShipmentMethodFactory(tax_set=TaxSetFactory(name="Untaxed"))
    nowhere.zones.set([empty])
    untaxed = ShipmentMethodFactory(tax_set=None)
    for method in (everywhere, in_europe, nowhere, untaxed):
        ShipmentMethodPriceFactory(method=method)
    return {"germany": germany, "austria": austria, "us": us, "everywhere": everywhere, "in_europe": in_europe,
            "nowhere": nowhere, "untaxed": untaxed}


def test_each_method_answers_for_every_country_it_is_read_for_in_one_query(world, django_assert_num_queries):
    germany, austria, us = world["germany"], world["austria"], world["us"]
    cart = CartFactory(guest=True)
    with django_assert_num_queries(1):
        methods = shipment_methods_for(cart=cart, currency="EUR", countries=[germany.pk, us.pk, None])
    everywhere, in_europe = methods[world["everywhere"].pk], methods[world["in_europe"].pk]
    nowhere, untaxed = methods[world["nowhere"].pk], methods[world["untaxed"].pk]
    assert [delivers_to(everywhere, c) for c in (germany, us)] == [True, True]  # no zones: everywhere
    assert [delivers_to(in_europe, c) for c in (germany, us)] == [True, False]
    assert [delivers_to(nowhere, c) for c in (germany, us)] == [False, False]  # a zone without countries
    assert [tax_rate_of(in_europe, c) for c in (germany.pk, us.pk, None)] == [Decimal("19.00"), Decimal("20.00"),
                                                                             Decimal("20.00")]
    assert tax_rate_of(nowhere, germany.pk) is None  # a tax set without rates
    assert tax_rate_of(untaxed, germany.pk) is None
    with pytest.raises(KeyError):  # a country it was not read for
        delivers_to(in_europe, austria)


def test_without_countries_the_methods_are_read_without_them(world, django_assert_num_queries):
    cart = CartFactory(guest=True)
    with django_assert_num_queries(1):
        methods = shipment_methods_for(cart=cart, currency="EUR", ids=[world["in_europe"].pk])
    (method,) = methods.values()
    assert method.cost_here == 500 and method.serves_store
    assert method.delivers_in == {} and method.tax_rates == {}
