"""The order page's actions on shipments and payments: ship with a tracking number, capture,
refund, void. Each is confirmed on its own page, carried out by a checkout service, refused
without its permission, and reported as an admin message."""

from django_fsm_log.models import StateLog

from checkout.models import Order, OrderPaymentState, OrderShipmentState, OrderState
from core.money import format_money
from events.models import OrderEvent, OrderEventType
from payments.models import PaymentState, PaymentTransaction, TransactionKind
from shipping.models import Shipment, ShipmentState
from tests.admin.pages import act, action_url, admin_url, demo_order, messages_of, staff_with, transition_buttons

ORDER_CLERK = ("checkout.view_order", "checkout.change_order")


def order_page(client, order: Order):
    return client.get(admin_url(Order, "change", order.pk))


def test_capture_takes_the_money_and_makes_the_shipment_ready(boss, superuser):
    order = demo_order(1)
    payment, shipment = order.payments.get(), order.shipments.get()
    assert (payment.state, order.payment_state, shipment.state) == (
        PaymentState.PENDING, OrderPaymentState.BALANCE_DUE, ShipmentState.PENDING)
    confirm = boss.get(action_url(order, "capture", payment)).content.decode()
    assert f"Capture {format_money(payment.amount, 'EUR')} of {payment.method} on order DE--1?" in confirm

    response = act(boss, order, "capture", payment)

    amount = format_money(payment.amount, "EUR")
    assert messages_of(response) == [f"Payment {payment.method} {amount} is captured: order DE--1 is paid."]
    payment.refresh_from_db(), order.refresh_from_db(), shipment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.COMPLETED, payment.amount)
    assert (order.payment_state, order.payment_total) == (OrderPaymentState.PAID, payment.amount)
    assert (shipment.state, order.shipment_state) == (ShipmentState.READY, OrderShipmentState.READY)
    assert StateLog.objects.for_(payment).filter(transition="capture", by=superuser).exists()
    assert PaymentTransaction.objects.filter(payment=payment, kind=TransactionKind.CAPTURE).exists()
    assert transition_buttons(order_page(boss, order)) == {"cancel", "ship", "refund"}


def test_ship_asks_for_the_tracking_number_and_ships_through_the_service(boss, superuser):
    order = demo_order(1)
    payment, shipment = order.payments.get(), order.shipments.get()
    act(boss, order, "capture", payment)
    confirm = boss.get(action_url(order, "ship", shipment)).content.decode()
    assert f"Ship shipment {shipment} of order DE--1" in confirm and 'name="tracking"' in confirm

    response = act(boss, order, "ship", shipment, tracking=" 1Z999AA10123456784 ")

    assert messages_of(response) == [f"Shipment {shipment} shipped with tracking number 1Z999AA10123456784: "
                                     f"order DE--1 is shipped."]
    shipment.refresh_from_db(), order.refresh_from_db()
    assert (shipment.state, shipment.tracking, order.shipment_state) == (
        ShipmentState.SHIPPED, "1Z999AA10123456784", OrderShipmentState.SHIPPED)
    assert shipment.shipped_at is not None
    assert StateLog.objects.for_(shipment).filter(transition="ship", by=superuser).exists()
    assert StateLog.objects.for_(order).filter(transition="mark_shipped", by=superuser).exists()
    assert sorted(OrderEvent.objects.filter(order=order).values_list("type", flat=True)) == sorted([
        OrderEventType.PLACED, OrderEventType.PAID, OrderEventType.SHIPPED])
    assert "events (webhooks)" in order_page(boss, order).content.decode().lower()
    assert transition_buttons(order_page(boss, order)) == {"authorize_return", "refund"}


def test_shipping_without_a_tracking_number_asks_for_one(boss):
    order = demo_order(1)
    act(boss, order, "capture", order.payments.get())
    shipment = order.shipments.get()
    response = boss.post(action_url(order, "ship", shipment), {"tracking": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"tracking": ["This field is required."]}
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.READY


def test_a_shipment_waits_for_the_payment(boss):
    order = demo_order(1)  # authorised, not captured
    shipment = order.shipments.get()
    assert "ship" not in transition_buttons(order_page(boss, order))
    response = boss.get(action_url(order, "ship", shipment), follow=True)
    assert messages_of(response) == [f"Ship {shipment} is not possible for order DE--1 now."]

    response = act(boss, order, "ship", shipment, tracking="1Z1")

    assert messages_of(response) == [f"Shipment {shipment} waits for the payment of order DE--1: capture it first."]
    shipment.refresh_from_db()
    assert (shipment.state, shipment.tracking) == (ShipmentState.PENDING, "")


def test_void_releases_the_authorisation(boss, superuser):
    order = demo_order(1)
    payment = order.payments.get()
    response = act(boss, order, "void", payment)
    payment.refresh_from_db(), order.refresh_from_db()
    assert messages_of(response) == [f"Payment {payment.method} {format_money(payment.amount, 'EUR')} is void: "
                                     f"order DE--1 is balance due."]
    assert payment.state == PaymentState.VOID and payment.captured_amount == 0
    assert order.payment_state == OrderPaymentState.BALANCE_DUE
    assert StateLog.objects.for_(payment).filter(transition="void", by=superuser).exists()
    assert transition_buttons(order_page(boss, order)) == {"cancel"}


def test_refund_gives_the_captured_money_back(boss, superuser):
    order = demo_order(2)  # captured and shipped
    payment = order.payments.get()
    response = act(boss, order, "refund", payment)
    payment.refresh_from_db(), order.refresh_from_db()
    assert messages_of(response) == [f"Payment {payment.method} {format_money(payment.amount, 'EUR')} is refunded: "
                                     f"order DE--2 is balance due."]
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, payment.captured_amount)
    assert (order.payment_state, order.payment_total) == (OrderPaymentState.BALANCE_DUE, 0)
    assert PaymentTransaction.objects.filter(payment=payment, kind=TransactionKind.REFUND).exists()
    assert StateLog.objects.for_(payment).filter(transition="refund", by=superuser).exists()


