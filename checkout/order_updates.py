"""Changes a shopper or a backend may make to a placed order's own references."""

from __future__ import annotations

from django.db import transaction

from checkout.models import Order
from checkout.selectors import order_get_for_update


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
