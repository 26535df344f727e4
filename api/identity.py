"""Who is calling: a customer with a bearer token, or a guest known by X-Anonymous-Customer-Unique-Id."""

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

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
        user_id = AccessToken(token.strip())["user_id"]
    except (TokenError, KeyError):
        raise InvalidAccessToken() from None
    customer = Customer.objects.select_related("user").filter(user_id=user_id, user__is_active=True).first()
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
