"""Phase 2 of placing an order: read the cart, check every rule, price it. Writes nothing.

Every refusal is a coded DomainError naming the field to fix; the number of
queries does not grow with the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet

from carts.models import Cart, CartItem
from catalog.selectors import TaxRates, tax_rates_for
from checkout.addressing import countries_for, order_address_from
from checkout.cart_pricing import ShipmentToPrice, cart_price, is_priced
from checkout.exceptions import CartIsEmpty, CheckoutDataInvalid, CurrencyMismatch, OrderCannotBePlaced
from checkout.inputs import CheckoutData, RentalInput
from checkout.models import OrderAddress
from checkout.priced_items import priced_cart_items
from checkout.shipment_methods import delivers_to, shipment_methods_for
from checkout.stock_sources import order_stock_locations
from core.errors import FieldPath
from customers.models import Country, Customer
from payments.exceptions import InvalidPaymentMethod
from payments.models import PaymentMethod
from payments.rules import payment_requests_check
from payments.selectors import manual_payment_method
from pricing import Totals
from shipping.exceptions import InsufficientStock
from shipping.models import ShipmentMethod
from shipping.selectors import availability_of, variant_availability


@dataclass
class PlannedShipment:
    address: OrderAddress
    method: ShipmentMethod
    cost: int
    tax_rate: Decimal
    requested_delivery_date: date | None
    skus: list[str]


@dataclass
class Plan:
    cart: Cart
    currency: str
    price_mode: str
    customer: Customer | None  # the registered customer; None for a guest
    email: str
    guest_name: tuple[str, str, str]  # salutation, first, last
    billing_address: OrderAddress
    shipments: list[PlannedShipment]
    items: list[CartItem]
    totals: Totals
    voucher_codes: list[str]
    payment_method: PaymentMethod | None
    location_ids: list[int] | QuerySet  # stock_locations_serving: evaluated where it is used
    rental: RentalInput | None
    data: CheckoutData


def plan_checkout(*, cart: Cart, shopper_customer: Customer | None, data: CheckoutData,
                  awaiting_payment: bool = False) -> Plan:
    """``awaiting_payment``: the order waits to be paid with the shop's manual method (``data.payments``
    is not read)."""
    currency = cart.currency or cart.store.default_currency
    countries = countries_for([data.billing_address, *(s.address for s in data.shipments)])
    items = _cart_items(cart, currency, data, countries)
    email, guest_name = _contact(shopper_customer, data)
    if data.billing_address is None:
        raise CheckoutDataInvalid("A billing address is required.", field=("billing_address",))
    billing = order_address_from(given=data.billing_address, customer=shopper_customer, countries=countries,
                                 field=("billing_address",))
    manual = _manual_method(billing.country) if awaiting_payment else None
    shipments = _shipments(cart, items, data, shopper_customer, countries, currency)
    rates = _tax_rates(items, shipments)
    totals, voucher_codes = _price(cart, items, shipments, rates)
    has_gift_card = any(i.variant.product.is_gift_card for i in items)
    payment_method = None
    if totals.grand_total > 0 and awaiting_payment:
        payment_method = manual
    elif totals.grand_total > 0:
        payment_method = payment_requests_check(payments=list(data.payments), has_gift_card=has_gift_card)
        _check_payment_country(payment_method, billing.country)
    location_ids = _locations(cart, items, data)
    _check_stock(items, location_ids, data.rental)
    return Plan(
        cart=cart, currency=currency, price_mode=cart.price_mode, customer=shopper_customer, email=email,
        guest_name=guest_name, billing_address=billing, shipments=shipments, items=items, totals=totals,
        voucher_codes=voucher_codes, payment_method=payment_method, location_ids=location_ids, rental=data.rental,
        data=data,
    )


def _cart_items(cart: Cart, currency: str, data: CheckoutData, countries: dict[str, Country]) -> list[CartItem]:
    """The priced items, with their tax rates in the countries the addresses name and, without a
    rental, what the store's locations hold of them (``_check_stock``)."""
    items = priced_cart_items(cart=cart, currency=currency, order_by="variant__sku", locale=data.locale,
                              tax_countries=[c.pk for c in countries.values()],
                              stock_of_store=cart.store_id if data.rental is None else None)
    if not items:
        raise CartIsEmpty(meta={"idCart": str(cart.uuid)})
    for item in items:
        if not (item.variant.is_active and item.variant.product.is_active):
            raise CheckoutDataInvalid(f"{item.variant.sku} is no longer sold; remove it from the cart.",
                                      meta={"sku": item.variant.sku})
        if not is_priced(item, cart.price_mode):
            raise CurrencyMismatch(f"{item.variant.sku} has no price in {currency}.",
                                   meta={"sku": item.variant.sku, "currency": currency})
    return items


