"""The Glue (Spryker JSON:API) dialect, at the root of the site as Glue serves it."""

from django.urls import path

from api.glue.views.auth import AccessTokensView, RefreshTokensView
from api.glue.views.products import ConcreteProductAvailabilitiesView, ConcreteProductView

urlpatterns = [
    path("access-tokens", AccessTokensView.as_view(), name="glue-access-tokens"),
    path("refresh-tokens", RefreshTokensView.as_view(), name="glue-refresh-tokens"),
    path("concrete-products/<str:sku>", ConcreteProductView.as_view(), name="glue-concrete-product"),
    path("concrete-products/<str:sku>/concrete-product-availabilities", ConcreteProductAvailabilitiesView.as_view(),
         name="glue-concrete-product-availabilities"),
]
