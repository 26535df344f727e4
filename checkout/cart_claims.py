"""Whether a checkout is placing an order from a cart right now (a live ``CheckoutClaim``)."""

from django.utils import timezone

from checkout.exceptions import CheckoutInProgress
from checkout.models import CheckoutClaim
from checkout.placement import CLAIM_TIMEOUT


def live_claims(*, cart_uuid, since=None):
    """The claim of a placement running now on the cart (``cart_uuid`` may be an ``OuterRef``):
    one taken since ``since`` (by default ``CLAIM_TIMEOUT`` ago)."""
    since = since if since is not None else timezone.now() - CLAIM_TIMEOUT
    return CheckoutClaim.objects.filter(cart_uuid=cart_uuid, claimed_at__gte=since)


def cart_claimed(*, cart_uuid) -> bool:
    return live_claims(cart_uuid=cart_uuid).exists()


def cart_ensure_unclaimed(*, cart, claimed: bool | None = None) -> None:
    """CheckoutInProgress (409) while an order is being placed from ``cart``; its items may not change then.
    ``claimed``: already known (read with the cart), else it is read now."""
    if claimed if claimed is not None else cart_claimed(cart_uuid=cart.uuid):
        raise CheckoutInProgress("This cart is being checked out right now and cannot change. Retry in a moment.",
                                 meta={"id": cart.reference or str(cart.uuid)})
