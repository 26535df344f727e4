"""Glue carts: guest carts, customers' carts, their items and vouchers."""

from django.urls import path

from api.glue.views.carts import (
    CartItemsView,
    CartItemView,
    CartsView,
    CartView,
    CartVouchersView,
    CartVoucherView,
    GuestCartItemsView,
)

READ = ["get", "head", "options"]

urlpatterns = [
    # A customer's carts (Authorization: Bearer …).
    path("carts", CartsView.as_view(), name="glue-carts"),
    path("carts/<str:uuid>", CartView.as_view(), name="glue-cart"),
    path("carts/<str:uuid>/items", CartItemsView.as_view(), name="glue-cart-items"),
    path("carts/<str:uuid>/items/<str:sku>", CartItemView.as_view(), name="glue-cart-item"),
    # A guest's carts (X-Anonymous-Customer-Unique-Id); the first item creates the cart.
    path("guest-cart-items", GuestCartItemsView.as_view(), name="glue-guest-cart-items-new"),
    path("guest-carts", CartsView.as_view(guest=True, http_method_names=READ), name="glue-guest-carts"),
    path("guest-carts/<str:uuid>", CartView.as_view(guest=True, http_method_names=READ), name="glue-guest-cart"),
    path("guest-carts/<str:uuid>/guest-cart-items", CartItemsView.as_view(guest=True),
         name="glue-guest-cart-items"),
    path("guest-carts/<str:uuid>/guest-cart-items/<str:sku>", CartItemView.as_view(guest=True),
         name="glue-guest-cart-item"),
]

# Vouchers: "vouchers" since Spryker 202009, "cart-codes" before it; both are served.
for resource in ("vouchers", "cart-codes"):
    for prefix, guest in (("carts", False), ("guest-carts", True)):
        urlpatterns += [
            path(f"{prefix}/<str:uuid>/{resource}", CartVouchersView.as_view(guest=guest, resource_type=resource),
                 name=f"glue-{prefix}-{resource}"),
            path(f"{prefix}/<str:uuid>/{resource}/<str:code>", CartVoucherView.as_view(guest=guest),
                 name=f"glue-{prefix}-{resource}-code"),
        ]
