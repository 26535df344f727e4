"""Changes a shopper or a backend may make to a placed order: its references, and its addresses until it ships."""

from __future__ import annotations

from django.db import transaction

from checkout.addressing import countries_for, order_address_from
from checkout.exceptions import CheckoutDataInvalid, OrderTransitionNotAllowed
from checkout.inputs import AddressInput
from checkout.models import Order, OrderState
from checkout.selectors import order_get_for_update
from shipping.models import Shipment


def order_update_references(*, order_id: int, order_number: str | None = None,
                            external_ref: str | None = None) -> Order:
    """Set the user-managed ``order_number`` and ``external_ref`` (each at most 64 characters, not unique);
    None leaves a field as it is."""
    with transaction.atomic():
        order = order_get_for_update(order_id=order_id)
        fields = []
        if order_number is not None:
            order.order_number = order_number[:64]
            fields.append("order_number")
        if external_ref is not None:
            order.external_ref = external_ref[:64]
            fields.append("external_ref")
        if fields:
            order.save(update_fields=[*fields, "updated_at"])
    return order


def order_update_addresses(*, order_id: int, billing: AddressInput | None = None,
                           shipping: AddressInput | None = None) -> Order:
    """Replace the billing and/or shipping address of a placed order that has not shipped.

    Addresses are given by value and checked as at checkout (422 with the field). The
    shipping address may move within its country only: another country could change the
    tax and the shipment methods, which needs a new checkout. An order split over several
    shipments keeps their addresses (each came from its shipping group).
    """
    with transaction.atomic():
        order = order_get_for_update(order_id=order_id)
        shipments = list(order.shipments.all())
        if order.state != OrderState.COMPLETE or any(s.state == "shipped" for s in shipments):
            raise OrderTransitionNotAllowed("The addresses of an order can change only until it ships.",
                                            meta={"state": order.state})
        countries = countries_for([billing, shipping])
        if billing is not None:
            address = order_address_from(given=billing, customer=None, countries=countries,
                                         field=("billing_address",))
            address.save()
            order.bill_address = address
        if shipping is not None:
            if len(shipments) > 1:
                raise OrderTransitionNotAllowed("This order ships to several addresses; they cannot be replaced "
                                                "by one.", meta={"shipments": len(shipments)})
            address = order_address_from(given=shipping, customer=None, countries=countries,
                                         field=("shipping_address",))
            current = order.ship_address or (shipments[0].address if shipments else None)
            if current is not None and current.country_id != address.country_id:
                raise CheckoutDataInvalid("The shipping address may not move to another country.",
                                          field=("shipping_address", "iso2_code"))
            address.save()
            order.ship_address = address
            Shipment.objects.filter(order=order).update(address=address)
        order.save(update_fields=["bill_address", "ship_address", "updated_at"])
    return order
