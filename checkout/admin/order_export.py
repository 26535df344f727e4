"""Orders to CSV: the rows of the order changelist as filtered and searched, streamed row by
row so that a year of orders never sits in memory. Amounts are decimal strings in the
order's currency ("393.53" with "EUR" beside it), never minor units."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from core.money import decimal_string

COLUMNS = (
    ("reference", "reference"),
    ("number", "number"),
    ("store", "store__code"),
    ("created_at", "created_at"),
    ("completed_at", "completed_at"),
    ("canceled_at", "canceled_at"),
    ("email", "email"),
    ("state", "state"),
    ("payment_state", "payment_state"),
    ("shipment_state", "shipment_state"),
    ("currency", "currency"),
    ("item_total", "item_total"),
    ("discount_total", "discount_total"),
    ("expense_total", "expense_total"),
    ("tax_total", "tax_total"),
    ("grand_total", "grand_total"),
    ("payment_total", "payment_total"),
)
AMOUNTS = {"item_total", "discount_total", "expense_total", "tax_total", "grand_total", "payment_total"}
CHUNK = 2000


class _Echo:
    """A file that hands back what is written to it, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(name: str, value, currency: str) -> str:
    if value is None:
        return ""
    if name in AMOUNTS:
        return decimal_string(value, currency)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    # A spreadsheet would run a cell starting with these as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def order_csv_rows(orders) -> Iterator[list[str]]:
    """The header, then one row per order of the queryset ``orders``, read in chunks."""
    yield [name for name, _ in COLUMNS]
    currency_at = [lookup for _, lookup in COLUMNS].index("currency")
    rows: Iterable = orders.values_list(*(lookup for _, lookup in COLUMNS)).iterator(chunk_size=CHUNK)
    for row in rows:
        currency = row[currency_at]
        yield [_cell(name, value, currency) for (name, _), value in zip(COLUMNS, row, strict=True)]


def orders_csv_response(orders) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    name = f"orders-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
    response = StreamingHttpResponse((writer.writerow(row) for row in order_csv_rows(orders)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
