"""A cart's shipping groups as the shipments of its checkout.

Each shipping group with items is a shipment: its address, its method, its items. The items
in no group ship to the checkout's ``shipping_address`` by the first method the store offers
there (as /checkout-data lists them), and so does a cart without groups.
"""

from __future__ import annotations

from carts.models import Cart, CartShippingGroup
from checkout.exceptions import CheckoutDataInvalid
from checkout.inputs import AddressInput, CheckoutData, ShipmentInput
from checkout.options import checkout_options
from customers.models import Customer


def shipments_from_groups(*, cart: Cart, shipping_address: AddressInput | None, customer: Customer | None
                          ) -> tuple[ShipmentInput, ...]:
    """The shipments of ``cart`` (groups in the order they were made); ``customer``: the registered
    customer checking out, whose address book an address id is read from. Reads only.

    CheckoutDataInvalid (``("shipping_address", "iso2_code")``) when items ship to ``shipping_address``
    and no method of the store delivers there."""
    skus_of: dict[int, list[str]] = {}
    groups: dict[int, CartShippingGroup] = {}
    ungrouped = False
    for item in cart.items.select_related("variant", "shipping_group").order_by("shipping_group_id", "pk"):
        if item.shipping_group is None:
            ungrouped = True
            continue
        groups[item.shipping_group_id] = item.shipping_group
        skus_of.setdefault(item.shipping_group_id, []).append(item.variant.sku)
    shipments = [ShipmentInput(items=tuple(sorted(skus_of[pk])), address=_group_address(group),
                               method_id=group.shipment_method_id) for pk, group in sorted(groups.items())]
    if ungrouped or not shipments:
        shipments.append(ShipmentInput(address=shipping_address,
                                       method_id=_first_method_to(cart, shipping_address, customer)))
    return tuple(shipments)


def _first_method_to(cart: Cart, address: AddressInput | None, customer: Customer | None) -> int:
    options = checkout_options(cart_uuid=cart.uuid, owner={"pk": cart.pk}, customer=customer,
                               data=CheckoutData(shipments=(ShipmentInput(address=address),)))
    if not options.shipment_methods:
        raise CheckoutDataInvalid("No shipment method of this store delivers to the shipping address."
                                  ).at("shipping_address", "iso2_code")
    return options.shipment_methods[0].method.pk


def _group_address(group: CartShippingGroup) -> AddressInput:
    return AddressInput(first_name=group.first_name, last_name=group.last_name, company=group.company_name,
                        address1=group.line_1, address2=group.line_2, city=group.city, zip_code=group.postcode,
                        county=group.county, iso2_code=group.country, region_code=group.region,
                        phone=group.phone_number, instructions=group.instructions)