def test_a_refused_payment_action_is_an_error_message(boss):
    order = demo_order(2)
    payment = order.payments.get()  # captured already
    response = act(boss, order, "capture", payment)
    assert messages_of(response) == ["The payment is captured; only an authorised payment can be captured."]
    response = act(boss, order, "void", payment)
    assert messages_of(response) == ["The payment is captured; only an authorisation not yet captured can be voided."]
    payment.refresh_from_db()
    assert payment.state == PaymentState.COMPLETED


def test_the_money_of_a_canceled_order_cannot_be_captured(boss):
    order = demo_order(3)
    payment = order.payments.get()
    response = act(boss, order, "capture", payment)
    assert messages_of(response) == ["Order US--1 is canceled: its payment cannot be captured."]
    assert order.payments.get().state == payment.state


def test_staff_without_the_payment_permissions_get_no_buttons_and_are_refused(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with(*ORDER_CLERK))
    order = demo_order(1)
    payment = order.payments.get()
    assert transition_buttons(order_page(clerk, order)) == set()
    for action in ("capture", "void"):
        response = act(clerk, order, action, payment)
        assert messages_of(response) == ["You are not allowed to make this transition."]
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_staff_with_a_payment_permission_get_that_button(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with(*ORDER_CLERK, "payments.capture_payment"))
    order = demo_order(1)
    assert transition_buttons(order_page(clerk, order)) == {"capture"}
    act(clerk, order, "capture", order.payments.get())
    assert order.payments.get().state == PaymentState.COMPLETED


def test_staff_without_the_ship_permission_cannot_ship(boss, admin_client_for):
    order = demo_order(1)
    act(boss, order, "capture", order.payments.get())
    shipment = order.shipments.get()
    clerk = admin_client_for(staff_with(*ORDER_CLERK))
    assert "ship" not in transition_buttons(order_page(clerk, order))
    response = act(clerk, order, "ship", shipment, tracking="1Z1")
    assert messages_of(response) == ["You are not allowed to make this transition."]
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.READY


def test_staff_with_the_ship_permission_ship(demo_shop, admin_client_for, boss):
    order = demo_order(1)
    act(boss, order, "capture", order.payments.get())
    clerk = admin_client_for(staff_with(*ORDER_CLERK, "shipping.ship_shipment"))
    assert transition_buttons(order_page(clerk, order)) == {"ship"}
    act(clerk, order, "ship", order.shipments.get(), tracking="1Z2")
    assert order.shipments.get().state == ShipmentState.SHIPPED


def test_staff_who_may_only_view_orders_cannot_open_an_action(demo_shop, admin_client_for):
    clerk = admin_client_for(staff_with("checkout.view_order", "payments.capture_payment"))
    order = demo_order(1)
    payment = order.payments.get()
    assert clerk.get(action_url(order, "capture", payment)).status_code == 403
    assert clerk.post(action_url(order, "capture", payment)).status_code == 403
    assert order.payments.get().state == PaymentState.PENDING


def test_an_action_on_another_orders_payment_is_not_found(boss):
    assert boss.post(action_url(demo_order(1), "capture", demo_order(2).payments.get())).status_code == 404
    assert boss.post(action_url(demo_order(1), "ship", demo_order(2).payments.get())).status_code == 404


def test_the_order_page_summary_shows_who_where_and_the_money(boss):
    order = demo_order(1)
    content = order_page(boss, order).content.decode()
    summary = content[content.index('class="order-summary"'):content.index("</section>")]
    for shown in ("Order DE--1", order.email, order.ship_address.city, order.bill_address.address1,
                  format_money(order.grand_total, "EUR"), format_money(order.item_total, "EUR"),
                  format_money(order.expense_total, "EUR"), "Balance due", "Complete"):
        assert shown in summary
    assert order.state == OrderState.COMPLETE


def test_a_pending_shipment_of_a_paid_order_is_made_ready_and_shipped(boss):
    order = demo_order(1)
    act(boss, order, "capture", order.payments.get())
    shipment = order.shipments.get()
    # As an order paid at checkout leaves it: paid, its shipment still pending.
    Shipment.objects.filter(pk=shipment.pk).update(state=ShipmentState.PENDING)
    Order.objects.filter(pk=order.pk).update(shipment_state=OrderShipmentState.PENDING)
    assert "ship" in transition_buttons(order_page(boss, order))

    response = act(boss, order, "ship", shipment, tracking="1Z3")

    assert messages_of(response) == [f"Shipment {shipment} shipped with tracking number 1Z3: order DE--1 is shipped."]
    shipment.refresh_from_db(), order.refresh_from_db()
    assert (shipment.state, order.shipment_state) == (ShipmentState.SHIPPED, OrderShipmentState.SHIPPED)
    assert [log.transition for log in StateLog.objects.for_(shipment).order_by("pk")][-2:] == ["ready", "ship"]
