"""Holding and giving back stock for order lines. Callers run these inside their own transaction.

Stock rows are locked in primary-key order so that concurrent checkouts queue instead of
deadlocking; ``count_on_hand`` never goes below zero (a database constraint backs this).
A line takes stock location by location, in the order of preference it is given; what no
location has is backordered where a location allows it, and refused otherwise. Rentable
lines book units for a date range instead: a unit booked for overlapping dates is taken.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from core.errors import DomainError
from shipping.exceptions import InsufficientStock, StockAdjustmentInvalid, StockChangedMeanwhile
from shipping.models import RentalBooking, StockAdjustment, StockAllocation, StockItem
from shipping.selectors import booked_units, check_period, live_reservations


@dataclass(frozen=True)
class StockRequest:
    """``quantity`` units of a variant for an order line; ``rental`` books them for a period."""

    line_item_id: int
    variant_id: int
    quantity: int
    sku: str = ""
    rental: tuple[datetime, datetime] | None = None


def stock_reserve(*, requests: Iterable[StockRequest], location_ids) -> list:
    """Hold stock for every request from ``location_ids`` (a list or a query of pks), all or nothing.

    Returns the StockAllocation and RentalBooking rows made. Raises InsufficientStock
    (meta: sku, requested, available) and holds nothing when a line cannot be served.
    """
    requests = sorted(requests, key=lambda r: r.line_item_id)
    # No savepoint inside the caller's transaction: a refusal is decided before anything is
    # written and raised after the block, which leaves the caller's transaction usable.
    with transaction.atomic(savepoint=False):
        stock = _lock(requests, location_ids)
        try:
            held = _hold(requests, stock)
        except DomainError as refusal:
            refused = refusal
        else:
            refused = None
            allocations = [row for row in held if isinstance(row, StockAllocation)]
            StockAllocation.objects.bulk_create(allocations)
            RentalBooking.objects.bulk_create([row for row in held if isinstance(row, RentalBooking)])
            _move_on_hand({a.stock_item_id: -a.quantity for a in allocations})
    if refused is not None:
        raise refused
    return held


def _hold(requests: list[StockRequest], stock: dict[int, list[StockItem]]) -> list:
    """The rows that would hold every request (nothing written); InsufficientStock or
    RentalDatesInvalid otherwise."""
    remaining = {item.pk: item.count_on_hand for items in stock.values() for item in items}
    held = []
    for request in requests:
        candidates = stock.get(request.variant_id, [])
        held += _book(request, candidates) if request.rental else _allocate(request, candidates, remaining)
    return held


def stock_release(*, line_item_ids: list[int]) -> None:
    """Give back what the lines hold: allocated units return on hand, rental bookings end."""
    with transaction.atomic():
        allocations = list(StockAllocation.objects.select_for_update()
                           .filter(live_reservations(line_item_ids=line_item_ids)).order_by("pk"))
        back: dict[int, int] = defaultdict(int)
        for allocation in allocations:
            back[allocation.stock_item_id] += allocation.quantity
        _move_on_hand(back)
        now = timezone.now()
        StockAllocation.objects.filter(pk__in=[a.pk for a in allocations]).update(released_at=now)
        RentalBooking.objects.filter(live_reservations(line_item_ids=line_item_ids)).update(released_at=now)


def _lock(requests: list[StockRequest], location_ids) -> dict[int, list[StockItem]]:
    """Lock the stock rows in pk order (so checkouts never deadlock); serve from the default
    location first, then by location pk. ``location_ids``: a list or a query of location pks."""
    variant_ids = {r.variant_id for r in requests}
    rows = (StockItem.objects.select_for_update(of=("self",)).select_related("variant", "stock_location")
            .filter(variant_id__in=variant_ids, stock_location_id__in=location_ids).order_by("pk"))
    stock: dict[int, list[StockItem]] = defaultdict(list)
    for item in sorted(rows, key=lambda i: (not i.stock_location.is_default, i.stock_location_id)):
        stock[item.variant_id].append(item)
    return stock


def _allocate(request: StockRequest, candidates: list[StockItem], remaining: dict[int, int]) -> list:
    if any(item.is_never_out_of_stock for item in candidates):
        return []
    plan: dict[int, list] = {}
    needed = request.quantity
    for item in candidates:
        take = min(remaining[item.pk], needed)
        if take:
            plan[item.pk] = [item, take, 0]
            needed -= take
    if needed:
        backorder_at = next((item for item in candidates if item.backorderable), None)
        if backorder_at is None:
            raise _insufficient(request, available=request.quantity - needed)
        plan.setdefault(backorder_at.pk, [backorder_at, 0, 0])[2] = needed
    for item, take, _ in plan.values():
        remaining[item.pk] -= take
    return [StockAllocation(stock_item=item, line_item_id=request.line_item_id, quantity=take, backordered=backordered)
            for item, take, backordered in plan.values()]


def _book(request: StockRequest, candidates: list[StockItem]) -> list:
    check_period(request.rental)
    start, end = request.rental
    booked = booked_units(stock_item_ids=[item.pk for item in candidates], period=request.rental)
    bookings, needed = [], request.quantity
    for item in candidates:
        units = min(item.count_on_hand - booked.get(item.pk, 0), needed)
        if units > 0:
            bookings.append(RentalBooking(stock_item=item, line_item_id=request.line_item_id,
                                          starts_at=start, ends_at=end, quantity=units))
            needed -= units
    if needed:
        raise _insufficient(request, available=request.quantity - needed,
                            period={"rental_start_date": start.isoformat(), "rental_end_date": end.isoformat()})
    return bookings


def _insufficient(request: StockRequest, *, available: int, period: dict | None = None) -> InsufficientStock:
    what = request.sku or "this item"
    when = " for these dates" if period else ""
    return InsufficientStock(
        f"There is not enough stock of {what}{when}: {available} available, {request.quantity} wanted.",
        meta={"sku": request.sku, "requested": request.quantity, "available": available, **(period or {})},
    )


def _move_on_hand(changes: dict[int, int]) -> None:
    """Add ``changes[pk]`` to each stock row's count, in one UPDATE however many rows there are."""
    changes = {pk: delta for pk, delta in changes.items() if delta}
    if not changes:
        return
    StockItem.objects.filter(pk__in=sorted(changes)).update(count_on_hand=F("count_on_hand") + Case(
        *(When(pk=pk, then=Value(delta)) for pk, delta in sorted(changes.items())), output_field=IntegerField(),
    ))


