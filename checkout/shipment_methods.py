"""The shipment methods a cart may use, priced for it: one read shared by /checkout-data and placement."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Subquery

from carts.models import Cart
from catalog.models import PriceMode
from customers.models import Country
from shipping.models import ShipmentMethod, ShipmentMethodPrice


def shipment_methods_for(*, cart: Cart, currency: str, ids: Iterable[int] | None = None) -> dict[int, ShipmentMethod]:
    """The active methods of active carriers (those with ``ids``, or all), by pk, in pk order. Two queries.

    Each carries ``cost_here`` (its price in ``currency`` and the cart's price mode; None:
    it has none), ``serves_store`` (it has no stores, or the cart's store among them) and
    ``zone_country_ids`` (the countries its zones deliver to; None: it has no zones and
    delivers everywhere).
    """
    amount = "gross_amount" if cart.price_mode == PriceMode.GROSS else "net_amount"
    stores = ShipmentMethod.stores.through.objects.filter(shipmentmethod_id=OuterRef("pk"))
    methods = ShipmentMethod.objects.filter(is_active=True, carrier__is_active=True)
    if ids is not None:
        methods = methods.filter(pk__in=[i for i in ids if isinstance(i, int)])
    found = {
        method.pk: method for method in methods.select_related("carrier", "tax_set").annotate(
            cost_here=Subquery(ShipmentMethodPrice.objects.filter(method=OuterRef("pk"), currency=currency)
                               .order_by().values(amount)[:1]),
            serves_store=~Exists(stores) | Exists(stores.filter(store_id=cart.store_id)),
        ).order_by("pk")
    }
    for method in found.values():
        method.zone_country_ids = None
    zones = ShipmentMethod.zones.through.objects.filter(shipmentmethod_id__in=list(found))
    for method_id, country_id in zones.values_list("shipmentmethod_id", "zone__countries"):
        method = found[method_id]
        method.zone_country_ids = (method.zone_country_ids or set()) | ({country_id} if country_id else set())
    return found


def delivers_to(method: ShipmentMethod, country: Country) -> bool:
    return method.zone_country_ids is None or country.pk in method.zone_country_ids
