"""Reads of customers and their address books, each with what its callers render."""

from django.db.models import QuerySet

from core.identifiers import parse_uuid
from customers.exceptions import AddressNotFound, CustomerNotFound
from customers.models import Address, Customer


def customer_own(*, caller: Customer, reference: str) -> Customer:
    """The caller themself, when ``reference`` is theirs. Anyone else's reference is "not found"
    (404, Glue's 402) whether it exists or not, as someone else's carts and orders are: Spryker
    answers 403 here, but a 404 says nothing about another customer and is what clients of
    the other resources already handle."""
    if caller.is_guest or reference != caller.reference:
        raise CustomerNotFound(meta={"customerReference": reference})
    return caller


def address_list(*, customer: Customer) -> QuerySet[Address]:
    return Address.objects.filter(customer=customer).select_related("country", "region").order_by("id")


def address_get(*, customer: Customer, uuid: str) -> Address:
    """One address of the customer's book by uuid; another customer's uuid is not found, as a bad one is."""
    address = address_list(customer=customer).filter(uuid=parse_uuid(uuid)).first() if parse_uuid(uuid) else None
    if address is None:
        raise AddressNotFound()
    return address
