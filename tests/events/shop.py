"""Placing orders in the demo shop, for the events tests (as tests/checkout/test_place_order.py does)."""

from datetime import date
from io import StringIO

from django.core.management import call_command

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.placement import Shopper, order_place
from discounts.models import CartRule

GUEST = Shopper(anonymous_id="guest-events")
BERLIN = AddressInput(salutation="Ms", first_name="Ada", last_name="Lovelace", address1="Julie-Wolfthorn-Straße",
                      address2="1", zip_code="10115", city="Berlin", iso2_code="DE")
INVOICE = {"paymentProviderName": "DummyPayment", "paymentMethodName": "Invoice",
           "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}


def seed_shop() -> None:
    call_command("seed_demo", stdout=StringIO())
    CartRule.objects.update(is_active=False)


def card(number: str = "4111111111111111") -> dict:
    return {"paymentProviderName": "DummyPayment", "paymentMethodName": "credit card", "dummyPaymentCreditCard": {
        "cardType": "visa", "cardNumber": number, "nameOnCard": "Ada Lovelace", "cardExpiresMonth": "12",
        "cardExpiresYear": str(date.today().year + 2), "cardSecurityCode": "123"}}


def cart_with(items: dict[str, int], *, shopper: Shopper = GUEST) -> Cart:
    store = Store.objects.get(code="DE")
    cart = Cart.objects.create(store=store, customer=shopper.customer, anonymous_id=shopper.anonymous_id,
                               currency=store.default_currency, price_mode=store.price_mode)
    for sku, quantity in items.items():
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=quantity)
    return cart


def checkout_data(*, payment: dict = INVOICE, email: str = "ada@example.com") -> CheckoutData:
    return CheckoutData(
        customer=CustomerInput(email=email, salutation="Ms", first_name="Ada", last_name="Lovelace"),
        billing_address=BERLIN, shipments=(ShipmentInput(address=BERLIN, method_id=2),), payments=(payment,))


def place(items: dict[str, int] | None = None, *, payment: dict = INVOICE, email: str = "ada@example.com", **kwargs):
    cart = cart_with(items or {"066_23294028": 1})
    data = checkout_data(payment=payment, email=email)
    return order_place(cart_uuid=cart.uuid, shopper=GUEST, data=data, **kwargs).order
