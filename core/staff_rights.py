"""What a staff user may do for the shop: each staff act and the Django permissions it needs.

The one place that decides. The order transitions, shipments and payments declare their act
(django-fsm's ``permission=`` asks ``staff_permission``), the checkout services refuse an act
without it, the admin offers only the buttons it allows, and every API path on which staff act
for others asks it: Elastic Path's client-credentials tokens, Spree's API keys of staff users.

- A staff user is an active user with ``is_staff``; anyone else holds no act, whatever
  permissions they were given. A superuser holds every permission.
- Permissions are Django's, granted to the user or to a group of theirs.
- A model's ``change_*`` permission also lets its holder read (``view_*``), as in Django's admin.
- Every act on an order (its transitions, its shipments, its payments) needs ``checkout.change_order``
  beside its own permission: the admin shows its buttons only to staff who may change orders.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from core.errors import DomainError

ON_ORDERS = "checkout.change_order"


class StaffAct(StrEnum):
    READ_ORDERS = "read_orders"
    EDIT_ORDERS = "edit_orders"
    CANCEL_ORDER = "cancel_order"
    RESUME_ORDER = "resume_order"
    RETURN_ORDER = "return_order"
    SHIP_SHIPMENT = "ship_shipment"
    CAPTURE_PAYMENT = "capture_payment"
    RECORD_PAYMENT = "record_payment"
    REFUND_PAYMENT = "refund_payment"
    VOID_PAYMENT = "void_payment"
    READ_CARTS = "read_carts"
    CHANGE_CARTS = "change_carts"
    PLACE_ORDER_FOR_CUSTOMER = "place_order_for_customer"


# What each act needs (all of them), and how an error names the act.
NEEDS: dict[StaffAct, tuple[tuple[str, ...], str]] = {
    StaffAct.READ_ORDERS: (("checkout.view_order",), "Reading orders that are not your own"),
    StaffAct.EDIT_ORDERS: ((ON_ORDERS,), "Changing orders that are not your own"),
    StaffAct.CANCEL_ORDER: ((ON_ORDERS, "checkout.cancel_order"), "Cancelling an order"),
    StaffAct.RESUME_ORDER: ((ON_ORDERS, "checkout.resume_order"), "Resuming a canceled order"),
    StaffAct.RETURN_ORDER: ((ON_ORDERS, "checkout.return_order"), "Handling an order's return"),
    StaffAct.SHIP_SHIPMENT: ((ON_ORDERS, "shipping.ship_shipment"), "Shipping a shipment"),
    StaffAct.CAPTURE_PAYMENT: ((ON_ORDERS, "payments.capture_payment"), "Capturing a payment"),
    # A purchase through the manual gateway takes the order's money as paid, as a capture of an
    # authorisation does (the same provider call, the same payment state after): the same permission.
    StaffAct.RECORD_PAYMENT: ((ON_ORDERS, "payments.capture_payment"),
                              "Recording money taken through the manual gateway"),
    StaffAct.REFUND_PAYMENT: ((ON_ORDERS, "payments.refund_payment"), "Refunding a payment"),
    StaffAct.VOID_PAYMENT: ((ON_ORDERS, "payments.void_payment"), "Voiding a payment"),
    StaffAct.READ_CARTS: (("carts.view_cart",), "Reading carts that are not your own"),
    StaffAct.CHANGE_CARTS: (("carts.change_cart",), "Changing carts that are not your own"),
    # The order is made in the customer's name, from a cart that becomes theirs.
    StaffAct.PLACE_ORDER_FOR_CUSTOMER: (("carts.change_cart", "checkout.add_order"),
                                        "Placing an order for a customer"),
}

# The act of each payment call, for the services and the admin's payment buttons.
PAYMENT_ACTS = {"capture": StaffAct.CAPTURE_PAYMENT, "refund": StaffAct.REFUND_PAYMENT,
                "void": StaffAct.VOID_PAYMENT}


class StaffPermissionMissing(DomainError):
    """A staff act asked for by someone who is not an active staff user holding its permissions."""

    code = "staff_permission_missing"
    status = 403
    default_detail = "This needs a staff user with the permission for it."


def permissions_for(act: StaffAct) -> tuple[str, ...]:
    return NEEDS[act][0]


def staff_may(user, act: StaffAct) -> bool:
    """Whether ``user`` is an active staff user holding every permission ``act`` needs."""
    if user is None or not user.is_active or not user.is_staff:
        return False
    return all(_holds(user, permission) for permission in permissions_for(act))


def _holds(user, permission: str) -> bool:
    if user.has_perm(permission):
        return True
    app_label, _, codename = permission.partition(".")
    return codename.startswith("view_") and user.has_perm(f"{app_label}.change_{codename.removeprefix('view_')}")


def staff_require(user, act: StaffAct) -> None:
    """Raise StaffPermissionMissing (403) unless ``user`` may do ``act``."""
    if not staff_may(user, act):
        needed, words = NEEDS[act]
        raise StaffPermissionMissing(f"{words} needs a staff user with the permission {' and '.join(needed)}.",
                                     meta={"permissions": list(needed)})


def staff_permission(act: StaffAct) -> Callable[[object, object], bool]:
    """A transition's ``permission=``: django-fsm asks it with the instance and the user."""

    def may(instance, user) -> bool:
        return staff_may(user, act)

    may.__qualname__ = may.__name__ = f"staff_may_{act.value}"
    return may
