"""order_place: the one service every dialect uses to turn a cart into an order."""

from api.glue.errors import glue_pointer
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carts.models import Cart, CartItem
from carts.services import cart_set_quantity
from catalog.models import Price, Product, Store, Variant
from checkout import placement
from checkout.exceptions import (
    AddressNotOwned, CartIsEmpty, CartNotFound, CheckoutDataInvalid, CurrencyMismatch,
    CustomerIdentificationMissing, IdempotencyConflict, OrderCannotBePlaced,
)
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, RentalInput, ShipmentInput
from checkout.models import CheckoutClaim, IdempotencyKey, Order
from checkout.placement import Shopper, order_place
from customers.models import Customer
from discounts.models import CartRule, CartRuleMinimum
from payments.exceptions import InvalidPaymentMethod, MultiplePaymentsNotAllowed, PaymentDeclined
from payments.models import Payment, PaymentAttempt
from shipping.exceptions import InsufficientStock
from shipping.models import StockItem, StockLocation

pytestmark = pytest.mark.django_db

GUEST = Shopper(anonymous_id="guest-0001")
BERLIN = AddressInput(salutation="Mr", first_name="Spencor", last_name="Hopkin", address1="Julie-Wolfthorn-Straße",
                      address2="1", zip_code="10115", city="Berlin", iso2_code="DE")
INVOICE = {"paymentProviderName": "DummyPayment", "paymentMethodName": "Invoice",
           "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}


def card(number="4111111111111111") -> dict:
    return {"paymentProviderName": "DummyPayment", "paymentMethodName": "credit card", "dummyPaymentCreditCard": {
        "cardType": "visa", "cardNumber": number, "nameOnCard": "Spencor Hopkin", "cardExpiresMonth": "12",
        "cardExpiresYear": str(date.today().year + 2), "cardSecurityCode": "123"}}


@pytest.fixture(autouse=True)
def shop(db):
    """The demo shop without its cart rules: a test that wants discounts makes its own."""
    call_command("seed_demo", stdout=StringIO())
    CartRule.objects.update(is_active=False)


def attempts(cart: Cart):
    return PaymentAttempt.objects.filter(cart_uuid=cart.uuid)


def cart_with(items: dict[str, int], *, shopper: Shopper = GUEST, store: str = "DE") -> Cart:
    the_store = Store.objects.get(code=store)
    cart = Cart.objects.create(store=the_store, customer=shopper.customer, anonymous_id=shopper.anonymous_id,
                               currency=the_store.default_currency, price_mode=the_store.price_mode)
    for sku, quantity in items.items():
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=quantity)
    return cart


def checkout_data(**overrides) -> CheckoutData:
    fields = dict(customer=CustomerInput(email="spencor@example.com", salutation="Mr", first_name="Spencor",
                                         last_name="Hopkin"),
                  billing_address=BERLIN, shipments=(ShipmentInput(address=BERLIN, method_id=1),), payments=(INVOICE,))
    return CheckoutData(**{**fields, **overrides})


def place(cart: Cart, data: CheckoutData | None = None, *, shopper: Shopper = GUEST, **kwargs):
    return order_place(cart_uuid=cart.uuid, shopper=shopper, data=data or checkout_data(), **kwargs)


def on_hand(sku: str, location: str = "Warehouse Berlin") -> int:
    return StockItem.objects.get(variant__sku=sku, stock_location__name=location).count_on_hand


def nothing_written(cart: Cart, orders_before: int) -> None:
    assert Order.objects.count() == orders_before
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert not CheckoutClaim.objects.exists()
    assert not attempts(cart).filter(status__in=["authorized", "redirect"]).exists()


# --- placing ----------------------------------------------------------------------------------


