"""What a shopper may choose to check out a cart (Glue's POST /checkout-data). Reads only.

Shipment methods are the store's, priced in the cart's currency and price mode, with
the tax rate of the destination, and only those that deliver to the shipping address's
country when one is given. Payment methods are the active ones, minus those refused for
the billing country or, for invoice, for a cart holding a gift card.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from carts.models import Cart, CartItem
from checkout.exceptions import CartNotFound
from checkout.inputs import CheckoutData
from core.identifiers import parse_uuid
from customers.models import Address, CompanyUnitAddress, Country, Customer
from payments.models import PaymentMethod, PaymentPlugin, PaymentProvider
from checkout.addressing import address_country, countries_for
from checkout.shipment_methods import delivers_to, shipment_methods_for, tax_rate_of
from shipping.models import ShipmentMethod


@dataclass(frozen=True)
class ShipmentMethodOption:
    method: ShipmentMethod
    price: int
    tax_rate: Decimal | None

    @property
    def carrier_name(self) -> str:
        return self.method.carrier.name


@dataclass(frozen=True)
class PaymentProviderOption:
    provider: PaymentProvider
    methods: list[PaymentMethod]


@dataclass(frozen=True)
class CheckoutOptions:
    cart: Cart
    addresses: list[Address]
    business_unit_addresses: list[CompanyUnitAddress]
    payment_providers: list[PaymentProviderOption]
    shipment_methods: list[ShipmentMethodOption]
    selected_shipment_methods: list[ShipmentMethodOption]
    selected_payment_methods: list[PaymentMethod]


def checkout_options(*, cart_uuid, owner: dict, customer: Customer | None, data: CheckoutData) -> CheckoutOptions:
    gift_cards = CartItem.objects.filter(cart_id=OuterRef("pk"), variant__product__is_gift_card=True)
    cart = (Cart.objects.select_related("store__country").annotate(has_gift_card=Exists(gift_cards))
            .filter(uuid=parse_uuid(cart_uuid), **owner).first())
    if cart is None:
        raise CartNotFound(meta={"idCart": str(cart_uuid)})
    registered = customer if customer is not None and not customer.is_guest else None
    countries = countries_for([data.billing_address, *(s.address for s in data.shipments[:1])])
    ship_to = address_country(given=data.shipments[0].address if data.shipments else None, customer=registered,
                              countries=countries, field=("shipping_address",))
    bill_to = address_country(given=data.billing_address, customer=registered, countries=countries,
                              field=("billing_address",))
    methods = _shipment_methods(cart, ship_to)
    chosen = {s.method_id for s in data.shipments}
    payment_methods = _payment_methods(bill_to)
    return CheckoutOptions(
        cart=cart,
        addresses=list(registered.addresses.select_related("country", "region")) if registered else [],
        business_unit_addresses=list(
            CompanyUnitAddress.objects.filter(business_units__members__customer=registered)
            .select_related("country", "region").distinct()
        ) if registered else [],
        payment_providers=_payment_providers(cart, payment_methods),
        shipment_methods=methods,
        selected_shipment_methods=[m for m in methods if m.method.pk in chosen],
        selected_payment_methods=_selected_payment_methods(data, payment_methods),
    )


def _shipment_methods(cart: Cart, country: Country | None) -> list[ShipmentMethodOption]:
    tax_country = country or cart.store.country
    tax_country_id = tax_country.pk if tax_country else None  # the shipping country when given: delivers_to asks it too
    methods = shipment_methods_for(cart=cart, currency=cart.currency or cart.store.default_currency,
                                   countries=[tax_country_id]).values()
    options = []
    for method in methods:
        if method.cost_here is None or not method.serves_store:
            continue
        if country is not None and not delivers_to(method, country):
            continue
        options.append(ShipmentMethodOption(method=method, price=method.cost_here,
                                            tax_rate=tax_rate_of(method, tax_country_id)))
    return options


def _payment_methods(billing_country: Country | None) -> list[PaymentMethod]:
    """The active methods, each with ``offered_here``: not restricted to other billing countries."""
    countries = PaymentMethod.countries.through.objects.filter(paymentmethod_id=OuterRef("pk"))
    here = countries.filter(country_id=billing_country.pk) if billing_country else countries.none()
    return list(
        PaymentMethod.objects.filter(is_active=True, provider__is_active=True).select_related("provider")
        .annotate(offered_here=~Exists(countries) | Exists(here)).order_by("provider__name", "position", "pk")
    )


def _payment_providers(cart: Cart, methods: list[PaymentMethod]) -> list[PaymentProviderOption]:
    offered: dict[int, PaymentProviderOption] = {}
    for method in methods:
        if not method.offered_here:
            continue
        if cart.has_gift_card and method.plugin == PaymentPlugin.DUMMY_INVOICE:
            continue
        offered.setdefault(method.provider_id, PaymentProviderOption(method.provider, [])).methods.append(method)
    return list(offered.values())


def _selected_payment_methods(data: CheckoutData, methods: list[PaymentMethod]) -> list[PaymentMethod]:
    names = {(str(p.get("paymentProviderName", "")).lower(), str(p.get("paymentMethodName", "")).lower())
             for p in data.payments}
    return [m for m in methods if (m.provider.name.lower(), m.name.lower()) in names]
