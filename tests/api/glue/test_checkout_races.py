"""Two Glue checkouts of one cart at once (PostgreSQL, real threads): one order, and the loser told the truth."""

import json
import time
from io import StringIO

from django.core.management import call_command
from django.test import Client

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.models import Order
from shipping.models import StockItem
from tests.races import postgres_only, run_together

pytestmark = postgres_only

ROUNDS = 20
BEING_CHECKED_OUT = {"status": "409", "code": "checkout_in_progress", "source": {"pointer": "/data"},
                     "detail": "This cart is being checked out right now. Retry in a moment."}
ADDRESS = {"salutation": "Ms", "firstName": "Ada", "lastName": "Racer", "address1": "Julie-Wolfthorn-Straße",
           "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"}


def checkout_body(cart: Cart) -> str:
    return json.dumps({"data": {"type": "checkout", "attributes": {
        "idCart": str(cart.uuid), "customer": {"email": "ada@example.com", "salutation": "Ms", "firstName": "Ada",
                                               "lastName": "Racer"},
        "billingAddress": ADDRESS, "shippingAddress": ADDRESS, "shipment": {"idShipmentMethod": 1},
        "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice",
                      "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}]}}})


def checkout(cart: Cart, *, after: float = 0):
    body = checkout_body(cart)

    def post():
        time.sleep(after)
        response = Client().post("/checkout", data=body, content_type="application/vnd.api+json",
                                 headers={"X-Anonymous-Customer-Unique-Id": cart.anonymous_id})
        return response.status_code, response.json()

    return post


def test_the_loser_of_two_checkouts_of_one_cart_gets_the_order_or_409_never_cart_is_empty():
    call_command("seed_demo", stdout=StringIO())
    StockItem.objects.filter(variant__sku="047_26408568").update(count_on_hand=1000)
    store, variant = Store.objects.get(code="DE"), Variant.objects.get(sku="047_26408568")
    answers = []
    for n in range(ROUNDS):
        cart = Cart.objects.create(store=store, anonymous_id=f"double-clicker-{n}", currency="EUR")
        CartItem.objects.create(cart=cart, variant=variant, quantity=1)
        # The second click lands ever later: at the first one's claim, its payment, its finalize, after it.
        results = run_together([checkout(cart), checkout(cart, after=n * 0.01)])
        order = Order.objects.get(cart_uuid=cart.uuid)
        for status, body in results:
            if status == 201:
                assert body["data"]["attributes"]["orderReference"] == order.reference
            else:
                assert (status, body["errors"]) == (409, [BEING_CHECKED_OUT])
            answers.append(status)
    assert 201 in answers
