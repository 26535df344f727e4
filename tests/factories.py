"""factory_boy factories for the shop's models, and orders at each step of the checkout.

    OrderFactory()                       an empty order in the cart step
    OrderFactory(at_delivery=True)       an order in the delivery step, holding what the steps
                                         before it required (line items, valid addresses, a
                                         shipment with rates offered but none selected yet)
    OrderFactory(at_complete=True)       a placed order: reference, reserved stock, a captured
                                         payment, a shipment ready to ship
    OrderFactory(state="canceled", contents="complete", stock_reserved_at=now())
                                         any state with any contents, for state-machine tables

What an order holds is built by the ``contents`` post-generation hook, named by the step
it is enough for (``CONTENT_STEPS``); the ``at_<state>`` traits pick state, contents and
the placed-order fields together. Rows in a given state are made by passing the state to
the constructor, the one place django-fsm lets a protected state field be set.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from carts.models import Cart, CartItem
from catalog.models import (
    Price,
    PriceMode,
    Product,
    ProductOption,
    ProductOptionPrice,
    Store,
    TaxRate,
    TaxSet,
    Variant,
)
from checkout.models import (
    Adjustment,
    AdjustmentKind,
    Expense,
    LineItem,
    Order,
    OrderAddress,
    OrderPaymentState,
    OrderReferenceCounter,
    OrderShipmentState,
    OrderState,
)
from core.money import round_ratio
from customers.models import (
    Address,
    BusinessUnit,
    Company,
    CompanyMember,
    CompanyUnitAddress,
    Country,
    Customer,
    Region,
)
from payments.models import CreditCard, Payment, PaymentMethod, PaymentPlugin, PaymentProvider, PaymentState
from shipping.models import (
    Carrier,
    RentalBooking,
    ServiceableZipcode,
    Shipment,
    ShipmentMethod,
    ShipmentMethodPrice,
    ShipmentState,
    ShippingRate,
    StockAllocation,
    StockItem,
    StockLocation,
    Zone,
)


def _letters(n: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'BA': upper-case names for codes that allow letters only."""
    out = ""
    while True:
        n, rest = divmod(n, 26)
        out = chr(ord("A") + rest) + out
        if n == 0:
            return out


# --- people ------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = Password("password-123")

    @factory.post_generation
    def permissions(user, create, extracted, **kwargs):
        """``UserFactory(permissions=["checkout.cancel_order"])``: grant these (app_label.codename)."""
        if not create or not extracted:
            return
        for dotted in extracted:
            app_label, codename = dotted.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def staff_user(*permissions: str, **kwargs):
    """A staff user (not a superuser) holding exactly ``permissions``, freshly loaded so the
    permission cache sees them."""
    user = UserFactory(staff=True, permissions=list(permissions), **kwargs)
    return get_user_model().objects.get(pk=user.pk)


class CountryFactory(DjangoModelFactory):
    """Germany unless told otherwise; one row per ISO code (get-or-create)."""

    class Meta:
        model = Country
        django_get_or_create = ("iso2_code",)

    class Params:
        us = factory.Trait(
            iso2_code="US", iso3_code="USA", name="United States",
            postal_code_regex=r"\d{5}(-\d{4})?", states_required=True,
        )
        austria = factory.Trait(iso2_code="AT", iso3_code="AUT", name="Austria", postal_code_regex=r"\d{4}")
        without_postal_codes = factory.Trait(
            iso2_code="HK", iso3_code="HKG", name="Hong Kong", postal_code_mandatory=False, postal_code_regex="",
        )

    iso2_code = "DE"
    iso3_code = "DEU"
    name = "Germany"
    postal_code_mandatory = True
    postal_code_regex = r"\d{5}"
    states_required = False


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    country = factory.SubFactory(CountryFactory)
    iso2_code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class PostalAddressFactory(DjangoModelFactory):
    """The fields every address shares: a valid address in Berlin."""

    class Meta:
        abstract = True

    first_name = "Spencor"
    last_name = "Hopkin"
    address1 = "Julie-Wolfthorn-Straße 1"
    zip_code = "10115"
    city = "Berlin"
    country = factory.SubFactory(CountryFactory)


