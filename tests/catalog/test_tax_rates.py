"""The rate of a tax set for a destination: its rate in that country, else its fallback (no country)."""

from decimal import Decimal

import pytest

from catalog.selectors import tax_rates_for
from tests.factories import CountryFactory, TaxRateFactory, TaxSetFactory

pytestmark = pytest.mark.django_db


def test_a_country_rate_wins_and_the_fallback_serves_every_other_country(django_assert_num_queries):
    standard = TaxSetFactory(name="Standard")
    germany, austria = CountryFactory(), CountryFactory(austria=True)
    TaxRateFactory(tax_set=standard, country=germany, rate=Decimal("19.00"))
    TaxRateFactory(tax_set=standard, country=None, name="Elsewhere", rate=Decimal("20.00"))
    exempt = TaxSetFactory(name="Exempt")
    with django_assert_num_queries(1):
        rates = tax_rates_for(tax_set_ids=[standard.pk, exempt.pk, None])
    assert rates.rate(standard.pk, germany.pk) == Decimal("19.00")
    assert rates.rate(standard.pk, austria.pk) == Decimal("20.00")
    assert rates.rate(standard.pk, None) == Decimal("20.00")
    assert rates.rate(exempt.pk, germany.pk) == Decimal(0)  # a set without rates is not taxed
    assert rates.rate(exempt.pk, germany.pk, default=None) is None
    assert rates.rate(None, germany.pk, default=None) is None


def test_no_tax_set_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert tax_rates_for(tax_set_ids=[None]).rate(None, None) == Decimal(0)
