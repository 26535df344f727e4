"""The order page: its summary, the staff actions (through the checkout service) and what a save
may change; and the shipment and payment records beside it."""

import pytest
from django.utils.html import escape
from django_fsm_log.models import StateLog

from catalog.models import Store
from checkout.admin import OrderAdmin
from checkout.models import Order, OrderState
from core.money import format_money
from payments.models import Payment, PaymentState
from shipping.models import Shipment, ShipmentState
from tests.admin.pages import (
    act,
    action_url,
    admin_url,
    demo_order,
    form_data,
    messages_of,
    staff_with,
    transition_buttons,
)


def test_order_page_shows_customer_addresses_and_totals_as_money(boss):
    order = demo_order(2)
    content = boss.get(admin_url(Order, "change", order.pk)).content.decode()
    for shown in (order.reference, order.email, str(order.customer), str(order.store), str(order.ship_address),
                  format_money(order.grand_total, "EUR"), format_money(order.item_total, "EUR"),
                  format_money(order.tax_total, "EUR"), format_money(order.expense_total, "EUR")):
        assert escape(shown) in content
    for item in order.line_items.all():
        assert item.sku in content
        assert format_money(item.unit_price, "EUR") in content
    assert format_money(order.payments.get().amount, "EUR") in content
    assert "State history" in content and ">shipped<" in content


def test_order_changelist_shows_grand_totals_as_money(boss):
    content = boss.get(admin_url(Order, "changelist")).content.decode()
    assert format_money(demo_order(3).grand_total, "USD") in content
    assert format_money(demo_order(1).grand_total, "EUR") in content


@pytest.mark.parametrize(("number", "buttons", "label"), [
    (1, {"cancel", "capture", "void"}, "Cancel order"),   # complete, authorised, nothing shipped
    (2, {"authorize_return", "refund"}, "Authorize return"),   # complete, captured and shipped
])
def test_order_page_offers_the_staff_actions_the_order_allows(boss, number, buttons, label):
    response = boss.get(admin_url(Order, "change", demo_order(number).pk))
    assert transition_buttons(response) == buttons
    assert label in response.content.decode()


def test_canceled_order_page_offers_resume_and_the_refund_of_nothing_else(boss):
    assert transition_buttons(boss.get(admin_url(Order, "change", demo_order(3).pk))) == {"resume"}


def test_customer_steps_are_neither_shown_nor_reachable_by_posting(boss, superuser):
    order = Order.objects.create(store=Store.objects.get(code="DE"), currency="EUR", state=OrderState.CONFIRM)
    assert {"to_cart", "cancel"} <= {t.name for t in order.get_available_user_state_transitions(superuser)}
    assert transition_buttons(boss.get(admin_url(Order, "change", order.pk))) == {"cancel"}

    assert boss.post(action_url(order, "to_cart")).status_code == 404
    assert boss.post(admin_url(Order, "change", order.pk), {"_fsm_transition_to": "to_cart"}).status_code in (200, 302)
    order.refresh_from_db()
    assert order.state == OrderState.CONFIRM