class CustomerFactory(DjangoModelFactory):
    """A registered customer; ``CustomerFactory(guest=True)`` is a guest known by an anonymous id."""

    class Meta:
        model = Customer

    class Params:
        guest = factory.Trait(user=None, anonymous_id=factory.Sequence(lambda n: f"anonymous-{n}"),
                              email=factory.Sequence(lambda n: f"guest{n}@example.com"))

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda c: c.user.email if c.user else "")
    first_name = "Spencor"
    last_name = "Hopkin"


class AddressFactory(PostalAddressFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class BusinessUnitFactory(DjangoModelFactory):
    class Meta:
        model = BusinessUnit

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Business unit {n}")


class CompanyUnitAddressFactory(PostalAddressFactory):
    class Meta:
        model = CompanyUnitAddress

    account = factory.SubFactory(CompanyFactory)


class CompanyMemberFactory(DjangoModelFactory):
    class Meta:
        model = CompanyMember

    customer = factory.SubFactory(CustomerFactory)
    business_unit = factory.SubFactory(BusinessUnitFactory)


# --- catalog -----------------------------------------------------------------------------


class StoreFactory(DjangoModelFactory):
    """The German store (EUR, gross prices) unless told otherwise; one row per code."""

    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = "DE"
    name = "Germany"
    default_currency = "EUR"
    price_mode = PriceMode.GROSS
    country = factory.SubFactory(CountryFactory)


class TaxSetFactory(DjangoModelFactory):
    class Meta:
        model = TaxSet
        django_get_or_create = ("name",)

    name = "Standard Taxes"


class TaxRateFactory(DjangoModelFactory):
    class Meta:
        model = TaxRate

    tax_set = factory.SubFactory(TaxSetFactory)
    country = factory.SubFactory(CountryFactory)
    name = "Germany Standard"
    rate = Decimal("19.00")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    abstract_sku = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    tax_set = factory.SubFactory(TaxSetFactory)


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")


class PriceFactory(DjangoModelFactory):
    class Meta:
        model = Price

    variant = factory.SubFactory(VariantFactory)
    currency = "EUR"
    gross_amount = 2500
    net_amount = 2101


class ProductOptionFactory(DjangoModelFactory):
    class Meta:
        model = ProductOption

    sku = factory.Sequence(lambda n: f"OP-{n:04d}")
    name = factory.Sequence(lambda n: f"Option {n}")
    tax_set = factory.SubFactory(TaxSetFactory)


class ProductOptionPriceFactory(DjangoModelFactory):
    class Meta:
        model = ProductOptionPrice

    option = factory.SubFactory(ProductOptionFactory)
    currency = "EUR"
    gross_amount = 500
    net_amount = 420


# --- carts -------------------------------------------------------------------------------


class CartFactory(DjangoModelFactory):
    """A registered customer's cart; ``CartFactory(guest=True)`` belongs to an anonymous id."""

    class Meta:
        model = Cart

    class Params:
        guest = factory.Trait(customer=None, anonymous_id=factory.Sequence(lambda n: f"anonymous-cart-{n}"))

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory)
    currency = factory.SelfAttribute("store.default_currency")
    price_mode = factory.SelfAttribute("store.price_mode")


class CartItemFactory(DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 1


# --- shipping ----------------------------------------------------------------------------


class CarrierFactory(DjangoModelFactory):
    class Meta:
        model = Carrier

    name = factory.Sequence(lambda n: f"Carrier {n}")


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"Zone {n}")


class ShipmentMethodFactory(DjangoModelFactory):
    class Meta:
        model = ShipmentMethod

    carrier = factory.SubFactory(CarrierFactory)
    key = factory.Sequence(lambda n: f"method-{n}")
    name = factory.Sequence(lambda n: f"Method {n}")
    tax_set = factory.SubFactory(TaxSetFactory)


class ShipmentMethodPriceFactory(DjangoModelFactory):
    class Meta:
        model = ShipmentMethodPrice

    method = factory.SubFactory(ShipmentMethodFactory)
    currency = "EUR"
    gross_amount = 500
    net_amount = 420


