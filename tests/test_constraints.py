"""Database constraints reject bad rows, on SQLite and PostgreSQL alike; model validation
(``full_clean``) rejects what only Python can check.

Each rejected write runs in its own savepoint, so the test can look at the table afterwards.
The expected error names the constraint (PostgreSQL) or its columns (SQLite), so a row
refused for another reason would not pass.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carts.models import Cart, CartItem
from catalog.models import Price, Product, ProductOption, ProductOptionPrice, TaxRate, Variant
from checkout.models import Adjustment, Expense, LineItem, Order, OrderState
from customers.models import Address, CompanyMember, Country, Customer, Region
from payments.models import CreditCard, Payment, PaymentMethod
from shipping.models import (
    RentalBooking,
    Shipment,
    ShipmentMethodPrice,
    ShippingRate,
    StockAllocation,
    StockItem,
    StockLocation,
)
from tests.factories import (
    AddressFactory,
    AdjustmentFactory,
    CartFactory,
    CartItemFactory,
    CompanyMemberFactory,
    CountryFactory,
    CreditCardFactory,
    CustomerFactory,
    ExpenseFactory,
    LineItemFactory,
    OrderAddressFactory,
    OrderFactory,
    PaymentFactory,
    PaymentMethodFactory,
    PriceFactory,
    ProductFactory,
    ProductOptionFactory,
    ProductOptionPriceFactory,
    RegionFactory,
    RentalBookingFactory,
    ShipmentFactory,
    ShipmentMethodPriceFactory,
    ShippingRateFactory,
    StockAllocationFactory,
    StockItemFactory,
    StockLocationFactory,
    TaxRateFactory,
    TaxSetFactory,
    UserFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(model, match: str, make) -> None:
    """``make()`` raises IntegrityError naming ``match``, and ``model`` gains no row."""
    before = model.objects.count()
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        make()
    assert model.objects.count() == before


# --- customers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "match"),
    [
        ("is_default_billing", "address_one_default_billing_per_customer|customers_address.customer_id"),
        ("is_default_shipping", "address_one_default_shipping_per_customer|customers_address.customer_id"),
    ],
)
def test_a_customer_has_at_most_one_default_billing_and_one_default_shipping_address(flag, match):
    first = AddressFactory(**{flag: True})
    assert_rejected(Address, match, lambda: AddressFactory(customer=first.customer, **{flag: True}))
    AddressFactory(customer=first.customer, **{flag: False})  # more non-default addresses are fine
    assert first.customer.addresses.count() == 2


def test_two_customers_may_each_have_their_own_default_addresses():
    for _ in range(2):
        AddressFactory(is_default_billing=True, is_default_shipping=True)
    assert Address.objects.filter(is_default_billing=True, is_default_shipping=True).count() == 2


def test_a_customer_may_have_one_default_billing_and_another_default_shipping_address():
    customer = CustomerFactory()
    AddressFactory(customer=customer, is_default_billing=True)
    AddressFactory(customer=customer, is_default_shipping=True)
    assert customer.addresses.count() == 2


def test_a_customer_cannot_be_both_registered_and_a_guest():
    assert_rejected(
        Customer, "customer_registered_or_guest",
        lambda: CustomerFactory(user=UserFactory(), anonymous_id="anonymous-1"),
    )


def test_a_registered_customer_email_is_unique_whatever_its_case():
    CustomerFactory(email="Spencor.Hopkin@Example.com")
    assert_rejected(
        Customer, "customer_registered_email_unique", lambda: CustomerFactory(email="spencor.hopkin@example.COM")
    )


def test_guests_may_share_an_email_with_each_other_and_with_a_registered_customer():
    CustomerFactory(email="sonia@example.com")
    CustomerFactory(guest=True, email="sonia@example.com")
    CustomerFactory(guest=True, email="SONIA@example.com")
    assert Customer.objects.filter(email__iexact="sonia@example.com").count() == 3


def test_registered_customers_without_an_email_do_not_collide():
    CustomerFactory(email="")
    CustomerFactory(email="")
    assert Customer.objects.filter(email="").count() == 2


def test_a_guest_anonymous_id_is_unique():
    CustomerFactory(guest=True, anonymous_id="anonymous-1")
    assert_rejected(Customer, "anonymous_id", lambda: CustomerFactory(guest=True, anonymous_id="anonymous-1"))


def test_a_country_with_mandatory_postal_codes_needs_a_postal_code_pattern():
    assert_rejected(
        Country, "country_mandatory_postal_code_has_rule",
        lambda: CountryFactory(iso2_code="FR", iso3_code="FRA", name="France", postal_code_regex=""),
    )
    CountryFactory(iso2_code="FR", iso3_code="FRA", name="France", postal_code_regex=r"\d{5}")
    CountryFactory(without_postal_codes=True)  # not mandatory: no pattern needed
    assert Country.objects.filter(iso2_code__in=["FR", "HK"]).count() == 2


def test_a_region_code_is_unique_within_its_country_only():
    germany = RegionFactory(iso2_code="BY").country
    assert_rejected(Region, "region_code_unique_in_country|customers_region.country_id",
                    lambda: RegionFactory(country=germany, iso2_code="BY"))
    RegionFactory(country=CountryFactory(austria=True), iso2_code="BY")
    assert Region.objects.filter(iso2_code="BY").count() == 2


def test_a_customer_has_at_most_one_default_business_unit():
    member = CompanyMemberFactory(is_default=True)
    assert_rejected(
        CompanyMember, "member_one_default_unit_per_customer|customers_companymember.customer_id",
        lambda: CompanyMemberFactory(customer=member.customer, is_default=True),
    )


# --- customers: model validation ---------------------------------------------------------------


def test_full_clean_accepts_a_valid_german_address():
    OrderAddressFactory.build(country=CountryFactory(), region=RegionFactory()).full_clean()


@pytest.mark.parametrize("zip_code", ["1234", "123456", "ABCDE", ""])
def test_full_clean_rejects_a_zip_code_the_country_does_not_accept(zip_code):
    address = OrderAddressFactory.build(country=CountryFactory(), zip_code=zip_code)
    with pytest.raises(ValidationError) as invalid:
        address.full_clean()
    assert list(invalid.value.message_dict) == ["zip_code"]


def test_full_clean_rejects_a_region_of_another_country():
    texas = RegionFactory(country=CountryFactory(us=True), iso2_code="TX", name="Texas")
    address = OrderAddressFactory.build(country=CountryFactory(), region=texas)
    with pytest.raises(ValidationError) as invalid:
        address.full_clean()
    assert invalid.value.message_dict == {"region": ["Texas is not a region of Germany."]}


def test_full_clean_requires_a_region_where_the_country_says_so():
    us = CountryFactory(us=True)
    address = AddressFactory.build(customer=CustomerFactory(), country=us, zip_code="94107-1234", region=None)
    with pytest.raises(ValidationError) as invalid:
        address.full_clean()
    assert invalid.value.message_dict == {"region": ["Addresses in United States need a region."]}

    address.region = RegionFactory(country=us, iso2_code="CA", name="California")
    address.full_clean()


def test_full_clean_accepts_any_or_no_zip_code_in_a_country_without_postal_codes():
    country = CountryFactory(without_postal_codes=True)
    for zip_code in ("", "anything"):
        OrderAddressFactory.build(country=country, zip_code=zip_code).full_clean()


def test_full_clean_rejects_a_postal_code_pattern_that_is_not_a_regular_expression():
    country = CountryFactory.build(iso2_code="XA", iso3_code="XAA", postal_code_regex=r"(\d{5}")
    with pytest.raises(ValidationError) as invalid:
        country.full_clean()
    assert list(invalid.value.message_dict) == ["postal_code_regex"]


def test_full_clean_reports_the_mandatory_postal_code_rule_before_the_database_does():
    country = CountryFactory.build(iso2_code="XB", iso3_code="XBB", postal_code_regex="")
    with pytest.raises(ValidationError, match="needs a postal code pattern"):
        country.full_clean()


# --- catalog -----------------------------------------------------------------------------------


def test_a_variant_sku_is_unique():
    VariantFactory(sku="ROR-00011")
    assert_rejected(Variant, "sku", lambda: VariantFactory(sku="ROR-00011"))


def test_a_product_abstract_sku_is_unique():
    ProductFactory(abstract_sku="ROR-0001")
    assert_rejected(Product, "abstract_sku", lambda: ProductFactory(abstract_sku="ROR-0001"))


def test_a_product_option_sku_is_unique():
    ProductOptionFactory(sku="OP_insurance")
    assert_rejected(ProductOption, "sku", lambda: ProductOptionFactory(sku="OP_insurance"))


def test_a_price_needs_a_gross_or_a_net_amount():
    assert_rejected(Price, "price_has_an_amount", lambda: PriceFactory(gross_amount=None, net_amount=None))
    PriceFactory(gross_amount=None, net_amount=2101)
    PriceFactory(gross_amount=2500, net_amount=None)
    assert Price.objects.count() == 2


def test_an_option_price_needs_a_gross_or_a_net_amount():
    assert_rejected(
        ProductOptionPrice, "option_price_has_an_amount",
        lambda: ProductOptionPriceFactory(gross_amount=None, net_amount=None),
    )


def test_a_variant_has_one_price_per_currency():
    price = PriceFactory(currency="EUR")
    assert_rejected(Price, "price_one_per_variant_currency|catalog_price.variant_id",
                    lambda: PriceFactory(variant=price.variant, currency="EUR"))
    PriceFactory(variant=price.variant, currency="USD")
    assert price.variant.prices.count() == 2


@pytest.mark.parametrize("rate", [Decimal("100.01"), Decimal("150"), Decimal("-0.01")])
def test_a_tax_rate_lies_between_0_and_100_percent(rate):
    assert_rejected(TaxRate, "tax_rate_between_0_and_100", lambda: TaxRateFactory(rate=rate))


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("100")])
def test_a_tax_rate_of_exactly_0_or_100_percent_is_allowed(rate):
    assert TaxRateFactory(rate=rate).pk


def test_a_tax_set_has_one_rate_per_country_and_one_fallback():
    tax_set = TaxSetFactory()
    TaxRateFactory(tax_set=tax_set, country=CountryFactory())
    TaxRateFactory(tax_set=tax_set, country=None)
    assert_rejected(TaxRate, "tax_rate_one_per_country|catalog_taxrate.tax_set_id",
                    lambda: TaxRateFactory(tax_set=tax_set, country=CountryFactory()))
    assert_rejected(TaxRate, "tax_rate_one_fallback_per_set|catalog_taxrate.tax_set_id",
                    lambda: TaxRateFactory(tax_set=tax_set, country=None))


# --- carts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "match"), [(0, "cart_item_quantity_positive"), (-1, "quantity")])
def test_a_cart_item_quantity_is_positive(quantity, match):
    assert_rejected(CartItem, match, lambda: CartItemFactory(quantity=quantity))


def test_a_cart_holds_one_line_per_variant():
    item = CartItemFactory()
    assert_rejected(CartItem, "cart_item_one_line_per_variant|carts_cartitem.cart_id",
                    lambda: CartItemFactory(cart=item.cart, variant=item.variant))


def test_a_cart_belongs_to_a_customer_or_a_guest_not_both():
    assert_rejected(
        Cart, "cart_owned_by_customer_or_guest", lambda: CartFactory(customer=CustomerFactory(), anonymous_id="anon-1")
    )
    CartFactory()
    CartFactory(guest=True)
    assert Cart.objects.count() == 2


# --- shipping ----------------------------------------------------------------------------------


def test_stock_on_hand_is_never_negative():
    assert_rejected(StockItem, "count_on_hand|stock_item_count_not_negative",
                    lambda: StockItemFactory(count_on_hand=-1))


def test_stock_on_hand_cannot_be_updated_below_zero():
    item = StockItemFactory(count_on_hand=1)
    with pytest.raises(IntegrityError, match="count_on_hand|stock_item_count_not_negative"), transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(count_on_hand=-1)
    item.refresh_from_db()
    assert item.count_on_hand == 1


def test_a_location_stocks_a_variant_in_one_row():
    item = StockItemFactory()
    assert_rejected(
        StockItem, "stock_item_one_per_location_variant|shipping_stockitem.stock_location_id",
        lambda: StockItemFactory(stock_location=item.stock_location, variant=item.variant),
    )


def test_only_one_stock_location_is_the_default():
    StockLocationFactory(is_default=True)
    assert_rejected(StockLocation, "one_default_stock_location|shipping_stocklocation.is_default",
                    lambda: StockLocationFactory(is_default=True))
    StockLocationFactory(is_default=False)
    assert StockLocation.objects.count() == 2


def test_a_shipment_has_at_most_one_selected_shipping_rate():
    selected = ShippingRateFactory(selected=True)
    assert_rejected(
        ShippingRate, "shipping_rate_one_selected|shipping_shippingrate.shipment_id",
        lambda: ShippingRateFactory(shipment=selected.shipment, selected=True),
    )
    ShippingRateFactory(shipment=selected.shipment, selected=False)
    ShippingRateFactory(selected=True)  # another shipment's choice
    assert ShippingRate.objects.filter(selected=True).count() == 2


def test_selecting_a_second_rate_without_unselecting_the_first_is_rejected():
    first = ShippingRateFactory(selected=True)
    second = ShippingRateFactory(shipment=first.shipment)
    with pytest.raises(IntegrityError, match="shipping_rate_one_selected|shipping_shippingrate.shipment_id"), \
            transaction.atomic():
        ShippingRate.objects.filter(pk=second.pk).update(selected=True)
    assert list(ShippingRate.objects.filter(selected=True).values_list("pk", flat=True)) == [first.pk]


def test_a_shipment_offers_a_method_once():
    rate = ShippingRateFactory()
    assert_rejected(ShippingRate, "shipping_rate_once_per_method|shipping_shippingrate.shipment_id",
                    lambda: ShippingRateFactory(shipment=rate.shipment, method=rate.method))


def test_a_stock_allocation_holds_or_backorders_something():
    assert_rejected(StockAllocation, "allocation_not_empty",
                    lambda: StockAllocationFactory(quantity=0, backordered=0))
    StockAllocationFactory(quantity=0, backordered=2)
    assert StockAllocation.objects.count() == 1


@pytest.mark.parametrize("hours", [0, -1])
def test_a_rental_booking_ends_after_it_starts(hours):
    start = timezone.now()
    assert_rejected(RentalBooking, "rental_booking_ends_after_start",
                    lambda: RentalBookingFactory(starts_at=start, ends_at=start + timedelta(hours=hours)))


def test_a_rental_booking_books_at_least_one_unit():
    assert_rejected(RentalBooking, "rental_booking_quantity_positive", lambda: RentalBookingFactory(quantity=0))


def test_a_shipment_method_price_needs_a_gross_or_a_net_amount():
    assert_rejected(ShipmentMethodPrice, "shipment_price_has_an_amount",
                    lambda: ShipmentMethodPriceFactory(gross_amount=None, net_amount=None))


# --- payments ----------------------------------------------------------------------------------


def test_a_payment_cannot_capture_more_than_its_amount():
    assert_rejected(Payment, "payment_captured_within_amount",
                    lambda: PaymentFactory(amount=1000, captured_amount=1001))
    assert PaymentFactory(amount=1000, captured_amount=1000).pk


def test_a_payment_cannot_refund_more_than_was_captured():
    assert_rejected(Payment, "payment_refunded_within_captured",
                    lambda: PaymentFactory(amount=1000, captured_amount=500, refunded_amount=501))
    assert PaymentFactory(amount=1000, captured_amount=500, refunded_amount=500).pk


def test_a_captured_amount_cannot_be_lowered_below_what_was_refunded():
    payment = PaymentFactory(amount=1000, captured_amount=1000, refunded_amount=800)
    with pytest.raises(IntegrityError, match="payment_refunded_within_captured"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(captured_amount=700)
    payment.refresh_from_db()
    assert payment.captured_amount == 1000


@pytest.mark.parametrize("month", [0, 13])
def test_a_credit_card_month_is_a_month(month):
    assert_rejected(CreditCard, "credit_card_month_valid", lambda: CreditCardFactory(month=month))


def test_a_payment_method_name_is_unique_within_its_provider_whatever_its_case():
    method = PaymentMethodFactory(name="Invoice")
    assert_rejected(PaymentMethod, "payment_method_name_unique_in_provider",
                    lambda: PaymentMethodFactory(provider=method.provider, name="INVOICE"))


# --- checkout ----------------------------------------------------------------------------------


def test_an_order_reference_is_unique():
    OrderFactory(at_complete=True, reference="DE--1")
    assert_rejected(Order, "reference", lambda: OrderFactory(at_complete=True, reference="DE--1"))


def test_an_order_number_is_unique():
    OrderFactory(number="R123456789")
    assert_rejected(Order, "number", lambda: OrderFactory(number="R123456789"))


def test_the_user_managed_order_number_may_repeat():
    OrderFactory(order_number="PO-1")
    OrderFactory(order_number="PO-1")
    assert Order.objects.filter(order_number="PO-1").count() == 2


@pytest.mark.parametrize(
    "state", [OrderState.CART, OrderState.ADDRESS, OrderState.DELIVERY, OrderState.PAYMENT, OrderState.CONFIRM]
)
def test_an_order_still_checking_out_has_no_reference(state):
    assert_rejected(Order, "order_reference_only_when_placed", lambda: OrderFactory(state=state, reference="DE--1"))


@pytest.mark.parametrize(
    "state", [OrderState.COMPLETE, OrderState.CANCELED, OrderState.AWAITING_RETURN, OrderState.RETURNED]
)
def test_a_placed_order_may_have_a_reference(state):
    assert OrderFactory(state=state, reference="DE--1").reference == "DE--1"


@pytest.mark.parametrize("days", [-1, 0])
def test_a_rental_ends_after_it_starts(days):
    start = timezone.now()
    assert_rejected(
        Order, "order_rental_ends_after_start",
        lambda: OrderFactory(rental_start_date=start, rental_end_date=start + timedelta(days=days)),
    )
    assert OrderFactory(rental_start_date=start, rental_end_date=start + timedelta(days=1)).pk


@pytest.mark.parametrize("total", ["item_total", "discount_total", "tax_total", "grand_total", "payment_total"])
def test_order_totals_are_not_negative(total):
    assert_rejected(Order, "order_totals_not_negative", lambda: OrderFactory(**{total: -1}))


@pytest.mark.parametrize(("field", "value", "match"), [
    ("quantity", 0, "line_item_quantity_positive"),
    ("unit_price", -1, "line_item_amounts_not_negative"),
    ("sum_discount_amount", -1, "line_item_amounts_not_negative"),
    ("tax_rate", Decimal("100.5"), "line_item_tax_rate_valid"),
])
def test_line_item_quantities_prices_and_tax_rates_are_valid(field, value, match):
    order = OrderFactory()
    assert_rejected(LineItem, match, lambda: LineItemFactory(order=order, **{field: value}))


def test_an_expense_amount_is_not_negative():
    assert_rejected(Expense, "expense_amounts_not_negative", lambda: ExpenseFactory(unit_price=-1))


def test_an_adjustment_applies_to_a_line_item_or_an_expense_not_both():
    item = LineItemFactory()
    expense = ExpenseFactory(order=item.order)
    assert_rejected(
        Adjustment, "adjustment_on_item_or_expense_not_both",
        lambda: AdjustmentFactory(order=item.order, line_item=item, expense=expense),
    )
    AdjustmentFactory(order=item.order, line_item=item)
    AdjustmentFactory(order=item.order, expense=expense)
    assert Adjustment.objects.count() == 2


def test_an_adjustment_amount_is_not_negative():
    assert_rejected(Adjustment, "adjustment_amount_not_negative", lambda: AdjustmentFactory(amount=-1))


def test_a_shipment_cost_is_not_negative():
    assert_rejected(Shipment, "cost", lambda: ShipmentFactory(cost=-1))
