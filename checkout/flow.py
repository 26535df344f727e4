"""The step rules of the checkout: pure predicates over an order or a draft and what it holds.

They are the conditions of the transitions of a placed order (checkout.models.Order) and of
the step-by-step checkout's draft (checkout.models.CheckoutDraft), and read only what is
already loaded; they never write. For the draft each step's rule returns the coded
requirements still unmet (``address_unmet`` …): the transition's condition is "none unmet",
and the step service raises them (StepNotReady) so a client never sees a bare
TransitionNotAllowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from checkout.exceptions import (
    AddressInvalid, AddressMissing, CardMissing, EmailInvalid, EmailMissing, LineItemsMissing, NoShippingMethod,
    PaymentMissing, ShippingRateMissing,
)
from core.errors import DomainError
from payments.models import PaymentPlugin

if TYPE_CHECKING:
    from checkout.models import CheckoutDraft, Order

# Payment states whose amount counts towards paying the order.
COUNTING_PAYMENT_STATES = ("checkout", "processing", "pending", "completed")


def has_line_items(order: Order) -> bool:
    return len(order.line_items.all()) > 0


def _address_is_valid(address) -> bool:
    return address is not None and not address.problems()


def has_valid_addresses(order: Order) -> bool:
    """A billing address, and a shipping address for every shipment (or the order's own)."""
    if not _address_is_valid(order.bill_address):
        return False
    shipments = order.shipments.all()
    if not shipments:
        return _address_is_valid(order.ship_address)
    return all(_address_is_valid(s.address or order.ship_address) for s in shipments)


def every_shipment_has_method(order: Order) -> bool:
    """There are shipments, each with a method, and every line item is in one of them."""
    shipments = order.shipments.all()
    if not shipments or any(s.method_id is None for s in shipments):
        return False
    shipment_ids = {s.id for s in shipments}
    return all(item.shipment_id in shipment_ids for item in order.line_items.all())


def payment_covers_total(order: Order) -> bool:
    """A zero total needs no payment; otherwise live payments add up to the grand total."""
    if order.grand_total == 0:
        return True
    paid = sum(p.amount for p in order.payments.all() if p.state in COUNTING_PAYMENT_STATES)
    return paid >= order.grand_total


def stock_is_reserved(order: Order) -> bool:
    return order.stock_reserved_at is not None


def nothing_shipped(order: Order) -> bool:
    return all(s.state != "shipped" for s in order.shipments.all())


def something_shipped(order: Order) -> bool:
    return any(s.state == "shipped" for s in order.shipments.all())


# --- the step checkout: a draft walks cart → address → delivery → payment → confirm → complete ---


@dataclass(frozen=True)
class Loaded:
    """What the step service read once for a draft's rules: how many items its cart has, the shipping
    rates offered for its shipping address, whether its method is one of them, its grand total, and
    the stock check's refusal for its items (None: the stock is there)."""

    item_count: int
    rate_count: int = 0
    rate_selected: bool = False
    grand_total: int = 0
    stock_refusal: DomainError | None = None


def email_problem(email: str) -> DomainError | None:
    if not email:
        return EmailMissing()
    try:
        validate_email(email)
    except ValidationError:
        return EmailInvalid(f"{email!r} is not a valid e-mail address.")
    return None


def cart_unmet(draft: CheckoutDraft) -> list[DomainError]:
    """cart → address: line items, and the stock for them (rentals: dates, zipcode, a free unit)."""
    if not draft.loaded.item_count:
        return [LineItemsMissing()]
    return [draft.loaded.stock_refusal] if draft.loaded.stock_refusal else []


def address_unmet(draft: CheckoutDraft) -> list[DomainError]:
    """address → delivery: a valid e-mail, a valid billing and shipping address, a method that delivers there."""
    email = draft.email or (draft.customer.email if draft.customer_id else "")
    unmet = [problem] if (problem := email_problem(email)) else []
    for name, address in (("billing_address", draft.bill_address), ("shipping_address", draft.ship_address)):
        if address is None:
            unmet.append(AddressMissing(field=(name,)))
        else:
            unmet += [AddressInvalid(problem, field=(name, part)) for part, problem in address.problems().items()]
    if not unmet and not draft.loaded.rate_count:
        unmet.append(NoShippingMethod())
    return unmet


def delivery_unmet(draft: CheckoutDraft) -> list[DomainError]:
    """delivery → payment: a shipping rate chosen among those offered."""
    return [] if draft.loaded.rate_selected else [ShippingRateMissing()]


def payment_unmet(draft: CheckoutDraft) -> list[DomainError]:
    """payment → confirm: nothing for a zero total; else a payment method, and for a card a checked card."""
    if draft.loaded.grand_total == 0:
        return []
    if draft.payment_method_id is None:
        return [PaymentMissing()]
    if draft.payment_method.plugin == PaymentPlugin.DUMMY_CREDIT_CARD and draft.credit_card_id is None:
        return [CardMissing()]
    return []


def may_leave_cart(draft: CheckoutDraft) -> bool:
    return draft.loaded is not None and not cart_unmet(draft)


def may_leave_address(draft: CheckoutDraft) -> bool:
    return draft.loaded is not None and not address_unmet(draft)


def may_leave_delivery(draft: CheckoutDraft) -> bool:
    return draft.loaded is not None and not delivery_unmet(draft)


def may_leave_payment(draft: CheckoutDraft) -> bool:
    return draft.loaded is not None and not payment_unmet(draft)


def is_placed(draft: CheckoutDraft) -> bool:
    return draft.order_id is not None


def may_pass(draft: CheckoutDraft) -> bool:
    """A step nobody needs to fill: one way to ship leaves nothing to choose; a zero total nothing to pay."""
    if draft.state == "delivery":
        return draft.loaded.rate_count == 1
    if draft.state == "payment":
        return draft.loaded.grand_total == 0
    return False


# Each step's rule and the transition that leaves it, in step order.
UNMET = {"cart": cart_unmet, "address": address_unmet, "delivery": delivery_unmet, "payment": payment_unmet}
LEAVE = {"cart": "to_address", "address": "to_delivery", "delivery": "to_payment", "payment": "to_confirm"}
