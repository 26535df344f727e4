"""The checkout's business errors. Glue's codes 1101-1108 are kept as they are; the rest are ours."""

from carts.exceptions import CartNotFound, PriceMissing  # noqa: F401 - checkout raises them too
from core.errors import Conflict, DomainError, NotFound
from core.staff_rights import StaffPermissionMissing


class CheckoutDataInvalid(DomainError):
    """Something the client sent cannot be used; ``field`` names it."""

    code = "1101"
    default_detail = "Checkout data is invalid."


class OrderCannotBePlaced(DomainError):
    code = "1102"
    default_detail = "Order cannot be placed."


class CartIsEmpty(DomainError):
    code = "1104"
    default_detail = "Cart is empty."


class CustomerIdentificationMissing(DomainError):
    code = "1105"
    status = 400
    default_detail = "One of Authorization or X-Anonymous-Customer-Unique-Id headers is required."


class UnableToDeleteCart(DomainError):
    code = "1106"
    default_detail = "Unable to delete cart."


class AddressNotOwned(CheckoutDataInvalid):
    """An address id that is not in the shopper's address book (never say whose it is)."""

    code = "address_not_owned"
    default_detail = "There is no address with this id in your address book."


class CurrencyMismatch(PriceMissing):
    """At checkout: an item of the cart has no price in its currency (any more)."""

    field = ()


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
    default_detail = "This cart is being checked out right now. Retry in a moment."


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    field = ("idempotency_key",)
    default_detail = "This Idempotency-Key was already used for a different request."


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    status = 400
    field = ("idempotency_key",)
    default_detail = "An Idempotency-Key may be at most 255 characters long."


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_detail = "Order not found."


class OrderTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    default_detail = "The order cannot make this transition in its current state."


class OrderTransitionForbidden(StaffPermissionMissing):
    """A staff transition asked for by someone without its act (core.staff_rights)."""

    code = "transition_forbidden"
    status = 403
    default_detail = "You are not allowed to make this transition."


class OrderPaymentNotUpdated(DomainError):
    code = "order_payment_not_updated"
    default_detail = "Order payment is not updated."


# --- the step-by-step checkout (Spree): an order that exists before it is placed -------------


class StepNotReady(DomainError):
    """The order cannot take its next step yet; ``unmet`` holds the coded requirements (checkout.flow) still
    unmet, each naming its field."""

    code = "step_not_ready"
    default_detail = "The order cannot take its next step yet."

    def __init__(self, unmet: list[DomainError]):
        super().__init__(" ".join(error.detail for error in unmet) or None)
        self.unmet = list(unmet)


# What a step of the step-by-step checkout still needs (checkout.flow's rules return them).


class LineItemsMissing(DomainError):
    code = "line_items_missing"
    default_detail = "There are no items for this order. Please add an item to the order to continue."


class EmailMissing(DomainError):
    code = "email_missing"
    field = ("email",)
    default_detail = "An e-mail address is required."


class EmailInvalid(DomainError):
    code = "email_invalid"
    field = ("email",)
    default_detail = "This is not a valid e-mail address."


class AddressMissing(DomainError):
    """``field`` names which: ``("billing_address",)`` or ``("shipping_address",)``."""

    code = "address_missing"
    default_detail = "An address is required."


class AddressInvalid(DomainError):
    code = "address_invalid"
    default_detail = "The address does not follow its country's rules."


class NoShippingMethod(DomainError):
    code = "no_shipping_method"
    default_detail = "No shipping method delivers to this address."


class ShippingRateMissing(DomainError):
    code = "shipping_rate_missing"
    field = ("shipments",)
    default_detail = "Choose a shipping rate for every shipment."


class PaymentMissing(DomainError):
    code = "payment_missing"
    field = ("payments",)
    default_detail = "No payment found."


class CardMissing(DomainError):
    code = "card_missing"
    field = ("payments",)
    default_detail = "The card to pay with is missing."


class NotConfirmed(DomainError):
    code = "not_confirmed"
    default_detail = "The order must be confirmed before it is placed."


class OrderAccessDenied(DomainError):
    """The order exists but the caller may not act on it (Spree answers 401, and shows nothing of it)."""

    code = "order_access_denied"
    status = 401
    default_detail = "You are not authorized to perform that action."


class RentalDatesMissing(CheckoutDataInvalid):
    code = "rental_dates_missing"
    field = ("rental", "starts_at")
    default_detail = "Rented items need a rental start date and a rental end date."


class RentalZipcodeMissing(CheckoutDataInvalid):
    code = "rental_zipcode_missing"
    field = ("rental", "zipcode")
    default_detail = "Rented items need the zipcode they are delivered to."
