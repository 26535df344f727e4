"""Who calls the Elastic Path dialect, and which carts and orders they may use.

- **Carts** are addressed by a client-chosen cart id (``Cart.reference``). As in Elastic
  Path, anyone holding the cart id may use the cart, unless the cart is associated with a
  customer: then only that customer's token (``X-Moltin-Customer-Token`` or
  ``Authorization: Bearer``) opens it. A cart that is not the caller's is 404, exactly like
  a cart that does not exist.
- **Implicit tokens** (``POST /oauth/access_token`` with ``grant_type=implicit``) identify
  no one; storefronts send them as ``Authorization: Bearer`` as they do with Elastic Path.
- **Customer tokens** are the shop's access tokens (``POST /v2/customers/tokens`` or Glue's
  ``/access-tokens``) of a registered customer.
- **Client-credentials tokens** (a trusted backend; ``POST /oauth/access_token`` with
  ``grant_type=client_credentials``, a staff user's username and password as client id and
  secret) are access tokens of an active staff user, sent as ``Authorization: Bearer``. With one, staff may
  use a customer's cart, read and change any order and take payments, each as far as their Django
  permissions allow (core.staff_rights: the admin's buttons ask the same); otherwise 403.
- **Account member tokens** (``EP-Account-Management-Authentication-Token``) are the access
  token of the customer who is the account member.
- **Guest orders** are read with the order's id (a random UUID) together with the id of
  the cart it was checked out from, in ``X-Moltin-Cart-Id``. A guest cart's owner in the
  domain is a guest id derived from the cart id with the shop's secret (``ep_guest_id``),
  so it can neither be guessed through another dialect nor collide with a real guest id.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from api.elasticpath.errors import EPError, Unauthorized
from api.tokens import TokenRefused, token_and_user
from carts.exceptions import CartNotFound
from carts.models import Cart
from carts.services import cart_get_or_create_by_reference
from catalog.models import Store
from core.money import CURRENCIES
from core.staff_rights import StaffAct, staff_require
from customers.models import Customer

CUSTOMER_TOKEN_HEADER = "X-Moltin-Customer-Token"
ACCOUNT_TOKEN_HEADER = "EP-Account-Management-Authentication-Token"
CART_ID_HEADER = "X-Moltin-Cart-Id"
CURRENCY_HEADER = "X-Moltin-Currency"
MAX_CART_ID = 64
# The grant types of POST /oauth/access_token, written into the tokens it issues.
IMPLICIT = "implicit"
CLIENT_CREDENTIALS = "client_credentials"


@dataclass(frozen=True)
class Caller:
    customer: Customer | None = None  # from a customer token
    staff: object | None = None  # the staff user of a client-credentials token
    member_customer: Customer | None = None  # from an account management token

    @property
    def is_backend(self) -> bool:
        return self.staff is not None

    def owns(self, cart: Cart) -> bool:
        """Whether ``cart`` is the customer's of one of the caller's tokens."""
        return cart.customer_id is not None and any(
            c is not None and c.pk == cart.customer_id for c in (self.customer, self.member_customer))


def _user_from_token(token: str):
    return _token_and_user(token)[1]


def _token_and_user(token: str):
    token = (token or "").strip()
    if not token or len(token) > 4096:
        raise Unauthorized("The token is missing or malformed.")
    try:
        return token_and_user(token)
    except TokenRefused:
        raise Unauthorized("The token is invalid or has expired.") from None


def _customer_of(user) -> Customer | None:
    return getattr(user, "customer", None)  # read with the token's user (api.tokens.token_user)


def ep_caller(request) -> Caller:
    """The tokens a request carries; a token that is sent but not valid is 401."""
    customer = staff = None
    if token := request.headers.get(CUSTOMER_TOKEN_HEADER):
        customer = _customer_of(_user_from_token(token))
        if customer is None:
            raise Unauthorized("The customer token does not belong to a customer.")
    if authorization := request.headers.get("Authorization"):
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthorized("Use Authorization: Bearer <token>.")
        if _is_implicit(token):
            return Caller(customer=customer, member_customer=_member_from(request))
        access, user = _token_and_user(token)
        # Only a client-credentials token acts for staff: a staff member's customer login is theirs alone.
        if access.get("grant_type") == CLIENT_CREDENTIALS and user.is_staff:
            staff = user
        elif customer is None:
            customer = _customer_of(user)
            if customer is None:
                raise Unauthorized("The token does not belong to a customer or a client.")
    return Caller(customer=customer, staff=staff, member_customer=_member_from(request))


def _member_from(request) -> Customer | None:
    if token := request.headers.get(ACCOUNT_TOKEN_HEADER):
        member = _customer_of(_user_from_token(token))
        if member is None:
            raise Unauthorized("The account management token does not belong to an account member.")
        return member
    return None


def _is_implicit(token: str) -> bool:
    """A storefront's implicit token (POST /oauth/access_token): valid, and identifying no one."""
    try:
        access = AccessToken(token.strip())
    except TokenError:
        return False
    return access.get("grant_type") == IMPLICIT and "user_id" not in access