class StockLocationFactory(DjangoModelFactory):
    class Meta:
        model = StockLocation

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    city = "Berlin"


class StockItemFactory(DjangoModelFactory):
    class Meta:
        model = StockItem

    stock_location = factory.SubFactory(StockLocationFactory)
    variant = factory.SubFactory(VariantFactory)
    count_on_hand = 10


class StockAllocationFactory(DjangoModelFactory):
    """Units held for an order line (already taken off ``count_on_hand`` by whoever held them)."""

    class Meta:
        model = StockAllocation

    stock_item = factory.SubFactory(StockItemFactory)
    line_item = factory.SubFactory(
        "tests.factories.LineItemFactory", variant=factory.SelfAttribute("..stock_item.variant")
    )
    quantity = factory.SelfAttribute("line_item.quantity")


class RentalBookingFactory(DjangoModelFactory):
    """Units of a rentable variant booked for a week from tomorrow."""

    class Meta:
        model = RentalBooking

    stock_item = factory.SubFactory(StockItemFactory)
    line_item = factory.SubFactory(
        "tests.factories.LineItemFactory", variant=factory.SelfAttribute("..stock_item.variant"), is_rentable=True
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + timedelta(days=7))
    quantity = 1


class ServiceableZipcodeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceableZipcode

    stock_location = factory.SubFactory(StockLocationFactory)
    zipcode = factory.Sequence(lambda n: f"{10000 + n}")


# --- checkout ----------------------------------------------------------------------------


class OrderAddressFactory(PostalAddressFactory):
    class Meta:
        model = OrderAddress


class OrderReferenceCounterFactory(DjangoModelFactory):
    class Meta:
        model = OrderReferenceCounter

    store = factory.SubFactory(StoreFactory)


# The steps an order's contents can be enough for, in order (see ``fill_order``).
CONTENT_STEPS = ("cart", "address", "delivery", "payment", "confirm", "complete")

ITEM_PRICE = 2500
ITEM_QUANTITY = 2
STANDARD_SHIPPING = 500
EXPRESS_SHIPPING = 1500


def _included_tax(amount: int, rate: Decimal = Decimal("19")) -> int:
    return round_ratio(amount * rate, 100 + rate)


def fill_order(order: Order, *, up_to: str, shipment_state: str | None = None) -> Order:
    """Give ``order`` what the checkout steps up to and including ``up_to`` require, and totals.

    - address:  a line item (2 × 25.00)
    - delivery: valid bill and ship addresses in Berlin; one shipment holding every line
                item, shipping from a warehouse of the order's store with 10 of each on hand,
                and two rates offered, none selected
    - payment:  the cheapest rate selected: the shipment has its method; a shipping expense
    - confirm:  a payment of the grand total, captured once the order is placed
    - complete: nothing more here; ``stock_reserved_at`` and the reference are order fields
                the ``at_complete`` trait sets

    When the order has ``stock_reserved_at``, its lines hold their stock as the stock
    services leave it: an allocation per line, and that many fewer on hand (8).
    The shipment's state follows the order's (pending while checking out, ready once placed,
    shipped once a return is under way, canceled with the order) unless ``shipment_state``
    says otherwise. The order is saved.
    """
    level = CONTENT_STEPS.index(up_to)
    if level >= CONTENT_STEPS.index("address"):
        LineItemFactory(order=order)
    if level >= CONTENT_STEPS.index("delivery"):
        order.bill_address = OrderAddressFactory()
        order.ship_address = OrderAddressFactory()
        state = shipment_state or _shipment_state_for(order)
        shipment = ShipmentFactory(
            order=order, method=None, cost=0, state=state,
            shipped_at=timezone.now() if state == ShipmentState.SHIPPED else None,
        )
        order.line_items.update(shipment=shipment)
        shipment.stock_location.stores.add(order.store)
        for item in order.line_items.all():
            stock = StockItemFactory(stock_location=shipment.stock_location, variant=item.variant)
            if order.stock_reserved_at:
                StockAllocationFactory(stock_item=stock, line_item=item, quantity=item.quantity)
                StockItem.objects.filter(pk=stock.pk).update(count_on_hand=stock.count_on_hand - item.quantity)
        standard = ShippingRateFactory(shipment=shipment, cost=STANDARD_SHIPPING)
        ShippingRateFactory(shipment=shipment, cost=EXPRESS_SHIPPING)
    if level >= CONTENT_STEPS.index("payment"):
        ShippingRate.objects.filter(pk=standard.pk).update(selected=True)
        Shipment.objects.filter(pk=shipment.pk).update(method=standard.method, cost=standard.cost)
        ExpenseFactory(order=order, shipment=shipment, unit_price=standard.cost)
    _total(order)
    if level >= CONTENT_STEPS.index("confirm"):
        PaymentFactory(order=order, captured=order.is_placed)
    order.save()
    return order


