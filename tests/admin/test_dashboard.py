"""The admin index opens on what needs attention, each figure linking to the rows it counts;
the list of apps stays below."""

from django.urls import reverse

from catalog.models import Store
from checkout.models import Order
from core.money import format_money
from shipping.models import StockItem
from tests.admin.pages import act, demo_order, staff_with


def dashboard_of(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response, response.context["dashboard"]


def listed(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(response.context["cl"].result_list, key=lambda obj: obj.pk)


def test_todays_orders_and_revenue_per_store(boss):
    response, dashboard = dashboard_of(boss)
    by_store = {day.store.code: day for day in dashboard.today}
    de_total = demo_order(1).grand_total + demo_order(2).grand_total
    assert (by_store["DE"].orders, by_store["DE"].revenue) == (2, [format_money(de_total, "EUR")])
    assert (by_store["US"].orders, by_store["US"].revenue) == (1, [format_money(0, "USD")])  # canceled
    assert listed(boss, by_store["DE"].url) == [demo_order(1), demo_order(2)]
    content = response.content.decode()
    assert format_money(de_total, "EUR") in content and "Today's orders" in content


def test_orders_waiting_for_payment_link_to_them(boss):
    response, dashboard = dashboard_of(boss)
    tile = dashboard.awaiting_payment
    assert tile.count == 1
    assert listed(boss, tile.url) == [demo_order(1)]
    assert f'href="{tile.url.replace("&", "&amp;")}"' in response.content.decode()


def test_shipments_ready_to_ship_appear_once_paid(boss):
    assert dashboard_of(boss)[1].ready_to_ship.count == 0
    order = demo_order(1)
    act(boss, order, "capture", order.payments.get())
    tile = dashboard_of(boss)[1].ready_to_ship
    assert tile.count == 1
    assert listed(boss, tile.url) == list(order.shipments.all())
    assert dashboard_of(boss)[1].awaiting_payment.count == 0


def test_low_stock_follows_the_threshold_setting(boss, settings):
    settings.LOW_STOCK_THRESHOLD = 0
    StockItem.objects.filter(pk=StockItem.objects.filter(is_never_out_of_stock=False).order_by("pk")[:1]).update(
        count_on_hand=0)
    low = set(StockItem.objects.filter(count_on_hand__lte=0, is_never_out_of_stock=False))
    tile = dashboard_of(boss)[1].low_stock
    assert tile.count == len(low) >= 1
    assert set(listed(boss, tile.url)) == low
    assert "0 or fewer on hand" in dashboard_of(boss)[0].content.decode()


def test_the_app_list_stays_below(boss):
    content = dashboard_of(boss)[0].content.decode()
    assert content.index('id="shop-dashboard"') < content.index('class="app-checkout module')


def test_staff_see_only_the_figures_they_may_open(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("shipping.view_shipment"))
    content = clerk.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-ready-to-ship"' in content
    assert 'id="dashboard-today"' not in content and 'id="dashboard-awaiting-payment"' not in content
    assert 'id="dashboard-low-stock"' not in content


def test_the_dashboard_costs_the_same_queries_however_many_orders(boss, django_assert_max_num_queries):
    with django_assert_max_num_queries(60) as first:
        dashboard_of(boss)
    order = demo_order(1)
    for _ in range(5):
        Order.objects.create(store=Store.objects.get(code="DE"), currency="EUR", email=order.email)
    with django_assert_max_num_queries(len(first)):
        dashboard_of(boss)