def _manual_method(country: Country) -> PaymentMethod:
    method = manual_payment_method(country_id=country.pk)
    if method is None:
        raise OrderCannotBePlaced("The shop has no manual payment method to take orders awaiting payment with.")
    return method


def _check_payment_country(method: PaymentMethod, country: Country) -> None:
    if method.is_restricted and not method.countries.filter(pk=country.pk).exists():
        raise InvalidPaymentMethod(method=method.name, provider=method.provider.name,
                                   meta={"reason": f"not offered for billing addresses in {country.name}"})


def _contact(customer: Customer | None, data: CheckoutData) -> tuple[str, tuple[str, str, str]]:
    given = data.customer
    email = (given.email if given else "").strip() or (customer.email if customer else "")
    field = ("customer", "email")
    if not email:
        raise CheckoutDataInvalid("An e-mail address is required.", field=field)
    try:
        validate_email(email)
    except ValidationError:
        raise CheckoutDataInvalid(f"{email!r} is not a valid e-mail address.", field=field) from None
    name = (given.salutation, given.first_name, given.last_name) if given else ("", "", "")
    return email, name


def _shipments(cart, items, data, customer, countries, currency) -> list[PlannedShipment]:
    if not data.shipments:
        raise CheckoutDataInvalid("Choose a shipment method.", field=("shipment",))
    skus_by_shipment = _assign_items(items, data)
    addresses, refusal = _shipping_addresses(data, customer, countries)
    methods = shipment_methods_for(cart=cart, currency=currency, ids=[s.method_id for s in data.shipments],
                                   countries={address.country_id for address in addresses})
    planned = []
    for n, (given, address, skus) in enumerate(zip(data.shipments, addresses, skus_by_shipment)):
        method = _usable_method(methods.get(given.method_id), cart, address.country, ("shipments", n, "method_id"),
                                given.method_id)
        if given.requested_delivery_date and given.requested_delivery_date < date.today():
            raise CheckoutDataInvalid("The requested delivery date is in the past.",
                                      field=("shipments", n, "requested_delivery_date"))
        cost = method.cost_here
        planned.append(PlannedShipment(address, method, cost, Decimal(0), given.requested_delivery_date, skus))
    if refusal:
        raise refusal
    return planned


def _shipping_addresses(data, customer, countries) -> tuple[list[OrderAddress], CheckoutDataInvalid | None]:
    """The shipments' addresses up to the first one refused, and its refusal. The methods are read for
    the countries of these addresses; the refusal waits until the shipments before it are checked,
    so that the first shipment in error is the one reported."""
    addresses = []
    for n, given in enumerate(data.shipments):
        field = ("shipments", n, "address")
        try:
            if given.address is None:
                raise CheckoutDataInvalid("The shipment needs a shipping address.", field=field)
            addresses.append(order_address_from(given=given.address, customer=customer, countries=countries,
                                                field=field))
        except CheckoutDataInvalid as refusal:
            return addresses, refusal
    return addresses, None


def _usable_method(method, cart: Cart, country: Country, field: FieldPath, given_id) -> ShipmentMethod:
    if method is None:
        raise CheckoutDataInvalid(f"There is no shipment method {given_id!r}.", field=field)
    if not method.serves_store:
        raise CheckoutDataInvalid(f"{method.name} is not offered in this store.", field=field)
    if not delivers_to(method, country):
        raise CheckoutDataInvalid(f"{method.name} does not deliver to {country.name}.", field=field)
    if method.cost_here is None:
        raise CheckoutDataInvalid(f"{method.name} has no price in {cart.currency or cart.store.default_currency}.",
                                  field=field)
    return method