def _shipment_state_for(order: Order) -> str:
    return {
        OrderState.COMPLETE: ShipmentState.READY,
        OrderState.CANCELED: ShipmentState.CANCELED,
        OrderState.AWAITING_RETURN: ShipmentState.SHIPPED,
        OrderState.RETURNED: ShipmentState.SHIPPED,
    }.get(order.state, ShipmentState.PENDING)


def _total(order: Order) -> None:
    items = list(order.line_items.all())
    expenses = list(order.expenses.all())
    order.item_total = sum(i.sum_price for i in items)
    order.expense_total = sum(e.unit_price * e.quantity for e in expenses)
    order.tax_total = order.included_tax_total = (
        sum(i.sum_tax_amount for i in items) + sum(e.sum_tax_amount for e in expenses)
    )
    order.grand_total = order.item_total + order.expense_total


def _contents(*, up_to: str | None) -> factory.PostGeneration:
    """The ``contents`` hook: ``contents="delivery"`` fills the order up to that step (see
    ``fill_order``); ``contents__shipment_state="shipped"`` overrides the shipment's state.
    The ``at_<state>`` traits swap in a hook with their own default step."""

    def fill(order, create, extracted, **kwargs):
        step = extracted or up_to
        if create and step:
            fill_order(order, up_to=step, **kwargs)

    return factory.PostGeneration(fill)


