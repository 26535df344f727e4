"""Glue customers: registration, the customer's own profile and password, and address book."""

from django.urls import path

from api.glue.views.addresses import AddressesView, AddressView
from api.glue.views.customers import CustomerPasswordView, CustomersView, CustomerView

urlpatterns = [
    path("customers", CustomersView.as_view(), name="glue-customers"),
    path("customers/<str:reference>", CustomerView.as_view(), name="glue-customer"),
    path("customers/<str:reference>/addresses", AddressesView.as_view(), name="glue-customer-addresses"),
    path("customers/<str:reference>/addresses/<str:uuid>", AddressView.as_view(), name="glue-customer-address"),
    path("customer-password/<str:reference>", CustomerPasswordView.as_view(), name="glue-customer-password"),
]