def test_a_guest_places_an_order_with_invoice_and_the_cart_is_deleted():
    cart = cart_with({"066_23294028": 1})
    before = on_hand("066_23294028")
    result = place(cart, checkout_data(shipments=(ShipmentInput(address=BERLIN, method_id=2),)))
    order = result.order
    assert (order.state, order.payment_state, order.shipment_state) == ("complete", "balance_due", "pending")
    assert order.reference == "DE--3"  # the demo placed DE--1 and DE--2
    # Seed 002, order DE--10: Galaxy S5 mini with Express shipping.
    assert (order.item_total, order.expense_total, order.tax_total, order.grand_total) == (39353, 590, 6377, 39943)
    line = order.line_items.get()
    assert (line.sku, line.name, line.quantity, line.sum_tax_amount, line.shipment.method.name) == (
        "066_23294028", "Samsung Galaxy S5 mini", 1, 6283, "Express")
    assert order.expenses.get().sum_tax_amount == 94
    payment = order.payments.get()
    assert (payment.state, payment.amount, payment.method.name) == ("pending", 39943, "invoice")
    assert order.customer.anonymous_id == "guest-0001" and order.email == "spencor@example.com"
    assert order.bill_address.zip_code == "10115"
    assert on_hand("066_23294028") == before - 1
    assert not Cart.objects.filter(pk=cart.pk).exists()
    assert not CheckoutClaim.objects.exists()
    assert attempts(cart).get().status == "attached"
    assert not result.replayed and not result.is_external_redirect


def test_seed_000_two_chromebooks_get_both_cart_rules_and_the_sample_totals():
    ten = CartRule.objects.create(name="10% Discount for all orders above", kind="percentage",
                                  percentage=Decimal("10"), priority=2)
    CartRuleMinimum.objects.create(rule=ten, currency="EUR", min_subtotal=10000)
    free = CartRule.objects.create(name="Free standard delivery", kind="free_shipping", priority=1)
    free.shipment_methods.set([1])
    CartRuleMinimum.objects.create(rule=free, currency="EUR", min_subtotal=5000)
    cart = cart_with({"136_24425591": 2})
    cart.items.get().options.set(Variant.objects.get(sku="136_24425591").product.options.all())
    order = place(cart).order
    assert (order.item_total, order.expense_total, order.discount_total, order.tax_total, order.grand_total) == (
        68530, 490, 7143, 9880, 61877)
    discounts = sorted(order.adjustments.values_list("label", "amount"))
    assert discounts == [("10% Discount for all orders above", 6653), ("Free standard delivery", 490)]
    # Glue shows each unit as an item: the order keeps what each unit came to, as priced.
    line = order.line_items.get()
    assert line.unit_amounts == [{"discount": 3327, "tax": 4940}, {"discount": 3326, "tax": 4940}]
    assert line.adjustments.get().unit_amounts == [3327, 3326]


def test_free_delivery_for_other_methods_leaves_the_chosen_one_paid():
    free = CartRule.objects.create(name="Free express delivery", kind="free_shipping", priority=1)
    free.shipment_methods.set([2])
    CartRuleMinimum.objects.create(rule=free, currency="EUR", min_subtotal=0)
    standard = place(cart_with({"066_23294028": 1})).order
    assert (standard.expense_total, standard.discount_total) == (490, 0)
    by_express = checkout_data(shipments=(ShipmentInput(address=BERLIN, method_id=2),))
    express = place(cart_with({"066_23294028": 1}), by_express).order
    assert (express.expense_total, express.discount_total) == (590, 590)


def test_a_customer_checks_out_with_address_ids_of_their_book_and_the_cart_can_be_kept():
    spencor = Customer.objects.get(email="spencor.hopkin@spryker.com", user__isnull=False)
    shopper = Shopper(customer=spencor)
    cart = cart_with({"047_26408568": 1}, shopper=shopper)
    by_id = AddressInput(id="22d78681-9885-5b47-8916-42f9e72b29ff", first_name="dummyValue", zip_code="dummyValue")
    data = checkout_data(customer=None, billing_address=by_id, shipments=(ShipmentInput(address=by_id, method_id=1),))
    first = place(cart, data, shopper=shopper, keep_cart=True).order
    second = place(cart, data, shopper=shopper, keep_cart=True).order
    assert first.pk != second.pk
    assert first.bill_address.address1 == "West road" and first.bill_address.zip_code == "61000"
    assert first.email == "spencor.hopkin@spryker.com" and first.customer == spencor
    assert Cart.objects.get(pk=cart.pk).items.count() == 1


