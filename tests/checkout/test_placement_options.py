"""The placement options a checkout without payment data uses (Elastic Path's), and a cart's shipping
groups as its shipments: ``order_place(awaiting_payment=…, assign_to=…)``, ``shipments_from_groups``."""

from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem, CartShippingGroup
from catalog.models import Store, Variant
from checkout.exceptions import CartNotFound, CheckoutDataInvalid, CheckoutInProgress, OrderCannotBePlaced
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.models import CheckoutClaim, Order
from checkout.placement import Shopper, order_place
from checkout.shipping_plan import shipments_from_groups
from customers.models import Customer
from payments.models import PaymentMethod, PaymentPlugin

pytestmark = pytest.mark.django_db

GUEST = Shopper(anonymous_id="guest-options")
BERLIN = AddressInput(first_name="Ada", last_name="Lovelace", address1="Julie-Wolfthorn-Straße 1", zip_code="10115",
                      city="Berlin", iso2_code="DE")
LONDON = AddressInput(first_name="Ada", last_name="Lovelace", address1="1 Horse Guards Road", zip_code="SW1A 2HQ",
                      city="London", iso2_code="GB")
DATA = CheckoutData(customer=CustomerInput(email="ada@example.com"), billing_address=BERLIN,
                    shipments=(ShipmentInput(address=BERLIN, method_id=1),))


@pytest.fixture(autouse=True)
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def spencor() -> Customer:
    return Customer.objects.get(email="spencor.hopkin@spryker.com", user__isnull=False)


def cart_with(*skus: str, owner: Shopper = GUEST) -> Cart:
    store = Store.objects.get(code="DE")
    cart = Cart.objects.create(store=store, customer=owner.customer, anonymous_id=owner.anonymous_id,
                               currency="EUR", price_mode=store.price_mode)
    for sku in skus:
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=1)
    return cart


def group(cart: Cart, *skus: str, method_id: int = 2, city: str = "München") -> CartShippingGroup:
    made = CartShippingGroup.objects.create(cart=cart, shipping_type="Express", shipment_method_id=method_id,
                                            first_name="Grace", last_name="Hopper", line_1="Marienplatz 1",
                                            city=city, postcode="80331", country="DE", region="BY")
    cart.items.filter(variant__sku__in=skus).update(shipping_group=made)
    return made


# --- awaiting payment ---------------------------------------------------------------------------


def test_an_order_awaiting_payment_is_placed_with_the_shops_manual_method():
    cart = cart_with("066_23294028")

    order = order_place(cart_uuid=cart.uuid, shopper=GUEST, data=DATA, awaiting_payment=True).order

    payment = order.payments.select_related("method").get()
    assert payment.method.plugin == PaymentPlugin.MANUAL
    assert (payment.state, payment.amount, order.payment_state) == ("pending", order.grand_total, "balance_due")


def test_without_a_manual_method_an_order_awaiting_payment_is_refused_and_nothing_is_written():
    cart = cart_with("066_23294028")
    PaymentMethod.objects.filter(plugin=PaymentPlugin.MANUAL).update(is_active=False)

    with pytest.raises(OrderCannotBePlaced, match="no manual payment method"):
        order_place(cart_uuid=cart.uuid, shopper=GUEST, data=DATA, awaiting_payment=True)

    assert not Order.objects.filter(cart_uuid=cart.uuid).exists()
    assert not CheckoutClaim.objects.exists()


def test_a_manual_method_restricted_to_other_billing_countries_is_not_used():
    cart = cart_with("066_23294028")
    for method in PaymentMethod.objects.filter(plugin=PaymentPlugin.MANUAL):
        method.countries.set([Store.objects.get(code="US").country])

    with pytest.raises(OrderCannotBePlaced):
        order_place(cart_uuid=cart.uuid, shopper=GUEST, data=DATA, awaiting_payment=True)


# --- the cart goes to the customer with the order ------------------------------------------------


def test_the_cart_becomes_the_customers_in_the_placement(spencor):
    cart = cart_with("066_23294028")

    order = order_place(cart_uuid=cart.uuid, shopper=GUEST, data=DATA, awaiting_payment=True, assign_to=spencor,
                        keep_cart=True).order

    cart.refresh_from_db()
    assert (cart.customer, cart.anonymous_id, order.customer) == (spencor, None, spencor)


def test_a_refused_placement_leaves_the_cart_with_its_owner(spencor):
    cart = cart_with("066_23294028")
    bad = CheckoutData(customer=DATA.customer, billing_address=BERLIN,
                       shipments=(ShipmentInput(address=BERLIN, method_id=999),))

    with pytest.raises(CheckoutDataInvalid):
        order_place(cart_uuid=cart.uuid, shopper=GUEST, data=bad, awaiting_payment=True, assign_to=spencor,
                    keep_cart=True)

    cart.refresh_from_db()
    assert (cart.customer_id, cart.anonymous_id) == (None, GUEST.anonymous_id)


def test_a_cart_claimed_by_another_placement_stays_its_owners(spencor):
    cart = cart_with("066_23294028")
    CheckoutClaim.objects.create(cart_uuid=cart.uuid, token="another", claimed_at=cart.updated_at)

    with pytest.raises(CheckoutInProgress):
        order_place(cart_uuid=cart.uuid, shopper=GUEST, data=DATA, awaiting_payment=True, assign_to=spencor,
                    keep_cart=True)

    cart.refresh_from_db()
    assert cart.customer_id is None


def test_another_customers_cart_is_not_given_away(spencor):
    sonia = Customer.objects.get(email="sonia@spryker.com", user__isnull=False)
    cart = cart_with("066_23294028", owner=Shopper(customer=sonia))

    with pytest.raises(CartNotFound):
        order_place(cart_uuid=cart.uuid, shopper=Shopper(customer=sonia), data=DATA, awaiting_payment=True,
                    assign_to=spencor, keep_cart=True)

    cart.refresh_from_db()
    assert cart.customer == sonia and not CheckoutClaim.objects.exists()


# --- shipping groups as shipments -----------------------------------------------------------------


def test_each_group_with_items_is_a_shipment_and_the_rest_ship_to_the_address_by_the_first_method():
    cart = cart_with("066_23294028", "047_26408568", "078_24602396")
    group(cart, "078_24602396", "047_26408568")
    group(cart, method_id=3, city="Hamburg")  # no items: no shipment

    shipments = shipments_from_groups(cart=cart, shipping_address=BERLIN, customer=None)

    grouped, rest = shipments
    assert (grouped.items, grouped.method_id, grouped.address.city) == (("047_26408568", "078_24602396"), 2, "München")
    assert (grouped.address.zip_code, grouped.address.region_code) == ("80331", "BY")
    assert (rest.items, rest.method_id, rest.address) == (None, 1, BERLIN)


def test_a_cart_whose_items_are_all_grouped_needs_no_method_for_the_address():
    cart = cart_with("066_23294028")
    group(cart, "066_23294028")

    assert [s.method_id for s in shipments_from_groups(cart=cart, shipping_address=LONDON, customer=None)] == [2]


def test_items_in_no_group_need_a_method_that_delivers_to_the_address():
    cart = cart_with("066_23294028")

    with pytest.raises(CheckoutDataInvalid) as refused:
        shipments_from_groups(cart=cart, shipping_address=LONDON, customer=None)

    assert refused.value.field == ("shipping_address", "iso2_code")
