"""The Spree API v1 dialect (seed 004), under /api/. Every path also answers with a ``.json`` suffix."""

from django.urls import re_path

from api.spree.views.catalog import CountriesView, CountryView, ProductsView, ProductView, StatesView, VariantsView
from api.spree.views.checkouts import CheckoutAdvanceView, CheckoutCompleteView, CheckoutNextView, CheckoutView
from api.spree.views.orders import LineItemsView, LineItemView, OrdersView, OrderView, PaymentsNewView

NUMBER = r"(?P<number>[A-Za-z0-9]{1,32})"
JSON = r"(?:\.json)?$"

urlpatterns = [
    re_path(rf"^orders{JSON}", OrdersView.as_view()),
    re_path(rf"^orders/{NUMBER}{JSON}", OrderView.as_view()),
    re_path(rf"^orders/{NUMBER}/line_items{JSON}", LineItemsView.as_view()),
    re_path(rf"^orders/{NUMBER}/line_items/(?P<item_id>[0-9]{{1,15}}){JSON}", LineItemView.as_view()),
    re_path(rf"^orders/{NUMBER}/payments/new{JSON}", PaymentsNewView.as_view()),
    re_path(rf"^checkouts/{NUMBER}/next{JSON}", CheckoutNextView.as_view()),
    re_path(rf"^checkouts/{NUMBER}/advance{JSON}", CheckoutAdvanceView.as_view()),
    re_path(rf"^checkouts/{NUMBER}/complete{JSON}", CheckoutCompleteView.as_view()),
    re_path(rf"^checkouts/{NUMBER}{JSON}", CheckoutView.as_view()),
    re_path(rf"^products{JSON}", ProductsView.as_view()),
    re_path(rf"^products/(?P<product_id>[A-Za-z0-9_\-]{{1,255}}){JSON}", ProductView.as_view()),
    re_path(rf"^variants{JSON}", VariantsView.as_view()),
    re_path(rf"^countries{JSON}", CountriesView.as_view()),
    re_path(rf"^countries/(?P<country_id>[A-Za-z0-9]{{1,18}}){JSON}", CountryView.as_view()),
    re_path(rf"^countries/(?P<country_id>[A-Za-z0-9]{{1,18}})/states{JSON}", StatesView.as_view()),
]
