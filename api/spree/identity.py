"""Who calls the Spree dialect: an API key (X-Spree-Token or ?token=) for registered users and staff,
and an order token (X-Spree-Order-Token or order_token) for a guest's order.

The key of an active staff user opens other people's orders as far as their Django permissions
allow (core.staff_rights, asked by the step checkout); a user who is no longer staff is no staff.

API keys are ``rest_framework.authtoken`` tokens, one per user. A key that matches no
active user is refused (401) rather than treated as a guest.
"""

from rest_framework.authtoken.models import Token

from checkout.step_checkout import Caller
from core.errors import DomainError
from customers.models import Customer


class InvalidApiKey(DomainError):
    code = "invalid_api_key"
    status = 401
    default_detail = "Invalid API key specified."


def _order_token(request) -> str:
    token = request.headers.get("X-Spree-Order-Token") or request.query_params.get("order_token")
    if not token and isinstance(request.data, dict):
        token = request.data.get("order_token")
    return token.strip() if isinstance(token, str) else ""


def spree_caller(request) -> Caller:
    key = request.headers.get("X-Spree-Token") or request.query_params.get("token")
    if not key:
        return Caller(order_token=_order_token(request))
    found = Token.objects.select_related("user").filter(key=key.strip()[:40]).first()
    if found is None or not found.user.is_active:
        raise InvalidApiKey()
    customer = Customer.objects.filter(user=found.user).first()
    staff = found.user if found.user.is_staff else None
    return Caller(customer=customer, staff=staff, order_token=_order_token(request))
