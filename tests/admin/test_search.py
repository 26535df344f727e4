"""The changelists' search boxes find what staff type: references, numbers, e-mails, skus."""

from catalog.models import Variant
from checkout.models import Order
from payments.models import Payment
from tests.admin.pages import demo_order, found


def test_orders_are_found_by_reference_number_email_and_sku(boss):
    first, second, third = demo_order(1), demo_order(2), demo_order(3)
    assert found(boss, Order, "DE--2") == [second]
    assert found(boss, Order, third.number) == [third]
    assert found(boss, Order, first.email.upper()) == [first]
    assert found(boss, Order, first.customer.email) == [first]
    assert found(boss, Order, "047_26408568") == [second]
    assert found(boss, Order, "nobody@example.com") == []


def test_variants_are_found_by_sku(boss):
    assert [v.sku for v in found(boss, Variant, "066_23294028")] == ["066_23294028"]


def test_payments_are_found_by_order_reference(boss):
    assert found(boss, Payment, "DE--1") == list(demo_order(1).payments.all())
