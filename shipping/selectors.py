"""Reads of stock: which locations may serve an order, and how much of a variant they can give."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from shipping.exceptions import RentalDatesInvalid, ZipcodeNotServiceable
from shipping.models import RentalBooking, StockItem, StockLocation

Period = tuple[datetime, datetime]


def stock_location_ids_for(*, store, zipcode: str = "") -> list[int]:
    """The locations that may serve an order, best first.

    With a zipcode (rentals) the locations serving that zipcode; otherwise the store's
    locations, the default one first.
    """
    locations = StockLocation.objects.filter(is_active=True)
    if zipcode:
        ids = list(locations.filter(serviceable_zipcodes__zipcode=zipcode.strip()).order_by("pk")
                   .values_list("pk", flat=True).distinct())
        if not ids:
            raise ZipcodeNotServiceable(f"We cannot deliver to zipcode {zipcode!r}.", meta={"zipcode": zipcode})
        return ids
    return list(locations.filter(stores=store).order_by("-is_default", "pk").values_list("pk", flat=True))


def stock_locations_serving(*, store, zipcode: str = ""):
    """The pks of the locations that may serve an order: a list for a zipcode (raising
    ZipcodeNotServiceable when none serves it), else a lazy query that other reads embed."""
    if zipcode:
        return stock_location_ids_for(store=store, zipcode=zipcode)
    return StockLocation.objects.filter(is_active=True, stores=store).values("pk")


def check_period(period: Period | None) -> None:
    if period is not None and not period[1] > period[0]:
        raise RentalDatesInvalid(meta={"rental_start_date": period[0].isoformat(),
                                       "rental_end_date": period[1].isoformat()})


def booked_units(*, stock_item_ids: list[int], period: Period) -> dict[int, int]:
    """Units of each stock item booked by live rentals overlapping ``period`` (half-open ranges)."""
    start, end = period
    rows = (
        RentalBooking.objects.filter(stock_item_id__in=stock_item_ids, released_at__isnull=True,
                                     starts_at__lt=end, ends_at__gt=start)
        .values("stock_item_id").annotate(units=Sum("quantity"))
    )
    return {row["stock_item_id"]: row["units"] for row in rows}


@dataclass(frozen=True)
class Availability:
    quantity: int
    is_never_out_of_stock: bool = False
    backorderable: bool = False

    @property
    def is_available(self) -> bool:
        return self.quantity > 0 or self.is_never_out_of_stock or self.backorderable


def variant_availability(*, variant_ids: list[int], location_ids,
                         period: Period | None = None) -> dict[int, Availability]:
    """What each variant can give from ``location_ids`` (a list or a query of location pks; for
    ``period``: minus overlapping rentals)."""
    check_period(period)
    items = list(StockItem.objects.filter(variant_id__in=variant_ids, stock_location_id__in=location_ids))
    booked = booked_units(stock_item_ids=[i.pk for i in items], period=period) if period else {}
    totals: dict[int, list[StockItem]] = defaultdict(list)
    for item in items:
        totals[item.variant_id].append(item)
    return {
        variant_id: Availability(
            quantity=sum(max(i.count_on_hand - booked.get(i.pk, 0), 0) for i in totals.get(variant_id, [])),
            is_never_out_of_stock=any(i.is_never_out_of_stock for i in totals.get(variant_id, [])),
            backorderable=period is None and any(i.backorderable for i in totals.get(variant_id, [])),
        )
        for variant_id in variant_ids
    }



def availability_annotations(*, variant, location_ids) -> dict:
    """``variant_availability`` without a period as annotations, read in the query they are added
    to: ``variant`` is an ``OuterRef`` to a variant pk. ``availability_of`` reads them back."""
    items = StockItem.objects.filter(variant_id=variant, stock_location_id__in=location_ids).order_by()
    on_hand = items.values("variant_id").annotate(units=Sum("count_on_hand")).values("units")
    return {
        "stock_on_hand": Coalesce(Subquery(on_hand), 0),
        "stock_never_out": Exists(items.filter(is_never_out_of_stock=True)),
        "stock_backorderable": Exists(items.filter(backorderable=True)),
    }


def availability_of(annotated) -> Availability:
    """The ``Availability`` that ``availability_annotations`` put on a row."""
    return Availability(quantity=annotated.stock_on_hand, is_never_out_of_stock=annotated.stock_never_out,
                        backorderable=annotated.stock_backorderable)

def live_reservations(*, line_item_ids: list[int]) -> Q:
    return Q(line_item_id__in=line_item_ids, released_at__isnull=True)


def stock_items_low(*, threshold: int | None = None):
    """Stock items at or below ``threshold`` units on hand (settings.LOW_STOCK_THRESHOLD by default),
    leaving out those that never run out."""
    limit = settings.LOW_STOCK_THRESHOLD if threshold is None else threshold
    return StockItem.objects.filter(count_on_hand__lte=limit, is_never_out_of_stock=False)
