"""The shipment methods a cart may use, priced for it: one read shared by /checkout-data and placement."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery

from carts.models import Cart
from catalog.models import PriceMode
from catalog.selectors import tax_rate_in
from core.compiled import CompiledRead
from customers.models import Country
from shipping.models import ShipmentMethod, ShipmentMethodPrice


def shipment_methods_for(*, cart: Cart, currency: str, ids: Iterable[int] | None = None,
                         countries: Iterable[int | None] = ()) -> dict[int, ShipmentMethod]:
    """The active methods of active carriers (those with ``ids``, or all), by pk, in pk order. One query.

    Each carries ``cost_here`` (its price in ``currency`` and the cart's price mode; None:
    it has none) and ``serves_store`` (it has no stores, or the cart's store among them); and,
    for the ``countries`` (pks; None: no country) it is asked about, ``delivers_in`` (country
    pk -> it has no zones, or one with the country) and ``tax_rates`` (country pk -> the rate
    of its tax set there, else the set's fallback; None: neither). Read them with
    ``delivers_to`` and ``tax_rate_of``.
    """
    countries = tuple(dict.fromkeys(countries))
    shape = {"price_mode": cart.price_mode, "countries": countries,
             "ids": None if ids is None else tuple(i for i in ids if isinstance(i, int))}
    found = {method.pk: method for method in _methods_read(shape=shape, currency=currency, store_id=cart.store_id)}
    for method in found.values():
        method.delivers_in = {c: getattr(method, f"delivers_in_{n}") for n, c in enumerate(countries) if c is not None}
        method.tax_rates = {c: getattr(method, f"tax_rate_in_{n}") for n, c in enumerate(countries)}
    return found


def _methods(*, currency: str, store_id: int, price_mode: str, countries: tuple[int | None, ...],
             ids: tuple[int, ...] | None):
    amount = "gross_amount" if price_mode == PriceMode.GROSS else "net_amount"
    stores = ShipmentMethod.stores.through.objects.filter(shipmentmethod_id=OuterRef("pk"))
    methods = ShipmentMethod.objects.filter(is_active=True, carrier__is_active=True)
    if ids is not None:
        methods = methods.filter(pk__in=ids)
    return methods.select_related("carrier", "tax_set").annotate(
        cost_here=Subquery(ShipmentMethodPrice.objects.filter(method=OuterRef("pk"), currency=currency)
                           .order_by().values(amount)[:1]),
        serves_store=~Exists(stores) | Exists(stores.filter(store_id=store_id)),
        **_by_country(countries),
    ).order_by("pk")


# Read by every /checkout-data and placement: compiled once per shape (core.compiled).
_methods_read = CompiledRead(_methods)


def _by_country(countries: tuple[int | None, ...]) -> dict:
    """A method's zones and tax rate for each country, as annotations numbered like ``countries``."""
    zones = ShipmentMethod.zones.through.objects.filter(shipmentmethod_id=OuterRef("pk"))
    annotations = {}
    for n, country in enumerate(countries):
        if country is not None:
            annotations[f"delivers_in_{n}"] = ~Exists(zones) | Exists(zones.filter(zone__countries=country))
        annotations[f"tax_rate_in_{n}"] = tax_rate_in(tax_set=OuterRef("tax_set_id"), country_id=country)
    return annotations


def delivers_to(method: ShipmentMethod, country: Country) -> bool:
    """Whether ``method`` (read with ``country`` among its ``countries``) delivers there."""
    return method.delivers_in[country.pk]


def tax_rate_of(method: ShipmentMethod, country_id: int | None) -> Decimal | None:
    """The rate of ``method``'s tax set in the country (read with it among its ``countries``)."""
    return method.tax_rates[country_id]