def test_split_shipments_carry_their_own_items_address_method_and_date():
    cart = cart_with({"066_23294028": 1, "078_24602396": 1})
    sonia = AddressInput(salutation="Mrs", first_name="Sonia", last_name="Wagner", address1="Julie-Wolfthorn-Straße",
                         address2="1", zip_code="10115", city="Berlin", iso2_code="DE")
    tomorrow = date.today() + timedelta(days=1)
    data = checkout_data(shipments=(
        ShipmentInput(items=("066_23294028",), address=BERLIN, method_id=1, requested_delivery_date=tomorrow),
        ShipmentInput(items=("078_24602396",), address=sonia, method_id=2),
    ))
    order = place(cart, data).order
    shipments = list(order.shipments.order_by("pk"))
    assert [(s.method.name, s.address.first_name, s.requested_delivery_date) for s in shipments] == [
        ("Standard", "Spencor", tomorrow), ("Express", "Sonia", None)]
    assert [list(s.line_items.values_list("sku", flat=True)) for s in shipments] == [["066_23294028"], ["078_24602396"]]
    assert order.expense_total == 490 + 590
    assert order.ship_address is None


def test_a_business_unit_member_ships_to_the_unit_address():
    sonia = Customer.objects.get(email="sonia@spryker.com", user__isnull=False)
    shopper = Shopper(customer=sonia)
    cart = cart_with({"066_23294028": 1}, shopper=shopper)
    unit = AddressInput(company_address_id="19a55c0d-7bf0-580c-a9e8-6edacdc1ecde")
    order = place(cart, checkout_data(shipments=(ShipmentInput(address=unit, method_id=1),)), shopper=shopper).order
    assert order.shipments.get().address.company == "Spryker Systems GmbH"


def test_a_redirect_payment_places_the_order_and_returns_where_to_pay():
    data = checkout_data(payments=({"paymentProviderName": "DummyExternalPayment", "paymentMethodName": "redirect"},))
    result = place(cart_with({"047_26408568": 1}), data)
    assert result.is_external_redirect and result.redirect_url.startswith("https://")
    assert result.order.state == "complete" and result.order.payment_state == "balance_due"
    assert result.order.payments.get().state == "processing"


def test_a_card_payment_keeps_only_brand_last_digits_and_expiry():
    order = place(cart_with({"047_26408568": 1}), checkout_data(payments=(card(),))).order
    source = order.payments.get().source
    assert (source.brand, source.last_digits, source.month) == ("visa", "1111", 12)
    assert "4111111111111111" not in str(Payment.objects.filter(order=order).values().first())


def test_a_zero_total_needs_no_payment():
    rule = CartRule.objects.create(name="Everything free", kind="percentage", percentage=Decimal("100"))
    CartRuleMinimum.objects.create(rule=rule, currency="EUR", min_subtotal=0)
    free = CartRule.objects.create(name="Free shipping", kind="free_shipping")
    CartRuleMinimum.objects.create(rule=free, currency="EUR", min_subtotal=0)
    order = place(cart_with({"047_26408568": 1}), checkout_data(payments=())).order
    assert (order.grand_total, order.state, order.payment_state) == (0, "complete", "paid")
    assert not order.payments.exists()


def test_a_rental_books_the_tote_in_the_zipcode_location_for_its_dates():
    us_guest = Shopper(anonymous_id="guest-us")
    bethesda = AddressInput(first_name="John", last_name="Doe", address1="7735 Old Georgetown Road",
                            zip_code="20814", city="Bethesda", iso2_code="US", region_code="MD")
    rental = RentalInput(datetime(2027, 2, 3, tzinfo=timezone.utc), datetime(2027, 2, 6, tzinfo=timezone.utc), "90025")
    data = checkout_data(billing_address=bethesda, shipments=(ShipmentInput(address=bethesda, method_id=6),),
                         payments=(card(),), rental=rental)
    order = place(cart_with({"ROR-00011": 1}, shopper=us_guest, store="US"), data, shopper=us_guest).order
    assert order.zipcode == "90025" and order.shipments.get().stock_location.name == "Los Angeles"
    booking = order.line_items.get().rental_bookings.get()
    assert (booking.starts_at, booking.ends_at) == (rental.starts_at, rental.ends_at)
    # Net store: 7.25 % sales tax on top of 15.99.
    assert (order.item_total, order.tax_total, order.grand_total) == (1599, 116, 1599 + 500 + 116)


