"""The Glue (Spryker JSON:API) dialect, at the root of the site as Glue serves it."""

from django.urls import path

from api.glue.cart_urls import urlpatterns as cart_urlpatterns
from api.glue.customer_urls import urlpatterns as customer_urlpatterns
from api.glue.views.auth import AccessTokensView, RefreshTokensView, RefreshTokenView
from api.glue.views.orders import OrderShipmentView, OrdersView, OrderView
from api.glue.views.checkout import CheckoutDataView, CheckoutView, OrderPaymentsView
from api.glue.views.products import ConcreteProductAvailabilitiesView, ConcreteProductView

urlpatterns = [
    path("checkout-data", CheckoutDataView.as_view(), name="glue-checkout-data"),
    path("checkout", CheckoutView.as_view(), name="glue-checkout"),
    path("order-payments", OrderPaymentsView.as_view(), name="glue-order-payments"),
    path("access-tokens", AccessTokensView.as_view(), name="glue-access-tokens"),
    path("refresh-tokens", RefreshTokensView.as_view(), name="glue-refresh-tokens"),
    path("refresh-tokens/<str:refresh_token>", RefreshTokenView.as_view(), name="glue-refresh-token"),
    path("concrete-products/<str:sku>", ConcreteProductView.as_view(), name="glue-concrete-product"),
    path("concrete-products/<str:sku>/concrete-product-availabilities", ConcreteProductAvailabilitiesView.as_view(),
         name="glue-concrete-product-availabilities"),
    path("orders", OrdersView.as_view(), name="glue-orders"),
    path("orders/<str:reference>", OrderView.as_view(), name="glue-order"),
    path("order-shipments/<str:shipment_id>", OrderShipmentView.as_view(), name="glue-order-shipment"),
]

urlpatterns += cart_urlpatterns + customer_urlpatterns
