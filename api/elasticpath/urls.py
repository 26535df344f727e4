"""The Elastic Path dialect (seed 003), under /v2/."""

from django.urls import path

from api.elasticpath import views

urlpatterns = [
    path("customers/tokens", views.CustomerTokensView.as_view(), name="ep-customer-tokens"),
    path("carts/<str:cart_id>", views.CartView.as_view(), name="ep-cart"),
    path("carts/<str:cart_id>/items", views.CartItemsView.as_view(), name="ep-cart-items"),
    path("carts/<str:cart_id>/items/<str:item_id>", views.CartItemView.as_view(), name="ep-cart-item"),
    path("carts/<str:cart_id>/relationships/customers", views.CartCustomersView.as_view(), name="ep-cart-customers"),
    path("carts/<str:cart_id>/checkout", views.CheckoutView.as_view(), name="ep-checkout"),
    path("carts/<str:cart_id>/shipping-groups", views.ShippingGroupsView.as_view(), name="ep-shipping-groups"),
    path("carts/<str:cart_id>/shipping-groups/<str:group_id>", views.ShippingGroupView.as_view(),
         name="ep-shipping-group"),
    path("orders", views.OrdersView.as_view(), name="ep-orders"),
    path("orders/<str:order_id>", views.OrderView.as_view(), name="ep-order"),
    path("orders/<str:order_id>/items", views.OrderItemsView.as_view(), name="ep-order-items"),
    path("orders/<str:order_id>/payments", views.OrderPaymentsView.as_view(), name="ep-order-payments"),
    path("orders/<str:order_id>/transactions", views.OrderTransactionsView.as_view(), name="ep-order-transactions"),
    path("orders/<str:order_id>/transactions/<str:transaction_id>/capture", views.TransactionCaptureView.as_view(),
         name="ep-transaction-capture"),
    path("orders/<str:order_id>/transactions/<str:transaction_id>/refund", views.TransactionRefundView.as_view(),
         name="ep-transaction-refund"),
]