# --- refusals: a coded error, and nothing written -----------------------------------------


@pytest.mark.parametrize(("change", "error", "pointer"), [
    (dict(billing_address=None), CheckoutDataInvalid, "/data/attributes/billingAddress"),
    (dict(billing_address=AddressInput(**{**BERLIN.__dict__, "zip_code": "1011"})), CheckoutDataInvalid,
     "/data/attributes/billingAddress/zipCode"),
    (dict(billing_address=AddressInput(**{**BERLIN.__dict__, "iso2_code": "XX"})), CheckoutDataInvalid,
     "/data/attributes/billingAddress/iso2Code"),
    (dict(customer=CustomerInput(email="not-an-email")), CheckoutDataInvalid, "/data/attributes/customer/email"),
    (dict(shipments=()), CheckoutDataInvalid, "/data/attributes/shipment"),
    (dict(shipments=(ShipmentInput(address=BERLIN, method_id=99),)), CheckoutDataInvalid,
     "/data/attributes/shipments/0/idShipmentMethod"),
    (dict(shipments=(ShipmentInput(address=BERLIN, method_id=6),)), CheckoutDataInvalid,
     "/data/attributes/shipments/0/idShipmentMethod"),
    (dict(shipments=(ShipmentInput(items=("nope",), address=BERLIN, method_id=1),)), CheckoutDataInvalid,
     "/data/attributes/shipments/0/items"),
    (dict(shipments=(ShipmentInput(address=BERLIN, method_id=1, requested_delivery_date=date(2020, 1, 1)),)),
     CheckoutDataInvalid, "/data/attributes/shipments/0/requestedDeliveryDate"),
    (dict(shipments=(ShipmentInput(address=BERLIN, method_id=99), ShipmentInput(items=(), address=None, method_id=1))),
     CheckoutDataInvalid, "/data/attributes/shipments/0/idShipmentMethod"),  # the first shipment in error
    (dict(shipments=(ShipmentInput(address=None, method_id=99), ShipmentInput(items=(), address=BERLIN, method_id=1))),
     CheckoutDataInvalid, "/data/attributes/shipments/0/shippingAddress"),
    (dict(shipments=(ShipmentInput(address=BERLIN, method_id=1), ShipmentInput(
        items=(), address=AddressInput(**{**BERLIN.__dict__, "iso2_code": "XX"}), method_id=99))),
     CheckoutDataInvalid, "/data/attributes/shipments/1/shippingAddress/iso2Code"),
    (dict(billing_address=AddressInput(id="22d78681-9885-5b47-8916-42f9e72b29ff")), AddressNotOwned,
     "/data/attributes/billingAddress/id"),
    (dict(payments=(INVOICE, INVOICE)), MultiplePaymentsNotAllowed, None),
    (dict(payments=({"paymentProviderName": "DummyPayment", "paymentMethodName": "bitcoin"},)), InvalidPaymentMethod,
     None),
])
def test_bad_checkout_data_is_refused_with_a_pointer_and_nothing_is_written(change, error, pointer):
    cart = cart_with({"066_23294028": 1})
    before, stock = Order.objects.count(), on_hand("066_23294028")
    with pytest.raises(error) as refused:
        place(cart, checkout_data(**change))
    if pointer:
        assert glue_pointer(refused.value.field) == pointer
    nothing_written(cart, before)
    assert on_hand("066_23294028") == stock


def test_someone_elses_cart_is_not_found():
    cart = cart_with({"066_23294028": 1})
    with pytest.raises(CartNotFound) as refused:
        place(cart, shopper=Shopper(anonymous_id="somebody-else"))
    assert refused.value.code == "1103"


