"""Where an order's stock comes from: one rule for the checkout's steps, its preview and placement.

An order with a zipcode is served, every item of it, by the stock locations serving that
zipcode (ZipcodeNotServiceable when none does); an order without one by its store's
locations. Placement holds stock from these locations, default first, then by location
(``shipping.services.stock_reserve``), so the location a shipment ships from is the first
of them that holds its first item; ``ships_from`` answers the same before placement.
"""

from __future__ import annotations

from shipping.models import StockItem, StockLocation
from shipping.selectors import stock_locations_serving


def order_stock_locations(*, store, zipcode: str = ""):
    """The pks of the locations serving an order (a list for a zipcode, else a lazy query)."""
    return stock_locations_serving(store=store, zipcode=(zipcode or "").strip())


def ships_from(*, location_ids, variant_ids: list[int]) -> StockLocation | None:
    """The location placement would take the first of ``variant_ids`` (in line order) from: the first
    holding units of it, else the first that may backorder it; the first location when none holds any."""
    rows = sorted(StockItem.objects.filter(variant_id__in=variant_ids, stock_location_id__in=location_ids)
                  .select_related("stock_location"),
                  key=lambda row: (not row.stock_location.is_default, row.stock_location_id))
    for variant_id in variant_ids:
        mine = [row for row in rows if row.variant_id == variant_id]
        if any(row.is_never_out_of_stock for row in mine):
            continue  # placement holds nothing for it: the next item decides
        held = next((row for row in mine if row.count_on_hand > 0), None) or next(
            (row for row in mine if row.backorderable), None)
        if held is not None:
            return held.stock_location
    return (StockLocation.objects.filter(pk__in=location_ids, is_active=True)
            .order_by("-is_default", "pk").first())
