"""Who calls the Spree dialect: an API key (X-Spree-Token or ?token=) for registered users and staff,
and an order token (X-Spree-Order-Token or order_token) for a guest's order.

The key of an active staff user opens other people's orders as far as their Django permissions
allow (core.staff_rights, asked by the step checkout); a user who is no longer staff is no staff.

API keys are ``rest_framework.authtoken`` tokens, one per user. A key that matches no
active user is refused (401) rather than treated as a guest.
"""

import hmac
from dataclasses import dataclass

from rest_framework.authtoken.models import Token

from core.errors import DomainError
from core.staff_rights import StaffAct, staff_require
from customers.models import Customer


class InvalidApiKey(DomainError):
    code = "invalid_api_key"
    status = 401
    default_detail = "Invalid API key specified."


@dataclass(frozen=True)
class Caller:
    """Who asks: a registered customer (API key), the staff user of an API key, and the order token sent.
    The step checkout asks it whether an order is theirs (checkout.step_checkout.Opener)."""

    customer: Customer | None = None
    staff: object | None = None
    order_token: str = ""

    def may_use(self, *, customer_id: int | None, token: str, act: StaffAct) -> bool:
        """Whether the order is the caller's (their customer's, or the one their order token opens); staff may
        use anyone's for ``act`` when core.staff_rights says so (StaffPermissionMissing when it does not)."""
        if self.customer is not None and customer_id == self.customer.pk:
            return True
        # Compared as bytes: compare_digest refuses str with characters beyond ASCII.
        if self.order_token and token and hmac.compare_digest(
                self.order_token.encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")):
            return True
        if self.staff is not None:
            staff_require(self.staff, act)
            return True
        return False


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
