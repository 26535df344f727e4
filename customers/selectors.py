"""Reads of customers and their address books, each with what its callers render, and who may
place an order for whom."""

from django.db.models import QuerySet

from core.identifiers import parse_uuid
from core.staff_rights import StaffAct, staff_require
from customers.exceptions import (
    AccountMemberNotFound,
    AccountMemberSignInMismatch,
    AccountMemberSignInRequired,
    AddressNotFound,
    CustomerNotFound,
    CustomerSignInMismatch,
    CustomerSignInRequired,
)
from customers.models import Address, CompanyMember, Customer


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


def customer_for_checkout(*, reference: str, as_customer: Customer | None, staff=None) -> Customer:
    """The registered customer ``reference`` names, for whom an order is placed: the signed-in
    customer (``as_customer``) themself, or anyone for ``staff`` who may place orders for customers
    (asked first: StaffPermissionMissing)."""
    if staff is not None:
        staff_require(staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
        customer = Customer.objects.filter(reference=reference, user__isnull=False).first()
        if customer is None:
            raise CustomerNotFound(meta={"id": reference})
        return customer
    if as_customer is None:
        raise CustomerSignInRequired()
    if as_customer.reference != reference:
        raise CustomerSignInMismatch()
    return as_customer


def member_for_checkout(*, account_id: str, member_id: str, as_member: Customer | None, staff=None) -> Customer:
    """The customer of the member of an active account (a company) for whom an order is placed:
    ``member_id``'s, else the signed-in member's (``as_member``), the default one first. Only that
    member may, or ``staff`` who may place orders for customers; to anyone else every member is
    someone else's (401), to staff a member that is not there is not found."""
    if staff is None and as_member is None:
        raise AccountMemberSignInRequired()
    if staff is not None:
        staff_require(staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
    account = parse_uuid(account_id)
    members = CompanyMember.objects.select_related("customer").filter(
        business_unit__company__uuid=account, business_unit__company__is_active=True)
    if member_id:
        members = members.filter(uuid=parse_uuid(member_id))
    elif as_member is not None:
        members = members.filter(customer=as_member)
    else:
        members = members.none()
    member = members.order_by("-is_default", "pk").first() if account else None
    if staff is None and (member is None or member.customer_id != as_member.pk):
        raise AccountMemberSignInMismatch()
    if member is None:
        raise AccountMemberNotFound(meta={"account_id": account_id, "member_id": member_id})
    return member.customer
