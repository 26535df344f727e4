"""Glue customers: registration, the customer's own profile and address book."""

urlpatterns = []
