"""Requests and bodies the Elastic Path tests share."""

from rest_framework_simplejwt.tokens import AccessToken

from customers.models import Customer


def token_for(email: str) -> str:
    return str(AccessToken.for_user(Customer.objects.get(email=email, user__isnull=False).user))


BERLIN = {"first_name": "Ada", "last_name": "Lovelace", "company_name": "Analytical Engines",
          "line_1": "Julie-Wolfthorn-Straße 1", "line_2": "Hinterhaus", "city": "Berlin", "postcode": "10115",
          "county": "Mitte", "country": "DE", "region": "BE"}
BERLIN_SHIPPING = {**BERLIN, "phone_number": "+49 30 1234567", "instructions": "Leave with the neighbour"}


def add_item(ep, cart_id: str, sku: str = "066_23294028", quantity: int = 1, **headers):
    return ep.post(f"/v2/carts/{cart_id}/items", {"data": {"type": "cart_item", "sku": sku, "quantity": quantity}},
                   **headers)


def checkout_body(**data) -> dict:
    return {"data": {"billing_address": BERLIN, "shipping_address": BERLIN_SHIPPING, **data}}


def guest_checkout(ep, cart_id: str, **headers):
    return ep.post(f"/v2/carts/{cart_id}/checkout",
                   checkout_body(customer={"name": "Ada Lovelace", "email": "ada@example.com"}), **headers)
