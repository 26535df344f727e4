"""Glue carts: guest carts, customers' carts, their items and vouchers."""

urlpatterns = []
