"""The order confirmation e-mail: sent after the placement commits, to the order's e-mail, never for a failure."""

import pytest

from checkout.models import Order
from events.emails import order_confirmation_send
from payments.exceptions import PaymentDeclined
from tests.events.shop import card, place, seed_shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shop(db):
    seed_shop()


def test_a_placed_order_is_confirmed_by_mail_after_commit_with_items_totals_and_addresses(
        mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place({"066_23294028": 2})
        assert mailoutbox == []  # nothing before the commit
    (mail,) = mailoutbox
    assert mail.to == ["ada@example.com"]
    assert mail.subject == f"Your order {order.reference}"
    text = mail.body
    assert order.reference in text
    assert "2 × Samsung Galaxy S5 mini (066_23294028)" in text
    assert "€393.53" in text  # the unit price, formatted as money
    assert f"Total: €{order.grand_total / 100:,.2f}" in text
    assert "Shipping: €5.90" in text
    assert "Ada Lovelace, Julie-Wolfthorn-Straße 1, 10115 Berlin, DE" in text
    assert "Express" in text
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert f"<strong>{order.reference}</strong>" in html and "Samsung Galaxy S5 mini" in html
    assert f"€{order.grand_total / 100:,.2f}" in html and "10115 Berlin" in html


def test_a_failed_placement_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PaymentDeclined):
            place(payment=card("4000000000000002"))
    assert callbacks == [] and mailoutbox == []


def test_a_mail_server_that_fails_does_not_undo_the_order(settings, mailoutbox, django_capture_on_commit_callbacks,
                                                          caplog):
    settings.EMAIL_BACKEND = "tests.events.test_order_confirmation_email.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        order = place()
    assert Order.objects.filter(pk=order.pk, state="complete").exists()
    assert "order_confirmation_send_after_commit" in caplog.text and "connection refused" in caplog.text


def test_an_order_without_an_e_mail_gets_no_confirmation(mailoutbox):
    order = place()
    Order.objects.filter(pk=order.pk).update(email="")
    assert order_confirmation_send(order_id=order.pk) is False
    assert mailoutbox == []


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


def test_the_confirmation_costs_three_queries_whatever_the_order_holds(mailoutbox, django_assert_num_queries):
    order = place({"066_23294028": 1, "047_26408568": 2, "078_24602396": 1})
    with django_assert_num_queries(3):
        order_confirmation_send(order_id=order.pk)
    assert mailoutbox[0].body.count(" × ") == 3
