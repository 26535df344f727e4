"""Writes to stock. Callers run these inside their own transaction (placing, canceling, resuming)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from shipping.exceptions import InsufficientStock
from shipping.models import StockItem


@dataclass(frozen=True)
class StockLine:
    """``quantity`` units of a variant from a stock location."""

    stock_location_id: int
    variant_id: int
    quantity: int
    sku: str = ""


def _locked_stock_items(lines: list[StockLine]) -> dict[tuple[int, int], StockItem]:
    """Lock the stock rows of ``lines``, always in primary-key order so concurrent callers cannot deadlock."""
    keys = {(line.stock_location_id, line.variant_id) for line in lines}
    wanted = StockItem.objects.none()
    for location_id, variant_id in sorted(keys):
        wanted |= StockItem.objects.filter(stock_location_id=location_id, variant_id=variant_id)
    rows = wanted.select_for_update().order_by("pk")
    return {(row.stock_location_id, row.variant_id): row for row in rows}


def _merged(lines: Iterable[StockLine]) -> list[StockLine]:
    totals: dict[tuple[int, int], StockLine] = {}
    for line in lines:
        key = (line.stock_location_id, line.variant_id)
        seen = totals.get(key)
        quantity = line.quantity + (seen.quantity if seen else 0)
        totals[key] = StockLine(line.stock_location_id, line.variant_id, quantity, line.sku)
    return list(totals.values())


def stock_take(*, lines: Iterable[StockLine]) -> None:
    """Take stock for ``lines``, all or nothing.

    Raises InsufficientStock (meta: sku, requested, available) when any location holds
    too little; nothing is taken then. ``count_on_hand`` never goes below zero.
    """
    lines = _merged(lines)
    with transaction.atomic():
        stock = _locked_stock_items(lines)
        for line in lines:
            item = stock.get((line.stock_location_id, line.variant_id))
            if item is not None and item.is_never_out_of_stock:
                continue
            available = item.count_on_hand if item else 0
            if available < line.quantity:
                raise InsufficientStock(
                    f"There is not enough stock of {line.sku or 'this item'}: {available} left, "
                    f"{line.quantity} wanted.",
                    meta={"sku": line.sku, "requested": line.quantity, "available": available},
                )
        for line in lines:
            item = stock[(line.stock_location_id, line.variant_id)]
            if not item.is_never_out_of_stock:
                StockItem.objects.filter(pk=item.pk).update(count_on_hand=F("count_on_hand") - line.quantity)


def stock_release(*, lines: Iterable[StockLine]) -> None:
    """Give back stock taken for ``lines`` (an order canceled before shipping)."""
    lines = _merged(lines)
    with transaction.atomic():
        stock = _locked_stock_items(lines)
        for line in lines:
            item = stock.get((line.stock_location_id, line.variant_id))
            if item is None:
                item = StockItem.objects.create(stock_location_id=line.stock_location_id, variant_id=line.variant_id)
            if not item.is_never_out_of_stock:
                StockItem.objects.filter(pk=item.pk).update(count_on_hand=F("count_on_hand") + line.quantity)