def stock_adjust(*, stock_item: StockItem, count_on_hand: int, by, reason: str, backorderable: bool | None = None,
                 expected_count: int | None = None) -> StockAdjustment | None:
    """Set a stock item's count on hand (and its backorder flag) by hand, writing who, when, from what
    to what and why (a StockAdjustment row) in the same transaction.

    ``expected_count`` is the count the person saw: when orders moved the stock meanwhile the
    change is refused (StockChangedMeanwhile) rather than overwriting what they did. Returns
    None when nothing changes; raises StockAdjustmentInvalid for a negative count or no reason.
    """
    reason = (reason or "").strip()
    if not isinstance(count_on_hand, int) or count_on_hand < 0:
        raise StockAdjustmentInvalid("A stock count is a whole number of at least zero.",
                                     meta={"count_on_hand": count_on_hand})
    if not reason:
        raise StockAdjustmentInvalid("Say why the stock changes (e.g. stocktaking, damaged, delivery).")
    with transaction.atomic():
        item = StockItem.objects.select_for_update(of=("self",)).select_related("variant", "stock_location").get(
            pk=stock_item.pk)
        if expected_count is not None and item.count_on_hand != expected_count:
            raise StockChangedMeanwhile(
                f"The count of {item.variant.sku} at {item.stock_location.name} changed from {expected_count} to "
                f"{item.count_on_hand} while you edited it (orders took or gave back stock). Check it and save again.",
                meta={"expected": expected_count, "count_on_hand": item.count_on_hand})
        backorderable = item.backorderable if backorderable is None else backorderable
        if (item.count_on_hand, item.backorderable) == (count_on_hand, backorderable):
            return None
        adjustment = StockAdjustment.objects.create(
            stock_item=item, by=by, reason=reason[:255],
            count_on_hand_from=item.count_on_hand, count_on_hand_to=count_on_hand,
            backorderable_from=item.backorderable, backorderable_to=backorderable,
        )
        item.count_on_hand, item.backorderable = count_on_hand, backorderable
        item.save(update_fields=["count_on_hand", "backorderable", "updated_at"])
    stock_item.count_on_hand, stock_item.backorderable = count_on_hand, backorderable
    return adjustment