def _assign_items(items, data: CheckoutData) -> list[list[str]]:
    """Which skus each shipment carries: the ones it names, or every sku no other shipment names."""
    in_cart = {i.variant.sku for i in items}
    named: dict[str, int] = {}
    for n, shipment in enumerate(data.shipments):
        for sku in shipment.items or ():
            if sku not in in_cart:
                raise CheckoutDataInvalid(f"{sku!r} is not in the cart.", field=("shipments", n, "items"),
                                          meta={"sku": sku})
            if sku in named:
                raise CheckoutDataInvalid(f"{sku!r} is in two shipments.", field=("shipments", n, "items"),
                                          meta={"sku": sku})
            named[sku] = n
    catch_all = [n for n, s in enumerate(data.shipments) if s.items is None]
    if len(catch_all) > 1:
        raise CheckoutDataInvalid("Only one shipment may leave its items out.",
                                  field=("shipments", catch_all[1], "items"))
    for sku in sorted(in_cart - set(named)):
        if not catch_all:
            raise CheckoutDataInvalid(f"{sku!r} is in no shipment.", field=("shipments",), meta={"sku": sku})
        named[sku] = catch_all[0]
    return [sorted(sku for sku, n in named.items() if n == index) for index in range(len(data.shipments))]


def _tax_rates(items, shipments) -> TaxRates:
    """The rates read with the items and the methods; all of them in one more query when an item
    goes to a country the items were not read for (an address given by id names none)."""
    read = {(i.variant.product.tax_set_id, country): rate for i in items for country, rate in i.tax_rates_here.items()}
    read |= {(s.method.tax_set_id, country): rate for s in shipments for country, rate in s.method.tax_rates.items()}
    country_of = {sku: s.address.country_id for s in shipments for sku in s.skus}
    needed = {(i.variant.product.tax_set_id, country_of[i.variant.sku]) for i in items}
    if needed <= read.keys():
        return TaxRates({key: rate for key, rate in read.items() if rate is not None})
    return tax_rates_for(tax_set_ids={i.variant.product.tax_set_id for i in items}
                         | {s.method.tax_set_id for s in shipments})


def _price(cart, items, shipments, rates) -> tuple[Totals, list[str]]:
    for shipment in shipments:
        shipment.tax_rate = rates.rate(shipment.method.tax_set_id, shipment.address.country_id)
    priced = cart_price(cart=cart, items=items, tax_rates=rates, refuse_vouchers=True, shipments=[
        ShipmentToPrice(method=s.method, cost=s.cost, country_id=s.address.country_id, skus=tuple(s.skus))
        for s in shipments])
    return priced.totals, list(priced.voucher_codes)


def _locations(cart: Cart, items, data: CheckoutData):
    rentable = [i.variant.sku for i in items if i.variant.product.is_rentable]
    if rentable and data.rental is None:
        raise CheckoutDataInvalid(f"{rentable[0]} is rented: give the rental dates.",
                                  field=("rental", "starts_at"))
    return order_stock_locations(store=cart.store, zipcode=data.rental.zipcode if data.rental else "")


def _check_stock(items, location_ids, rental: RentalInput | None) -> None:
    """Fail before any payment when the stock is clearly not there; finalize checks again under lock."""
    period = (rental.starts_at, rental.ends_at) if rental else None
    sold = [i for i in items if not i.variant.product.is_rentable]
    rented = [i for i in items if i.variant.product.is_rentable]
    for group, when in ((sold, None), (rented, period)):
        if not group:
            continue
        if rental is None:  # every item is sold, and was read with the store's stock (``_cart_items``)
            available = {i.variant_id: availability_of(i) for i in group}
        else:
            available = variant_availability(variant_ids=[i.variant_id for i in group], location_ids=location_ids,
                                              period=when)
        for item in group:
            stock = available[item.variant_id]
            if not (stock.is_never_out_of_stock or stock.backorderable) and stock.quantity < item.quantity:
                raise InsufficientStock(
                    f"There is not enough stock of {item.variant.sku}: {stock.quantity} available, "
                    f"{item.quantity} wanted.",
                    meta={"sku": item.variant.sku, "requested": item.quantity, "available": stock.quantity},
                )