@pytest.mark.parametrize("cart_id", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_cart_id_is_not_found_even_for_a_shopper_with_orders(cart_id):
    Order.objects.create(store=Store.objects.get(code="DE"), currency="EUR",
                         customer=Customer.objects.create(anonymous_id=GUEST.anonymous_id))
    with pytest.raises(CartNotFound):
        order_place(cart_uuid=cart_id, shopper=GUEST, data=checkout_data())


def test_an_empty_cart_and_a_missing_identity_are_refused():
    with pytest.raises(CartIsEmpty):
        place(cart_with({}))
    with pytest.raises(CustomerIdentificationMissing):
        place(cart_with({"066_23294028": 1}), shopper=Shopper())


def test_an_item_without_a_price_in_the_cart_currency_is_refused():
    cart = cart_with({"078_24602396": 1}, store="US")  # priced in EUR only
    with pytest.raises(CurrencyMismatch) as refused:
        place(cart, shopper=GUEST)
    assert refused.value.meta == {"sku": "078_24602396", "currency": "USD"}


def test_invoice_is_refused_for_a_cart_with_a_gift_card():
    cart = cart_with({"GC_050": 1})
    with pytest.raises(Exception) as refused:
        place(cart)
    assert refused.value.code == "invoice_not_allowed_for_gift_card"


def test_not_enough_stock_is_refused_before_any_payment():
    cart = cart_with({"112_312526171": 26})
    with pytest.raises(InsufficientStock) as refused:
        place(cart)
    assert refused.value.meta == {"sku": "112_312526171", "requested": 26, "available": 25}
    assert not attempts(cart).exists()


def test_backorderable_stock_lets_more_than_is_on_hand_be_ordered():
    StockItem.objects.filter(variant__sku="112_312526171").update(backorderable=True)
    order = place(cart_with({"112_312526171": 26})).order
    assert order.line_items.get().quantity == 26


def test_stock_gone_during_payment_voids_the_authorisation_and_writes_no_order(monkeypatch):
    cart = cart_with({"112_312526171": 25})
    real_pay = placement._pay

    def pay_while_someone_else_buys(*args, **kwargs):
        paid = real_pay(*args, **kwargs)
        StockItem.objects.filter(variant__sku="112_312526171").update(count_on_hand=1)
        return paid

    monkeypatch.setattr(placement, "_pay", pay_while_someone_else_buys)
    with pytest.raises(InsufficientStock):
        place(cart, checkout_data(payments=(card(),)))
    assert attempts(cart).get().status == "voided"
    assert not Order.objects.filter(cart_uuid=cart.uuid).exists() and not Payment.objects.filter(amount=0).exists()
    assert on_hand("112_312526171") == 1
    assert Cart.objects.filter(pk=cart.pk).exists() and not CheckoutClaim.objects.exists()


def test_a_cart_write_that_raced_past_the_claim_fails_the_placement_and_voids_the_payment(monkeypatch):
    cart = cart_with({"112_312526171": 2})
    orders_before = Order.objects.count()
    real_pay = placement._pay

    def pay_while_the_shopper_changes_the_cart(*args, **kwargs):
        paid = real_pay(*args, **kwargs)
        cart_set_quantity(cart=Cart.objects.get(pk=cart.pk), sku="112_312526171", quantity=3)
        return paid

    monkeypatch.setattr(placement, "_pay", pay_while_the_shopper_changes_the_cart)
    with pytest.raises(OrderCannotBePlaced):
        place(cart, checkout_data(payments=(card(),)))
    assert attempts(cart).get().status == "voided"
    nothing_written(cart, orders_before)
    assert cart.items.get().quantity == 3


def test_a_declined_card_writes_nothing_and_the_key_can_be_retried():
    cart = cart_with({"047_26408568": 1})
    before = Order.objects.count()
    with pytest.raises(PaymentDeclined):
        place(cart, checkout_data(payments=(card("4000000000000002"),)), idempotency_key="retry-me")
    nothing_written(cart, before)
    assert not IdempotencyKey.objects.filter(key="retry-me").exists()
    order = place(cart, checkout_data(payments=(card(),)), idempotency_key="retry-me").order
    assert order.state == "complete"


# --- retries ----------------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_first_order():
    cart = cart_with({"047_26408568": 1}, store="DE")
    first = place(cart, idempotency_key="key-1")
    again = place(cart, idempotency_key="key-1")
    assert again.replayed and again.order.pk == first.order.pk
    assert Order.objects.filter(cart_uuid=cart.uuid).count() == 1


def test_the_same_key_with_other_data_is_refused():
    place(cart_with({"047_26408568": 1}), idempotency_key="key-2")
    with pytest.raises(IdempotencyConflict):
        place(cart_with({"047_26408568": 2}, shopper=GUEST), idempotency_key="key-2")


def test_keys_are_scoped_to_who_asks():
    first = place(cart_with({"047_26408568": 1}), idempotency_key="shared-key").order
    other = Shopper(anonymous_id="guest-0002")
    second = place(cart_with({"047_26408568": 1}, shopper=other), shopper=other, idempotency_key="shared-key").order
    assert first.pk != second.pk


def test_a_key_older_than_its_lifetime_is_a_new_request(settings):
    first = place(cart_with({"047_26408568": 1}), idempotency_key="old-key").order
    IdempotencyKey.objects.filter(key="old-key").update(
        created_at=datetime.now(timezone.utc) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1))
    second = place(cart_with({"047_26408568": 2}), idempotency_key="old-key")
    assert not second.replayed and second.order.pk != first.pk
    assert IdempotencyKey.objects.get(key="old-key").order_id == second.order.pk