class OrderFactory(DjangoModelFactory):
    """An order of a registered customer in the German store; see the module docstring."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    class Params:
        placed = factory.Trait(
            reference=factory.Sequence(lambda n: f"DE--{n + 1}"),
            completed_at=factory.LazyFunction(timezone.now),
            stock_reserved_at=factory.LazyFunction(timezone.now),
            payment_state=OrderPaymentState.PAID,
        )
        at_address = factory.Trait(state=OrderState.ADDRESS, contents=_contents(up_to="address"))
        at_delivery = factory.Trait(state=OrderState.DELIVERY, contents=_contents(up_to="delivery"))
        at_payment = factory.Trait(state=OrderState.PAYMENT, contents=_contents(up_to="payment"))
        at_confirm = factory.Trait(state=OrderState.CONFIRM, contents=_contents(up_to="confirm"))
        at_complete = factory.Trait(
            placed=True, state=OrderState.COMPLETE, contents=_contents(up_to="complete"),
            shipment_state=OrderShipmentState.READY,
        )
        at_canceled = factory.Trait(
            placed=True, state=OrderState.CANCELED, contents=_contents(up_to="complete"), stock_reserved_at=None,
            canceled_at=factory.LazyFunction(timezone.now),
            payment_state=OrderPaymentState.CREDIT_OWED, shipment_state=OrderShipmentState.CANCELED,
        )
        at_awaiting_return = factory.Trait(
            placed=True, state=OrderState.AWAITING_RETURN, contents=_contents(up_to="complete"),
            shipment_state=OrderShipmentState.SHIPPED,
        )
        at_returned = factory.Trait(
            placed=True, state=OrderState.RETURNED, contents=_contents(up_to="complete"),
            shipment_state=OrderShipmentState.SHIPPED,
        )

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory)
    email = factory.LazyAttribute(lambda o: o.customer.email if o.customer else "guest@example.com")
    currency = factory.SelfAttribute("store.default_currency")
    price_mode = factory.SelfAttribute("store.price_mode")

    contents = _contents(up_to=None)


class LineItemFactory(DjangoModelFactory):
    """2 × 25.00 gross, 19% included."""

    class Meta:
        model = LineItem

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(VariantFactory)
    sku = factory.LazyAttribute(lambda i: i.variant.sku if i.variant else "GONE-1")
    name = factory.LazyAttribute(lambda i: i.variant.display_name if i.variant else "A product no longer sold")
    quantity = ITEM_QUANTITY
    unit_price = ITEM_PRICE
    unit_gross_price = factory.SelfAttribute("unit_price")
    tax_rate = Decimal("19.00")
    sum_price_to_pay = factory.LazyAttribute(lambda i: i.unit_price * i.quantity)
    sum_tax_amount = factory.LazyAttribute(lambda i: _included_tax(i.unit_price * i.quantity, i.tax_rate))


class ExpenseFactory(DjangoModelFactory):
    class Meta:
        model = Expense

    order = factory.SubFactory(OrderFactory)
    name = "Standard"
    quantity = 1
    unit_price = STANDARD_SHIPPING
    unit_gross_price = factory.SelfAttribute("unit_price")
    tax_rate = Decimal("19.00")
    sum_price_to_pay = factory.LazyAttribute(lambda e: e.unit_price * e.quantity)
    sum_tax_amount = factory.LazyAttribute(lambda e: _included_tax(e.unit_price * e.quantity, e.tax_rate))


class AdjustmentFactory(DjangoModelFactory):
    class Meta:
        model = Adjustment

    order = factory.SubFactory(OrderFactory)
    kind = AdjustmentKind.DISCOUNT
    label = "10% off"
    amount = 500


# --- shipments and their rates -------------------------------------------------------------


class ShipmentFactory(DjangoModelFactory):
    """A pending shipment with a method, shipping from its own warehouse to the order's ship address.

    ``ShipmentFactory(state="shipped")`` or ``ShipmentFactory(shipped=True)`` for other states.
    """

    class Meta:
        model = Shipment

    class Params:
        shipped = factory.Trait(
            state=ShipmentState.SHIPPED, tracking="1Z999AA10123456784", shipped_at=factory.LazyFunction(timezone.now),
        )

    order = factory.SubFactory(OrderFactory)
    method = factory.SubFactory(ShipmentMethodFactory)
    stock_location = factory.SubFactory(StockLocationFactory)
    cost = STANDARD_SHIPPING


class ShippingRateFactory(DjangoModelFactory):
    class Meta:
        model = ShippingRate

    shipment = factory.SubFactory(ShipmentFactory)
    method = factory.SubFactory(ShipmentMethodFactory)
    cost = STANDARD_SHIPPING


# --- payments ------------------------------------------------------------------------------


class PaymentProviderFactory(DjangoModelFactory):
    class Meta:
        model = PaymentProvider
        django_get_or_create = ("name",)

    name = "DummyPayment"


class PaymentMethodFactory(DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    provider = factory.SubFactory(PaymentProviderFactory)
    name = factory.Sequence(lambda n: f"Method {n}")
    plugin = PaymentPlugin.DUMMY_INVOICE


class CreditCardFactory(DjangoModelFactory):
    class Meta:
        model = CreditCard

    customer = factory.SubFactory(CustomerFactory)
    brand = "visa"
    last_digits = "1111"
    month = 12
    year = 2030


class PaymentFactory(DjangoModelFactory):
    """A payment of the order's grand total, still in checkout; ``captured=True`` for a captured one."""

    class Meta:
        model = Payment

    class Params:
        authorized = factory.Trait(state=PaymentState.PENDING)
        captured = factory.Trait(state=PaymentState.COMPLETED, captured_amount=factory.SelfAttribute("amount"))

    order = factory.SubFactory(OrderFactory)
    method = factory.SubFactory(PaymentMethodFactory)
    amount = factory.LazyAttribute(lambda p: p.order.grand_total or 1000)
    currency = factory.SelfAttribute("order.currency")
