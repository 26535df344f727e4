"""Stock set by hand: stock_adjust changes the count and the backorder flag and keeps the audit
(who, when, from, to, why) in the same transaction; it never overwrites what orders moved."""

import pytest

from shipping.exceptions import StockAdjustmentInvalid, StockChangedMeanwhile
from shipping.models import StockAdjustment, StockItem
from shipping.selectors import stock_items_low
from shipping.services import stock_adjust
from tests.factories import StockItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_count_set_by_hand_is_audited():
    item, clerk = StockItemFactory(count_on_hand=10), UserFactory()
    adjustment = stock_adjust(stock_item=item, count_on_hand=7, by=clerk, reason="  Stocktaking ")

    assert StockItem.objects.get(pk=item.pk).count_on_hand == item.count_on_hand == 7
    assert (adjustment.by, adjustment.reason, adjustment.count_on_hand_from, adjustment.count_on_hand_to,
            adjustment.backorderable_from, adjustment.backorderable_to, adjustment.change) == (
        clerk, "Stocktaking", 10, 7, False, False, -3)
    assert adjustment.created_at is not None


def test_the_backorder_flag_is_audited_and_the_count_kept():
    item = StockItemFactory(count_on_hand=4)
    adjustment = stock_adjust(stock_item=item, count_on_hand=4, backorderable=True, by=None, reason="Supplier")
    assert (adjustment.backorderable_from, adjustment.backorderable_to) == (False, True)
    assert StockItem.objects.get(pk=item.pk).backorderable is True


def test_nothing_changed_writes_no_audit():
    item = StockItemFactory(count_on_hand=4)
    assert stock_adjust(stock_item=item, count_on_hand=4, by=None, reason="Looked") is None
    assert not StockAdjustment.objects.exists()


@pytest.mark.parametrize(("count", "reason"), [(-1, "Broken"), (3, ""), (3, "   "), ("3", "Typed")])
def test_a_negative_count_or_no_reason_is_refused(count, reason):
    item = StockItemFactory(count_on_hand=4)
    with pytest.raises(StockAdjustmentInvalid):
        stock_adjust(stock_item=item, count_on_hand=count, by=None, reason=reason)
    assert StockItem.objects.get(pk=item.pk).count_on_hand == 4
    assert not StockAdjustment.objects.exists()


def test_a_count_orders_moved_meanwhile_is_not_overwritten():
    item = StockItemFactory(count_on_hand=10)
    StockItem.objects.filter(pk=item.pk).update(count_on_hand=9)  # an order took one after the page was shown
    with pytest.raises(StockChangedMeanwhile) as refused:
        stock_adjust(stock_item=item, count_on_hand=12, by=None, reason="Delivery", expected_count=10)
    assert refused.value.meta == {"expected": 10, "count_on_hand": 9}
    assert StockItem.objects.get(pk=item.pk).count_on_hand == 9
    assert not StockAdjustment.objects.exists()


def test_low_stock_is_at_or_below_the_threshold_and_never_the_never_out_of_stock(settings):
    settings.LOW_STOCK_THRESHOLD = 3
    low, at, above = StockItemFactory(count_on_hand=0), StockItemFactory(count_on_hand=3), StockItemFactory(count_on_hand=4)
    StockItemFactory(count_on_hand=0, is_never_out_of_stock=True)
    assert set(stock_items_low()) == {low, at}
    assert set(stock_items_low(threshold=0)) == {low}
    assert above not in stock_items_low()
