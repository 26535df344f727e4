"""Staff edits of a cart's items and vouchers mark the cart changed, as the cart services do, so that a
checkout running on the cart refuses to place what the shopper no longer has."""

from datetime import timedelta

from django.utils import timezone

from carts.models import Cart, CartItem, CartVoucher
from tests.admin.pages import admin_url, form_data

LONG_AGO = timezone.now() - timedelta(days=1)


def a_cart_item() -> CartItem:
    item = CartItem.objects.select_related("cart").order_by("pk").first()
    Cart.objects.filter(pk=item.cart_id).update(updated_at=LONG_AGO)
    return item


def changed_since_long_ago(cart_id: int) -> bool:
    return Cart.objects.get(pk=cart_id).updated_at > LONG_AGO


def test_changing_an_items_quantity_marks_its_cart_changed(boss):
    item = a_cart_item()
    url = admin_url(CartItem, "change", item.pk)
    response = boss.post(url, form_data(boss, url, CartItem) | {"quantity": [str(item.quantity + 1)]})
    assert response.status_code == 302
    assert CartItem.objects.get(pk=item.pk).quantity == item.quantity + 1
    assert changed_since_long_ago(item.cart_id)


def test_deleting_an_item_marks_its_cart_changed(boss):
    item = a_cart_item()
    response = boss.post(admin_url(CartItem, "delete", item.pk), {"post": "yes"})
    assert response.status_code == 302 and not CartItem.objects.filter(pk=item.pk).exists()
    assert changed_since_long_ago(item.cart_id)


def test_adding_a_voucher_code_marks_the_cart_changed(boss):
    cart_id = a_cart_item().cart_id
    url = admin_url(CartVoucher, "add")
    response = boss.post(url, form_data(boss, url, CartVoucher) | {"cart": [str(cart_id)], "code": ["STAFF10"]})
    assert response.status_code == 302 and CartVoucher.objects.filter(cart_id=cart_id, code="STAFF10").exists()
    assert changed_since_long_ago(cart_id)
