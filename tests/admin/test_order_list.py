"""The order list: the filters staff need, search, and the filtered orders exported to CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Store
from checkout.models import Order
from core.money import decimal_string
from tests.admin.pages import admin_url, demo_order, found, staff_with


def listed(client, **params) -> list:
    response = client.get(admin_url(Order, "changelist"), params)
    assert response.status_code == 200
    assert "e" not in response.context["cl"].params
    return sorted(response.context["cl"].result_list, key=lambda obj: obj.pk)


@pytest.mark.parametrize(("params", "numbers"), [
    ({"state__exact": "complete"}, [1, 2]),
    ({"state__exact": "canceled"}, [3]),
    ({"payment_state__exact": "balance_due"}, [1]),
    ({"payment_state__exact": "paid"}, [2]),
    ({"shipment_state__exact": "shipped"}, [2]),
    ({"shipment_state__exact": "pending"}, [1]),
], ids=str)
def test_the_order_list_filters_by_state_payment_and_shipment(boss, params, numbers):
    assert listed(boss, **params) == [demo_order(n) for n in numbers]


def test_the_order_list_filters_by_store_and_date(boss):
    de = Store.objects.get(code="DE")
    assert listed(boss, store__id__exact=de.pk) == [demo_order(1), demo_order(2)]
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)  # the filter's "Today"
    today = listed(boss, completed_at__gte=str(midnight), completed_at__lt=str(midnight + timedelta(days=1)))
    assert today == [demo_order(1), demo_order(2), demo_order(3)]
    content = boss.get(admin_url(Order, "changelist")).content.decode()
    for title in ("By store", "By state", "By payment state", "By shipment state", "By completed at"):
        assert title in content


def test_orders_are_found_by_number_and_line_item_sku(boss):
    assert found(boss, Order, demo_order(1).number) == [demo_order(1)]
    assert found(boss, Order, "066_23294028") == sorted(
        Order.objects.filter(line_items__sku="066_23294028").distinct(), key=lambda o: o.pk)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_writes_the_filtered_orders_with_decimal_amounts(boss):
    changelist = boss.get(admin_url(Order, "changelist"), {"payment_state__exact": "paid"}).content.decode()
    assert 'export/?payment_state__exact=paid" class="export-csv">Export to CSV' in changelist

    rows = rows_of(boss.get(admin_url(Order, "export"), {"payment_state__exact": "paid"}))

    order = demo_order(2)
    assert [row["reference"] for row in rows] == ["DE--2"]
    row = rows[0]
    assert (row["number"], row["store"], row["email"], row["currency"]) == (order.number, "DE", order.email, "EUR")
    assert (row["state"], row["payment_state"], row["shipment_state"]) == ("complete", "paid", "shipped")
    assert row["grand_total"] == decimal_string(order.grand_total, "EUR") and "." in row["grand_total"]
    assert row["payment_total"] == decimal_string(order.payment_total, "EUR")
    assert row["created_at"] == order.created_at.isoformat() and row["canceled_at"] == ""


def test_export_follows_the_search_and_exports_everything_unfiltered(boss):
    assert [r["reference"] for r in rows_of(boss.get(admin_url(Order, "export"), {"q": "047_26408568"}))] == ["DE--2"]
    everything = rows_of(boss.get(admin_url(Order, "export")))
    assert sorted(r["reference"] for r in everything) == sorted(Order.objects.values_list("reference", flat=True))
    assert list(everything[0]) == ["reference", "number", "store", "created_at", "completed_at", "canceled_at",
                                   "email", "state", "payment_state", "shipment_state", "currency", "item_total",
                                   "discount_total", "expense_total", "tax_total", "grand_total", "payment_total"]


def test_export_of_the_selected_orders_is_an_admin_action(boss):
    selected = [demo_order(1), demo_order(3)]
    response = boss.post(admin_url(Order, "changelist"), {
        "action": "export_selected_as_csv", "_selected_action": [o.pk for o in selected]})
    assert sorted(r["reference"] for r in rows_of(response)) == ["DE--1", "US--1"]


def test_a_cell_a_spreadsheet_would_run_is_defused(boss):
    Order.objects.filter(pk=demo_order(1).pk).update(email="=cmd@example.com")
    rows = rows_of(boss.get(admin_url(Order, "export"), {"q": "DE--1"}))
    assert rows[0]["email"] == "'=cmd@example.com"


def test_a_bad_filter_goes_back_to_the_list(boss):
    response = boss.get(admin_url(Order, "export"), {"no_such_field__exact": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_staff_who_may_not_see_orders_export_nothing(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("shipping.view_shipment"))
    assert clerk.get(admin_url(Order, "export")).status_code == 403
