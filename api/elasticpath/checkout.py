"""POST /v2/carts/:cartID/checkout: the request, mapped to ``checkout.arranged_checkout``.

The four ways of the seed, each naming whom the order is for:
- **customer id** (``data.customer.id``): that customer, with their token or a client-credentials
  token (``customers.selectors.customer_for_checkout``);
- **customer object** (``data.customer.name/email``): the cart's owner as it is owned (an anonymous
  cart's guest, or the customer whose token opened it); staff who check out a customer's cart need
  the right to place orders for customers;
- **account** (``data.account.id/member_id`` + ``data.contact``): the member's customer, with a
  client-credentials token or the member's ``EP-Account-Management-Authentication-Token``
  (``customers.selectors.member_for_checkout``).
"""

from __future__ import annotations

from api.elasticpath.identity import Caller
from api.elasticpath.requests import CheckoutRequest
from carts.models import Cart
from checkout.arranged_checkout import order_place_as_arranged
from checkout.inputs import CheckoutData
from checkout.placement import PlacementResult
from core.staff_rights import StaffAct, staff_require
from customers.models import Customer
from customers.selectors import customer_for_checkout, member_for_checkout


def ep_checkout(*, caller: Caller, cart: Cart, given: CheckoutRequest, idempotency_key: str | None
                ) -> PlacementResult:
    data = CheckoutData(customer=given.customer, billing_address=given.billing, order_number=given.order_number,
                        external_ref=given.external_ref)
    return order_place_as_arranged(cart=cart, buyer=_buyer(caller, cart, given), shipping_address=given.shipping,
                                   data=data, idempotency_key=idempotency_key)


def _buyer(caller: Caller, cart: Cart, given: CheckoutRequest) -> Customer | None:
    if given.way == "customer_id":
        return customer_for_checkout(reference=given.customer_id, as_customer=caller.customer, staff=caller.staff)
    if given.way == "account":
        return member_for_checkout(account_id=given.account_id, member_id=given.member_id,
                                   as_member=caller.member_customer, staff=caller.staff)
    if cart.customer_id is not None and not caller.owns(cart):
        staff_require(caller.staff, StaffAct.PLACE_ORDER_FOR_CUSTOMER)
    return None
