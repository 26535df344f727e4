"""What needs the shop staff's attention, for the admin index: today's orders and revenue per
store, orders waiting for payment, money owed to customers, shipments ready to ship and low
stock — each with the changelist filter that lists exactly those rows.

A selector: reads only, a handful of aggregate queries however many orders there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from catalog.models import Store
from checkout.models import Order, OrderPaymentState, OrderState
from checkout.selectors import order_credit_owed, orders_owing_credit
from core.money import format_money
from shipping.models import Shipment, ShipmentState
from shipping.selectors import stock_items_low

LOW_STOCK_LISTED = 8


@dataclass(frozen=True)
class StoreDay:
    store: Store
    orders: int
    revenue: list[str]  # one formatted amount per currency sold in, e.g. ["€393.53"]
    url: str


@dataclass(frozen=True)
class Tile:
    title: str
    count: int
    url: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of the first few rows
    note: str = ""


@dataclass(frozen=True)
class Dashboard:
    today: list[StoreDay]
    awaiting_payment: Tile
    credit_owed: Tile
    ready_to_ship: Tile
    low_stock: Tile
    low_stock_threshold: int


def _changelist(model, **params) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _today() -> tuple[datetime, datetime]:
    """Midnight to midnight in the shop's time zone: the bounds the admin's date filter uses for "Today"."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _today_per_store() -> list[StoreDay]:
    start, end = _today()
    placed_today = Q(orders__completed_at__gte=start, orders__completed_at__lt=end)
    counted = {row["pk"]: row["n"] for row in Store.objects.values("pk").annotate(n=Count("orders", filter=placed_today))}
    revenue = (Order.objects.filter(completed_at__gte=start, completed_at__lt=end)
               .exclude(state=OrderState.CANCELED)
               .values("store_id", "currency").annotate(total=Sum("grand_total")).order_by("store_id", "currency"))
    sold: dict[int, list[str]] = {}
    for row in revenue:
        sold.setdefault(row["store_id"], []).append(format_money(row["total"], row["currency"]))
    return [
        StoreDay(store=store, orders=counted.get(store.pk, 0),
                 revenue=sold.get(store.pk) or [format_money(0, store.default_currency)],
                 url=_changelist(Order, store__id__exact=store.pk, completed_at__gte=str(start),
                                 completed_at__lt=str(end)))
        for store in Store.objects.order_by("code")
    ]


def _awaiting_payment() -> Tile:
    orders = Order.objects.filter(payment_state=OrderPaymentState.BALANCE_DUE)
    first = orders.select_related("store").order_by("completed_at")[:5]
    return Tile(
        title="Orders waiting for payment", count=orders.count(),
        url=_changelist(Order, payment_state__exact=OrderPaymentState.BALANCE_DUE),
        rows=[(f"{o} — {format_money(o.grand_total - o.payment_total, o.currency)} due",
               reverse("admin:checkout_order_change", args=[o.pk])) for o in first],
    )


def _credit_owed() -> Tile:
    """Orders owing their customer money (e.g. a payment confirmed after the cancel): refund it or resume the order."""
    orders = orders_owing_credit()
    first = orders.order_by("updated_at", "pk")[:5]
    return Tile(
        title="Money owed to customers", count=orders.count(), note="refund, or resume a canceled order",
        url=_changelist(Order, payment_state__exact=OrderPaymentState.CREDIT_OWED),
        rows=[(f"{o} ({o.get_state_display().lower()}) — {format_money(order_credit_owed(o), o.currency)} to refund",
               reverse("admin:checkout_order_change", args=[o.pk])) for o in first],
    )


def _ready_to_ship() -> Tile:
    shipments = Shipment.objects.filter(state=ShipmentState.READY)
    first = shipments.select_related("order", "method__carrier").order_by("created_at")[:5]
    return Tile(
        title="Shipments ready to ship", count=shipments.count(),
        url=_changelist(Shipment, state__exact=ShipmentState.READY),
        rows=[(f"{s} of order {s.order}" + (f" — {s.method}" if s.method_id else ""),
               reverse("admin:checkout_order_change", args=[s.order_id])) for s in first],
    )


def _low_stock(threshold: int) -> Tile:
    items = stock_items_low(threshold=threshold)
    first = items.select_related("variant", "stock_location").order_by("count_on_hand", "pk")[:LOW_STOCK_LISTED]
    return Tile(
        title="Low stock", count=items.count(), note=f"{threshold} or fewer on hand",
        url=_changelist(items.model, stock_level="low"),
        rows=[(f"{i.variant.sku} @ {i.stock_location.name}: {i.count_on_hand}",
               reverse("admin:shipping_stockitem_change", args=[i.pk])) for i in first],
    )


def shop_dashboard() -> Dashboard:
    """The admin index's panel. The threshold of low stock is settings.LOW_STOCK_THRESHOLD."""
    threshold = settings.LOW_STOCK_THRESHOLD
    return Dashboard(today=_today_per_store(), awaiting_payment=_awaiting_payment(), credit_owed=_credit_owed(),
                     ready_to_ship=_ready_to_ship(), low_stock=_low_stock(threshold), low_stock_threshold=threshold)