def test_checking_out_a_deleted_cart_again_returns_the_order_it_became():
    cart = cart_with({"047_26408568": 1})
    first = place(cart).order
    again = place(cart)
    assert again.replayed and again.order.pk == first.pk


# --- cost -------------------------------------------------------------------------------------


def test_placing_one_item_or_twenty_costs_the_same_queries():
    product = Product.objects.get(abstract_sku="047")
    for n in range(20):
        variant = Variant.objects.create(product=product, sku=f"047_extra_{n}")
        Price.objects.create(variant=variant, currency="EUR", gross_amount=1000 + n)
        StockItem.objects.create(stock_location=StockLocation.objects.get(name="Warehouse Berlin"), variant=variant,
                                 count_on_hand=5)

    def queries_for(skus):
        shopper = Shopper(anonymous_id=f"guest-{len(skus)}")
        cart = cart_with({sku: 1 for sku in skus}, shopper=shopper)
        with CaptureQueriesContext(connection) as captured:
            place(cart, shopper=shopper)
        # Transaction control aside (here savepoints inside the test's transaction).
        return len([q for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])

    one = queries_for(["047_extra_0"])
    assert one == queries_for([f"047_extra_{n}" for n in range(20)])
    # 11 reads to check and price, 2 journal writes, 27 to write the order and delete the cart.
    assert one <= 40


def test_a_payment_method_refused_for_the_billing_country_cannot_be_used():
    from customers.models import Country
    from payments.models import PaymentMethod

    PaymentMethod.objects.get(name="invoice").countries.set(Country.objects.filter(iso2_code="AT"))
    cart = cart_with({"047_26408568": 1})
    with pytest.raises(InvalidPaymentMethod) as refused:
        place(cart)
    assert refused.value.code == "1108"
    assert "Germany" in refused.value.meta["reason"]
    nothing_written(cart, Order.objects.count())


def test_a_placed_order_has_the_history_of_every_transition_it_went_through():
    from django_fsm_log.models import StateLog

    order = place(cart_with({"047_26408568": 1})).order
    steps = list(StateLog.objects.for_(order).order_by("pk").values_list("transition", flat=True))
    assert steps[:4] == ["to_address", "to_payment", "to_confirm", "complete"]
    assert StateLog.objects.for_(order.payments.get()).values_list("state", flat=True).get() == "pending"


def test_a_shipment_of_items_never_out_of_stock_ships_from_the_stores_best_location():
    StockItem.objects.filter(variant__sku="047_26408568").update(is_never_out_of_stock=True)
    order = place(cart_with({"047_26408568": 1})).order
    shipment = order.shipments.get()
    best = StockLocation.objects.filter(stores=order.store, is_active=True).order_by("-is_default", "pk").first()
    assert shipment.stock_location == best
