"""Placing an order from a cart as it is arranged, to be paid later (Elastic Path's checkout, seed 003).

The cart's shipping groups become the shipments and the rest ships to one address
(``checkout.shipping_plan``); the order waits to be paid with the shop's manual method; the
cart is kept, and becomes the customer's the order is for, with the order.
"""

from __future__ import annotations

from dataclasses import replace

from carts.models import Cart
from checkout.inputs import AddressInput, CheckoutData
from checkout.placement import PlacementResult, Shopper, order_place
from checkout.shipping_plan import shipments_from_groups
from customers.models import Customer


def order_place_as_arranged(*, cart: Cart, buyer: Customer | None, shipping_address: AddressInput | None,
                            data: CheckoutData, idempotency_key: str | None = None) -> PlacementResult:
    """``buyer``: the registered customer the order is for (None: the cart's owner, as it is owned);
    ``data``: everything but the shipments and the payments."""
    owner = Shopper(customer=cart.customer) if cart.customer_id is not None else Shopper(anonymous_id=cart.anonymous_id)
    shipments = shipments_from_groups(cart=cart, shipping_address=shipping_address,
                                      customer=buyer if buyer is not None else owner.customer)
    return order_place(cart_uuid=cart.uuid, shopper=owner, data=replace(data, shipments=shipments),
                       idempotency_key=idempotency_key, keep_cart=True, awaiting_payment=True, assign_to=buyer)
