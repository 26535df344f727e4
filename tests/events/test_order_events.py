"""Order events: exactly one per change, written in the transaction of the change (the outbox)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition

from checkout.models import Order
from checkout.services import order_apply_staff_transition
from events.models import OrderEvent
from events.recording import order_events_record
from payments.exceptions import PaymentDeclined
from shipping.models import StockItem
from checkout.placement import order_place
from tests.events.shop import GUEST, card, cart_with, checkout_data, place, seed_shop
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shop(db):
    seed_shop()


@pytest.fixture
def staff():
    return get_user_model().objects.get(is_superuser=True)


def kinds(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("type", flat=True))


def test_placing_an_order_writes_one_order_placed_event_with_the_order_as_it_was_placed():
    order = place()
    assert kinds(order) == ["order.placed"]
    event = OrderEvent.objects.get(order=order)
    assert event.payload["reference"] == order.reference
    assert event.payload["id"] == str(order.uuid)
    assert (event.payload["state"], event.payload["payment_state"]) == ("complete", "balance_due")
    assert (event.payload["grand_total"], event.payload["currency"]) == (order.grand_total, "EUR")
    assert event.dispatched_at is None  # waiting for deliver_webhooks


def test_a_declined_payment_leaves_no_order_and_no_event():
    before = OrderEvent.objects.count()
    with pytest.raises(PaymentDeclined):
        place(payment=card("4000000000000002"))
    assert OrderEvent.objects.count() == before


def test_a_placement_that_fails_after_writing_the_order_leaves_no_event():
    StockItem.objects.filter(variant__sku="066_23294028").update(count_on_hand=0, backorderable=False)
    before = OrderEvent.objects.count()
    with pytest.raises(Exception):
        place()
    assert OrderEvent.objects.count() == before and not Order.objects.filter(email="ada@example.com").exists()


def test_the_demo_shop_orders_have_their_events_in_the_order_they_happened():
    shipped = Order.objects.get(shipment_state="shipped")
    canceled = Order.objects.get(state="canceled")
    assert kinds(shipped) == ["order.placed", "order.paid", "order.shipped"]
    assert kinds(canceled) == ["order.placed", "order.canceled"]


def test_seeding_the_demo_again_writes_no_second_event():
    count = OrderEvent.objects.count()
    seed_shop()
    assert OrderEvent.objects.count() == count


def test_canceling_writes_one_order_canceled_event_and_canceling_again_after_a_resume_another(staff):
    order = place()
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff)
    assert kinds(order) == ["order.placed", "order.canceled"]
    order_apply_staff_transition(order_id=order.pk, transition="resume", by=staff)
    assert kinds(order) == ["order.placed", "order.canceled"]  # resuming is no placement
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff)
    assert kinds(order) == ["order.placed", "order.canceled", "order.canceled"]
    assert OrderEvent.objects.filter(order=order).order_by("pk").last().payload["state"] == "canceled"


def test_an_order_changed_by_two_at_once_gets_the_event_of_the_one_that_saved(staff):
    order = place()
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    with transaction.atomic():
        first.cancel(by=staff)
        first.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.cancel(by=staff)
        second.save()
    assert kinds(order) == ["order.placed", "order.canceled"]


def test_a_transition_that_is_not_saved_writes_no_event(staff):
    order = place()
    order.cancel(by=staff)  # in memory only
    assert kinds(order) == ["order.placed"]


def test_the_database_refuses_a_second_order_placed_event_for_one_order():
    order = place()
    with pytest.raises(IntegrityError), transaction.atomic():
        order_events_record(order=order, types=["order.placed"])
    assert kinds(order) == ["order.placed"]


@postgres_only[0]
@postgres_only[1]
def test_a_checkout_retried_six_times_at_once_makes_one_order_placed_event_and_one_e_mail(mailoutbox):
    cart = cart_with({"066_23294028": 1})
    data = checkout_data()

    def retry():
        return order_place(cart_uuid=cart.uuid, shopper=GUEST, data=data, idempotency_key="same-key").order.pk

    results = run_together([retry for _ in range(6)])
    orders = {r for r in results if isinstance(r, int)}
    assert len(orders) == 1, results
    order = Order.objects.get(pk=orders.pop())
    assert list(OrderEvent.objects.filter(order=order).values_list("type", flat=True)) == ["order.placed"]
    # A transactional test: on_commit runs for real (the demo's own orders were mailed too).
    assert [m.subject for m in mailoutbox].count(f"Your order {order.reference}") == 1


def test_a_refused_save_followed_by_a_refresh_and_a_save_writes_no_event_of_its_own(staff):
    order = place()
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    with transaction.atomic():
        first.cancel(by=staff)
        first.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.cancel(by=staff)
        second.save()
    second.refresh_from_db()
    with transaction.atomic():
        second.save()  # saves what the database already had: no change, no event
    assert kinds(order) == ["order.placed", "order.canceled"]
