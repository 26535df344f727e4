"""Who is calling: a customer with a bearer token, or a guest known by X-Anonymous-Customer-Unique-Id."""

from api.tokens import TokenRefused, token_user
from checkout.exceptions import CustomerIdentificationMissing
from checkout.placement import Shopper
from customers.exceptions import GuestIdInvalid, InvalidAccessToken
from customers.models import Customer

GUEST_HEADER = "X-Anonymous-Customer-Unique-Id"


def customer_from_bearer(header: str) -> Customer:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidAccessToken()
    try:
        user = token_user(token.strip())
    except TokenRefused:
        raise InvalidAccessToken() from None
    customer = getattr(user, "customer", None)
    if customer is None:
        raise InvalidAccessToken()
    return customer


def glue_shopper(request) -> Shopper:
    """The caller of a Glue request; a bad token is 401, no identification at all is 1105."""
    if authorization := request.headers.get("Authorization"):
        return Shopper(customer=customer_from_bearer(authorization))
    guest_id = request.headers.get(GUEST_HEADER)
    if guest_id is None:
        raise CustomerIdentificationMissing()
    guest_id = guest_id.strip()
    if not guest_id or len(guest_id) > 255 or not guest_id.isprintable():
        raise GuestIdInvalid()
    return Shopper(anonymous_id=guest_id)
