"""Every model's admin: its list, change and add pages open for staff and not for strangers."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from checkout.models import (
    Adjustment,
    CheckoutClaim,
    Expense,
    IdempotencyKey,
    LineItem,
    Order,
    OrderAddress,
    OrderReferenceCounter,
)
from payments.models import CreditCard, Payment, PaymentAttempt
from shipping.models import RentalBooking, Shipment, ShippingRate, StockAdjustment, StockAllocation
from tests.admin.pages import admin_url

SHOP_APPS = ("customers", "catalog", "carts", "shipping", "payments", "checkout")
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Records the shop writes through its services: the admin shows them and adds none.
NOT_ADDABLE = {
    Order, OrderAddress, LineItem, Expense, Adjustment, OrderReferenceCounter, CheckoutClaim, IdempotencyKey,
    Payment, PaymentAttempt, CreditCard, Shipment, ShippingRate, StockAllocation, RentalBooking, StockAdjustment,
}
# The same, of apps that other parts of the shop bring (named: they may not be installed); and
# the login throttle's attempts and logins, and the refresh tokens issued.
NOT_ADDABLE_LABELS = {"events.OrderEvent", "axes.AccessAttempt", "axes.AccessLog", "token_blacklist.OutstandingToken"}


def label(model) -> str:
    return model._meta.label


def first_row(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"seed_demo made no {label(model)} rows: its change page is untested"
    return obj


# Internal records with nothing for staff to see or do: a checkout claim is a lock that
# lives for the length of one placement; a step checkout's draft and a cart's shipping groups
# are a storefront's working state, shown through their cart or order.
WITHOUT_ADMIN = {"checkout.CheckoutClaim", "checkout.CheckoutDraft", "carts.CartShippingGroup"}


def shown_models() -> set:
    """Models with a page of their own, or shown as an inline of one."""
    inlines = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    return set(MODELS) | inlines


def test_every_model_of_the_shop_apps_has_an_admin():
    shop_models = {m for m in apps.get_models() if m._meta.app_label in SHOP_APPS}
    assert sorted(set(map(label, shop_models - shown_models())) - WITHOUT_ADMIN) == []


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_changelist_lists_the_rows_for_a_superuser(boss, model):
    response = boss.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    rows = model._default_manager.count()
    assert rows > 0, f"seed_demo made no {label(model)} rows: its changelist shows nothing"
    assert response.context["cl"].result_count == rows


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_change_page_shows_the_row_for_a_superuser(boss, model):
    obj = first_row(model)
    response = boss.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_add_page_opens_except_for_records_the_shop_writes(boss, model):
    response = boss.get(admin_url(model, "add"))
    assert response.status_code == (403 if model in NOT_ADDABLE or label(model) in NOT_ADDABLE_LABELS else 200)


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_anonymous_users_are_sent_to_the_login_page(demo_shop, client, model):
    def assert_sent_to_login(url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"

    assert_sent_to_login(admin_url(model, "changelist"))
    assert_sent_to_login(admin_url(model, "change", first_row(model).pk))


@pytest.mark.parametrize("model", [Order, Payment, LineItem], ids=label)
def test_orders_payments_and_line_items_cannot_be_deleted(boss, model):
    obj = model._default_manager.first()
    assert boss.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert "delete_selected" not in boss.get(admin_url(model, "changelist")).content.decode()
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_order_changelist_queries_do_not_grow_with_the_orders(boss, django_assert_max_num_queries):
    url = admin_url(Order, "changelist")
    with django_assert_max_num_queries(100) as first:
        boss.get(url)
    for order in Order.objects.select_related("customer")[:3]:
        Order.objects.create(store=order.store, customer=order.customer, email=order.email, currency=order.currency,
                             grand_total=1234)
    with django_assert_max_num_queries(len(first)):
        response = boss.get(url)
    assert response.context["cl"].result_count == 6