def ep_guest_id(cart_id: str) -> str:
    """The domain's guest id for the owner of an anonymous Elastic Path cart: secret, stable, unguessable."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"ep-cart:{cart_id}".encode(), hashlib.sha256).hexdigest()
    return f"ep:{digest[:48]}"


def valid_cart_id(cart_id: str) -> str:
    if not cart_id or len(cart_id) > MAX_CART_ID or not cart_id.isprintable() or cart_id != cart_id.strip():
        raise CartNotFound("Cart ids are 1 to 64 printable characters.", meta={"id": cart_id[:MAX_CART_ID]})
    return cart_id


def _may_use(caller: Caller, cart: Cart, *, change: bool) -> bool:
    """Anyone may use an anonymous cart; a customer's cart, that customer, or staff who may read (or change)
    carts: StaffPermissionMissing when they may not."""
    if cart.customer_id is None or caller.owns(cart):
        return True
    if caller.is_backend:
        staff_require(caller.staff, StaffAct.CHANGE_CARTS if change else StaffAct.READ_CARTS)
        return True
    return False


def ep_store(request) -> Store:
    """The store a new cart sells in: the one whose currency X-Moltin-Currency names, else ELASTICPATH_STORE."""
    currency = (request.headers.get(CURRENCY_HEADER) or "").strip().upper()
    if currency:
        if currency not in CURRENCIES:
            raise EPError(f"{currency!r} is not a currency of the shop.", meta={"currency": currency})
        store = Store.objects.filter(default_currency=currency, is_active=True).order_by("pk").first()
        if store is not None:
            return store
    store = Store.objects.filter(code=settings.ELASTICPATH_STORE).first()
    if store is None:
        raise EPError(f"The shop has no store {settings.ELASTICPATH_STORE!r} (ELASTICPATH_STORE) to keep carts in.",
                      status=503, title="Service Unavailable")
    return store


def ep_cart(request, caller: Caller, cart_id: str, *, create: bool = False, change: bool = True) -> Cart:
    """The cart with this id if the caller may use it (created on first use when ``create``), to read only
    unless ``change``; 404 otherwise."""
    cart_id = valid_cart_id(cart_id)
    cart = Cart.objects.select_related("store", "customer").filter(reference=cart_id).first()
    if cart is None and create:
        currency = (request.headers.get(CURRENCY_HEADER) or "").strip().upper() or None
        cart, _ = cart_get_or_create_by_reference(reference=cart_id, store=ep_store(request),
                                                  anonymous_id=ep_guest_id(cart_id), currency=currency)
    if cart is None or not _may_use(caller, cart, change=change):
        raise CartNotFound(f"There is no cart {cart_id!r}.", meta={"id": cart_id})
    return cart

