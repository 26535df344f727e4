"""Turning an Elastic Path checkout request into the engine's call: who checks out, and with what.

The four ways of the seed:
- **customer id** (``data.customer.id``): the customer's token must come with it (or a
  client-credentials token); an anonymous cart becomes that customer's;
- **customer object** (``data.customer.name/email``): a guest checkout of the cart as it is
  owned (an anonymous cart's guest, or the customer whose token opened it);
- **account** (``data.account.id/member_id`` + ``data.contact``) with a client-credentials
  token, or with the member's ``EP-Account-Management-Authentication-Token``: the member's
  customer checks out and the cart becomes theirs.
Staff who check out for a customer (with a client-credentials token: by customer id, for an
account, or a customer's cart as it is owned) need the right to place orders for customers
(core.staff_rights); it is asked before anything changes.
Shipping: each shipping group of the cart with items is a shipment (its address, its
method); the items in no group ship to ``shipping_address`` by the first method the store
offers for that country. Payment: the order is made with the manual method for its total,
waiting to be paid through ``POST /v2/orders/:id/payments``.
"""

from __future__ import annotations

from api.elasticpath.errors import NotFoundError, Unauthorized
from api.elasticpath.identity import Caller, cart_shopper
from api.elasticpath.requests import CheckoutRequest
from carts.models import Cart
from carts.services import cart_assign_customer
from carts.shipping_groups import shipping_groups_of
from checkout.exceptions import CheckoutDataInvalid, OrderCannotBePlaced
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.options import checkout_options
from checkout.placement import PlacementResult, Shopper, order_place
from core.identifiers import parse_uuid
from core.staff_rights import StaffAct, staff_require
from customers.models import CompanyMember, Customer
from payments.models import PaymentPlugin

def ep_checkout(*, caller: Caller, cart: Cart, given: CheckoutRequest, idempotency_key: str | None
                ) -> PlacementResult:
    shopper, cart = _shopper(caller, cart, given)
    data = _checkout_data(cart, shopper, given)
    return order_place(cart_uuid=cart.uuid, shopper=shopper, data=data, idempotency_key=idempotency_key,
                       keep_cart=True)


def _shopper(caller: Caller, cart: Cart, given: CheckoutRequest) -> tuple[Shopper, Cart]:
    if given.way == "guest":
        if cart.customer_id is not None and not caller.owns(cart):
            staff_require(caller.staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
        return cart_shopper(cart), cart
    customer = _customer_checking_out(caller, given) if given.way == "customer_id" else _member(caller, given)
    if cart.customer_id != customer.pk:
        cart = cart_assign_customer(cart=cart, customer=customer)
    cart.customer = customer
    return Shopper(customer=customer), cart


def _customer_checking_out(caller: Caller, given: CheckoutRequest) -> Customer:
    if caller.is_backend:
        staff_require(caller.staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
        customer = Customer.objects.filter(reference=given.customer_id, user__isnull=False).first()
        if customer is None:
            raise NotFoundError("Customer not found.", meta={"id": given.customer_id}, title="Customer not found")
        return customer
    if caller.customer is None:
        raise Unauthorized("Checking out with a customer id needs that customer's token (X-Moltin-Customer-Token).")
    if caller.customer.reference != given.customer_id:
        raise Unauthorized("The customer token does not belong to this customer.")
    return caller.customer


def _member(caller: Caller, given: CheckoutRequest) -> Customer:
    if not caller.is_backend and caller.member_customer is None:
        raise Unauthorized("An account checkout needs a client-credentials token or an "
                           "EP-Account-Management-Authentication-Token.")
    if caller.is_backend:
        staff_require(caller.staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
    members = CompanyMember.objects.select_related("customer", "business_unit__company").filter(
        business_unit__company__uuid=parse_uuid(given.account_id), business_unit__company__is_active=True)
    if given.member_id:
        members = members.filter(uuid=parse_uuid(given.member_id))
    elif caller.member_customer is not None:
        members = members.filter(customer=caller.member_customer)
    else:
        members = members.none()
    member = members.order_by("-is_default", "pk").first() if parse_uuid(given.account_id) else None
    if member is None:
        if not caller.is_backend:
            raise Unauthorized("The account management token does not belong to this account member.")
        raise NotFoundError("Account member not found.", meta={"account_id": given.account_id,
                                                                "member_id": given.member_id},
                            title="Account member not found")
    if not caller.is_backend and member.customer_id != caller.member_customer.pk:
        raise Unauthorized("The account management token does not belong to this account member.")
    return member.customer


def _group_address(group) -> AddressInput:
    return AddressInput(first_name=group.first_name, last_name=group.last_name, company=group.company_name,
                        address1=group.line_1, address2=group.line_2, city=group.city, zip_code=group.postcode,
                        county=group.county, iso2_code=group.country, region_code=group.region,
                        phone=group.phone_number, instructions=group.instructions)


def _checkout_data(cart: Cart, shopper: Shopper, given: CheckoutRequest) -> CheckoutData:
    shipments = []
    grouped: set[int] = set()
    for group in shipping_groups_of(cart=cart):
        items = list(group.items.all())
        if items:
            skus = tuple(sorted(item.variant.sku for item in cart.items.filter(pk__in=[i.pk for i in items])
                                .select_related("variant")))
            grouped.update(i.pk for i in items)
            shipments.append(ShipmentInput(items=skus, address=_group_address(group),
                                           method_id=group.shipment_method_id))
    plain = CheckoutData(shipments=(ShipmentInput(address=given.shipping),), billing_address=given.billing)
    options = checkout_options(cart_uuid=cart.uuid, owner=shopper.owns(), customer=shopper.customer, data=plain)
    if cart.items.exclude(pk__in=grouped).exists() or not shipments:
        if not options.shipment_methods:
            raise CheckoutDataInvalid("No shipment method of this store delivers to the shipping address.",
                                      pointer="/data/shipping_address/country")
        shipments.append(ShipmentInput(address=given.shipping, method_id=options.shipment_methods[0].method.pk))
    manual = next((m for p in options.payment_providers for m in p.methods if m.plugin == PaymentPlugin.MANUAL), None)
    if manual is None:
        raise OrderCannotBePlaced("The shop has no manual payment method to take Elastic Path orders with.")
    return CheckoutData(
        customer=given.customer, billing_address=given.billing, shipments=tuple(shipments),
        payments=({"paymentProviderName": manual.provider.name, "paymentMethodName": manual.name},),
        order_number=given.order_number, external_ref=given.external_ref,
    )
