"""Whether a checkout is placing an order from a cart right now (a live ``CheckoutClaim``)."""

from django.utils import timezone

from checkout.exceptions import CheckoutInProgress
from checkout.models import CheckoutClaim
from checkout.placement import CLAIM_TIMEOUT


def cart_claimed(*, cart_uuid) -> bool:
    return CheckoutClaim.objects.filter(cart_uuid=cart_uuid, claimed_at__gte=timezone.now() - CLAIM_TIMEOUT).exists()


def cart_ensure_unclaimed(*, cart) -> None:
    """CheckoutInProgress (409) while an order is being placed from ``cart``; its items may not change then."""
    if cart_claimed(cart_uuid=cart.uuid):
        raise CheckoutInProgress("This cart is being checked out right now and cannot change. Retry in a moment.",
                                 meta={"id": cart.reference or str(cart.uuid)})