def test_an_action_asks_for_confirmation_before_it_changes_anything(boss):
    order = demo_order(1)
    response = boss.get(action_url(order, "cancel"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Cancel order DE--1?" in content and "stock goes back on hand" in content
    assert 'value="Confirm: Cancel order"' in content
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETE


def test_cancel_button_cancels_the_order_through_the_service(boss, superuser):
    order = demo_order(1)
    response = act(boss, order, "cancel")

    assert response.status_code == 200
    assert messages_of(response) == [f"Cancel order: order {order.reference} is now canceled."]
    order.refresh_from_db()
    assert order.state == OrderState.CANCELED
    assert order.canceled_at is not None and order.stock_reserved_at is None
    assert StateLog.objects.for_(order).filter(transition="cancel", by=superuser).exists()
    assert set(order.shipments.values_list("state", flat=True)) == {ShipmentState.CANCELED}
    assert set(order.payments.values_list("state", flat=True)) == {PaymentState.VOID}


def test_a_refused_action_is_an_error_message_not_a_crash(boss):
    order = demo_order(2)  # shipped: it cannot be canceled
    response = act(boss, order, "cancel")
    assert response.status_code == 200
    assert messages_of(response) == ["Order DE--2 cannot cancel while complete."]
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETE


def test_staff_without_the_cancel_permission_neither_see_nor_post_cancel(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("checkout.view_order", "checkout.change_order"))
    order = demo_order(1)
    assert transition_buttons(clerk.get(admin_url(Order, "change", order.pk))) == set()

    response = act(clerk, order, "cancel")
    assert response.status_code == 200
    assert messages_of(response) == ["You are not allowed to make this transition."]
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETE
    assert not StateLog.objects.for_(order).filter(transition="cancel").exists()


def test_staff_with_the_cancel_permission_see_the_button(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("checkout.view_order", "checkout.change_order", "checkout.cancel_order"))
    assert transition_buttons(clerk.get(admin_url(Order, "change", demo_order(1).pk))) == {"cancel"}


def test_staff_who_may_only_view_orders_get_no_buttons(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("checkout.view_order", "checkout.cancel_order"))
    assert transition_buttons(clerk.get(admin_url(Order, "change", demo_order(1).pk))) == set()


def test_order_form_saves_staff_notes_and_never_the_states_or_totals(boss):
    order = demo_order(1)
    url = admin_url(Order, "change", order.pk)
    data = form_data(boss, url, Order) | {
        "special_instructions": ["Leave it at the door"], "order_number": ["PO-7"], "external_ref": ["ERP-1"],
        "state": ["cart"], "payment_state": ["paid"], "grand_total": ["1"], "_save": ["Save"],
    }
    history = StateLog.objects.for_(order).count()
    assert boss.post(url, data).status_code == 302
    saved = Order.objects.get(pk=order.pk)
    assert (saved.special_instructions, saved.order_number, saved.external_ref) == (
        "Leave it at the door", "PO-7", "ERP-1")
    assert (saved.state, saved.payment_state, saved.grand_total) == (
        order.state, order.payment_state, order.grand_total)
    assert StateLog.objects.for_(order).count() == history


def test_saving_staff_notes_keeps_what_a_service_changed_meanwhile(boss, monkeypatch):
    order = demo_order(1)
    url = admin_url(Order, "change", order.pk)
    data = form_data(boss, url, Order) | {"special_instructions": ["Ring twice"], "_save": ["Save"]}
    save_form = OrderAdmin.save_form

    def a_service_writes_after_the_load(self, request, form, change):
        Order.objects.filter(pk=order.pk).update(grand_total=999999, payment_state="paid")
        return save_form(self, request, form, change)

    monkeypatch.setattr(OrderAdmin, "save_form", a_service_writes_after_the_load)
    assert boss.post(url, data).status_code == 302
    saved = Order.objects.get(pk=order.pk)
    assert (saved.special_instructions, saved.grand_total, saved.payment_state) == ("Ring twice", 999999, "paid")


def test_shipment_form_saves_the_tracking_number_but_never_the_state(boss):
    shipment = demo_order(1).shipments.get()
    url = admin_url(Shipment, "change", shipment.pk)
    content = boss.get(url).content.decode()
    assert "State history" in content and format_money(shipment.cost, "EUR") in content
    data = form_data(boss, url, Shipment) | {"tracking": ["1Z999"], "state": ["shipped"], "_save": ["Save"]}
    assert boss.post(url, data).status_code == 302
    shipment.refresh_from_db()
    assert (shipment.tracking, shipment.state) == ("1Z999", ShipmentState.PENDING)


def test_payment_page_is_a_record_with_its_history(boss):
    payment = demo_order(2).payments.get()
    url = admin_url(Payment, "change", payment.pk)
    content = boss.get(url).content.decode()
    assert "View payment" in content and 'name="_save"' not in content
    assert "State history" in content and ">capture<" in content
    assert format_money(payment.captured_amount, "EUR") in content
    assert boss.post(url, {"state": "refunded"}).status_code == 403
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.COMPLETED
