"""Writes and checks on customers."""

from django.contrib.auth import authenticate

from customers.exceptions import InvalidCredentials
from customers.models import Customer


def customer_authenticate(*, username: str, password: str) -> Customer:
    """The registered customer with these credentials (username or e-mail); never says which part was wrong."""
    user = authenticate(username=(username or "").strip(), password=password or "")
    if user is None or not user.is_active:
        raise InvalidCredentials()
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        raise InvalidCredentials()
    return customer
