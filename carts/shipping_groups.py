"""Shipping groups of a cart (Elastic Path): an address and a shipment method for some of its items.

Each write locks the cart row first, as the other cart services do. The address is kept
as sent; checkout judges it (postal code, region) when the group becomes a shipment.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from carts.exceptions import ItemNotInCart, ShippingGroupInUse, ShippingGroupNotFound, ShippingTypeUnknown
from carts.models import Cart, CartItem, CartShippingGroup
from carts.selectors import cart_get_for_update
from core.identifiers import parse_uuid
from shipping.models import ShipmentMethod

ADDRESS_FIELDS = ("first_name", "last_name", "phone_number", "company_name", "line_1", "line_2", "city",
                  "postcode", "county", "country", "region", "instructions")


def shipping_groups_of(*, cart: Cart):
    return cart.shipping_groups.select_related("shipment_method").prefetch_related("items").order_by("pk")


def shipping_group_get(*, cart: Cart, group_id) -> CartShippingGroup:
    key = parse_uuid(group_id)
    group = shipping_groups_of(cart=cart).filter(uuid=key).first() if key else None
    if group is None:
        raise ShippingGroupNotFound(f"Cart shipping group with ID [{group_id}] not found for cart "
                                    f"[{cart.reference or cart.uuid}]", meta={"id": str(group_id)[:64]})
    return group


def shipment_method_for(*, cart: Cart, shipping_type: str) -> ShipmentMethod:
    """The active method of the cart's store that ``shipping_type`` names: its key, its name, or its id."""
    wanted = (shipping_type or "").strip()
    lookup = Q(key=wanted) | Q(name__iexact=wanted)
    if wanted.isdigit() and len(wanted) < 10:
        lookup |= Q(pk=int(wanted))
    methods = (ShipmentMethod.objects.filter(lookup, is_active=True, carrier__is_active=True)
               .filter(Q(stores=cart.store) | Q(stores__isnull=True)).distinct().order_by("pk"))
    method = methods.first() if wanted else None
    if method is None:
        raise ShippingTypeUnknown(f"{wanted!r} is not a shipment method of this store.",
                                  meta={"shipping_type": wanted[:100]})
    return method


def shipping_group_create(*, cart: Cart, shipping_type: str, address: dict, tracking_reference: str = "",
                          ) -> CartShippingGroup:
    with transaction.atomic():
        locked = cart_get_for_update(pk=cart.pk)
        method = shipment_method_for(cart=locked, shipping_type=shipping_type)
        group = CartShippingGroup.objects.create(
            cart=locked, shipping_type=shipping_type.strip(), shipment_method=method,
            tracking_reference=tracking_reference, **{f: address.get(f, "") for f in ADDRESS_FIELDS},
        )
        locked.save(update_fields=["updated_at"])
    return group


def shipping_group_update(*, cart: Cart, group_id, shipping_type: str | None = None, address: dict | None = None,
                          tracking_reference: str | None = None) -> CartShippingGroup:
    with transaction.atomic():
        locked = cart_get_for_update(pk=cart.pk)
        group = shipping_group_get(cart=locked, group_id=group_id)
        if shipping_type is not None:
            group.shipment_method = shipment_method_for(cart=locked, shipping_type=shipping_type)
            group.shipping_type = shipping_type.strip()
        if address is not None:
            for name in ADDRESS_FIELDS:
                setattr(group, name, address.get(name, ""))
        if tracking_reference is not None:
            group.tracking_reference = tracking_reference
        group.save()
        locked.save(update_fields=["updated_at"])
    return group


def shipping_group_delete(*, cart: Cart, group_id) -> None:
    with transaction.atomic():
        locked = cart_get_for_update(pk=cart.pk)
        group = shipping_group_get(cart=locked, group_id=group_id)
        if group.items.exists():
            raise ShippingGroupInUse(meta={"id": str(group.uuid)})
        group.delete()
        locked.save(update_fields=["updated_at"])


def cart_item_ship_with(*, cart: Cart, item_id: int, group_id) -> CartItem:
    """Put an item in a shipping group of its cart, or (``group_id`` None) take it out of any."""
    with transaction.atomic():
        locked = cart_get_for_update(pk=cart.pk)
        item = locked.items.filter(pk=item_id).first()
        if item is None:
            raise ItemNotInCart(meta={"id": item_id})
        item.shipping_group = shipping_group_get(cart=locked, group_id=group_id) if group_id else None
        item.save(update_fields=["shipping_group", "updated_at"])
        locked.save(update_fields=["updated_at"])
    return item
