"""Stock per location, set by hand on the stock item page: every change goes through stock_adjust
and leaves an audit row (who, when, from, to, why); nothing else on the admin edits a count."""

from django.db.models import F

from catalog.models import Variant
from shipping.models import StockAdjustment, StockItem, StockLocation
from tests.admin.pages import admin_url, form_data, form_errors, messages_of, staff_with


def a_stock_item() -> StockItem:
    """One nobody has set by hand yet (the package's fixture sets the first)."""
    return (StockItem.objects.filter(is_never_out_of_stock=False, adjustments__isnull=True)
            .select_related("variant").order_by("pk").first())


def test_a_count_staff_type_is_saved_with_who_when_from_to_and_why(boss, superuser):
    item = a_stock_item()
    url = admin_url(StockItem, "change", item.pk)
    data = form_data(boss, url, StockItem) | {"count_on_hand": ["12"], "reason": ["Stocktaking"], "_save": ["Save"]}
    assert boss.post(url, data).status_code == 302

    item_now = StockItem.objects.get(pk=item.pk)
    adjustment = StockAdjustment.objects.filter(stock_item=item).first()
    assert item_now.count_on_hand == 12
    assert (adjustment.by, adjustment.count_on_hand_from, adjustment.count_on_hand_to, adjustment.reason) == (
        superuser, item.count_on_hand, 12, "Stocktaking")
    content = boss.get(url).content.decode()
    assert "stock changes (audit)" in content.lower() and "Stocktaking" in content and "boss" in content


def test_the_backorder_flag_is_audited_too(boss):
    item = StockItem.objects.filter(backorderable=False, is_never_out_of_stock=False, adjustments__isnull=True).first()
    url = admin_url(StockItem, "change", item.pk)
    data = form_data(boss, url, StockItem) | {"backorderable": ["on"], "reason": ["Supplier delivers in 2 days"],
                                              "_save": ["Save"]}
    assert boss.post(url, data).status_code == 302
    adjustment = StockAdjustment.objects.get(stock_item=item)
    assert (adjustment.backorderable_from, adjustment.backorderable_to) == (False, True)
    assert adjustment.count_on_hand_from == adjustment.count_on_hand_to == item.count_on_hand


def test_a_change_without_a_reason_is_refused(boss):
    item = a_stock_item()
    url = admin_url(StockItem, "change", item.pk)
    data = form_data(boss, url, StockItem) | {"count_on_hand": ["3"], "_save": ["Save"]}
    assert form_errors(boss.post(url, data)) == {"reason": ["Say why the stock changes."]}
    assert StockItem.objects.get(pk=item.pk).count_on_hand == item.count_on_hand
    assert not StockAdjustment.objects.filter(stock_item=item).exists()


def test_a_count_orders_moved_while_the_page_was_open_is_not_overwritten(boss):
    item = a_stock_item()
    url = admin_url(StockItem, "change", item.pk)
    data = form_data(boss, url, StockItem) | {"count_on_hand": ["12"], "reason": ["Stocktaking"], "_save": ["Save"]}
    StockItem.objects.filter(pk=item.pk).update(count_on_hand=F("count_on_hand") - 1)  # an order, meanwhile

    errors = form_errors(boss.post(url, data))
    assert errors == {"count_on_hand": [f"Orders changed this count to {item.count_on_hand - 1} while you edited "
                                        f"it; check it and save again."]}
    assert StockItem.objects.get(pk=item.pk).count_on_hand == item.count_on_hand - 1
    assert not StockAdjustment.objects.filter(stock_item=item).exists()


def test_saving_other_fields_keeps_what_orders_took_meanwhile(boss):
    item = a_stock_item()
    url = admin_url(StockItem, "change", item.pk)
    data = form_data(boss, url, StockItem) | {"is_never_out_of_stock": ["on"], "_save": ["Save"]}
    StockItem.objects.filter(pk=item.pk).update(count_on_hand=F("count_on_hand") - 1)  # an order, meanwhile
    assert boss.post(url, data).status_code == 302
    saved = StockItem.objects.get(pk=item.pk)
    assert (saved.is_never_out_of_stock, saved.count_on_hand) == (True, item.count_on_hand - 1)
    assert not StockAdjustment.objects.filter(stock_item=item).exists()


def test_a_new_stock_item_starts_with_an_audited_count(boss, superuser):
    location = StockLocation.objects.first()
    variant = Variant.objects.exclude(stock_items__stock_location=location).first()
    url = admin_url(StockItem, "add")
    data = form_data(boss, url, StockItem) | {"stock_location": [location.pk], "variant": [variant.pk],
                                              "count_on_hand": ["7"], "_save": ["Save"]}
    assert boss.post(url, data).status_code == 302
    item = StockItem.objects.get(stock_location=location, variant=variant)
    adjustment = StockAdjustment.objects.get(stock_item=item)
    assert (item.count_on_hand, adjustment.count_on_hand_from, adjustment.count_on_hand_to, adjustment.by) == (
        7, 0, 7, superuser)


def test_the_variant_page_shows_stock_but_edits_none(boss):
    item = a_stock_item()
    url = admin_url(Variant, "change", item.variant_id)
    data = form_data(boss, url, Variant)
    assert not any(key.startswith("stock_items-") and key.endswith("-count_on_hand") for key in data)
    assert boss.post(url, data | {"stock_items-0-count_on_hand": ["999"], "_save": ["Save"]}).status_code == 302
    assert StockItem.objects.get(pk=item.pk).count_on_hand == item.count_on_hand


def test_the_audit_is_a_record_nobody_edits(boss):
    adjustment = StockAdjustment.objects.first()
    url = admin_url(StockAdjustment, "change", adjustment.pk)
    assert 'name="_save"' not in boss.get(url).content.decode()
    assert boss.post(url, {"count_on_hand_to": "1"}).status_code == 403


def test_staff_without_the_change_permission_cannot_set_stock(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("shipping.view_stockitem"))
    item = a_stock_item()
    url = admin_url(StockItem, "change", item.pk)
    assert clerk.post(url, {"count_on_hand": "1", "reason": "x"}).status_code == 403
    assert StockItem.objects.get(pk=item.pk).count_on_hand == item.count_on_hand




def test_the_low_stock_filter_lists_items_at_or_below_the_threshold(boss, settings):
    settings.LOW_STOCK_THRESHOLD = 10
    response = boss.get(admin_url(StockItem, "changelist"), {"stock_level": "low"})
    listed = set(response.context["cl"].result_list)
    expected = set(StockItem.objects.filter(count_on_hand__lte=10, is_never_out_of_stock=False))
    assert listed == expected
    assert messages_of(response) == []
