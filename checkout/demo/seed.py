"""Load the demo shop (checkout.demo.data) into the database, idempotently.

Rows are found by their natural keys (sku, iso2 code, e-mail, uuid …) and updated in
place, so running the seed twice leaves the same data. Demo orders are placed once,
through the checkout engine, and recognised by their ``external_ref``.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from carts.models import Cart, CartItem, CartVoucher
from catalog.models import (
    Price, Product, ProductOption, ProductOptionPrice, ProductTranslation, Store, TaxRate, TaxSet, Variant,
)
from checkout.demo import data
from checkout.inputs import AddressInput, CheckoutData, RentalInput, ShipmentInput
from checkout.models import Order
from checkout.placement import Shopper, order_place
from checkout.services import order_apply_staff_transition, order_update_states
from customers.models import Address, BusinessUnit, Company, CompanyMember, CompanyUnitAddress, Country, Customer, Region
from discounts.models import CartRule, CartRuleAmount, CartRuleMinimum, Voucher
from payments.models import PaymentMethod, PaymentProvider
from shipping.models import (
    Carrier, ServiceableZipcode, ShipmentMethod, ShipmentMethodPrice, StockItem, StockLocation, Zone,
)

Report = Callable[[str], None]


def seed_demo(*, report: Report, staff_password: str = data.STAFF_PASSWORD) -> bool:
    """Load the demo shop; True when the staff user was created now (with ``staff_password``)."""
    with transaction.atomic():
        _run(report, [
            ("countries and regions", _countries),
            ("zones", _zones),
            ("stores and tax sets", _stores_and_taxes),
            ("products, variants and prices", _catalog),
            ("stock locations and stock", _stock),
            ("carriers and shipment methods", _shipping),
            ("payment providers and methods", _payments),
        ])
        created_staff = _staff(staff_password)
        report("  ✓ staff")
        _run(report, [
            ("customers and addresses", _customers),
            ("business account", _company),
            ("carts", _carts),
            ("discounts", _discounts),
            ("Spree API keys", _api_keys),
        ])
        _reset_sequences()
    # Orders go through the checkout engine, which commits in phases of its own (the payment
    # provider is called outside any transaction), so they are placed after the rest is in.
    _run(report, [("orders", _orders)])
    return created_staff


def _run(report: Report, steps: list[tuple[str, Callable[[], None]]]) -> None:
    for label, step in steps:
        step()
        report(f"  ✓ {label}")


# --- helpers ------------------------------------------------------------------------------


def _upsert(model: type[models.Model], *, preferred_id: int | None = None, defaults: dict, **lookup):
    """update_or_create by natural key; a new row takes ``preferred_id`` when it is still free."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        if preferred_id is not None and not model.objects.filter(pk=preferred_id).exists():
            lookup = {**lookup, "pk": preferred_id}
        return model.objects.create(**lookup, **defaults)
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, defaults[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


def _reset_sequences() -> None:
    """Rows created with explicit ids leave PostgreSQL sequences behind; move them past the ids."""
    sql = connection.ops.sequence_reset_sql(no_style(), [Variant, ShipmentMethod, PaymentMethod])
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def _country(iso2: str) -> Country:
    return Country.objects.get(iso2_code=iso2)


# --- reference data -----------------------------------------------------------------------


def _countries() -> None:
    existing = set(Country.objects.values_list("iso2_code", flat=True))
    Country.objects.bulk_create(
        Country(iso2_code=c.code, iso3_code=countries.alpha3(c.code), name=str(c.name))
        for c in countries if c.code not in existing
    )
    for iso2, (regex, mandatory, states_required) in data.POSTAL_RULES.items():
        Country.objects.filter(iso2_code=iso2).update(
            postal_code_regex=regex, postal_code_mandatory=mandatory, states_required=states_required
        )
    for iso2, regions in data.REGIONS.items():
        country = _country(iso2)
        for code, name in regions:
            _upsert(Region, country=country, iso2_code=code, defaults={"name": name})


def _zones() -> None:
    for name, description, members in data.ZONES:
        zone = _upsert(Zone, name=name, defaults={"description": description})
        zone.countries.set(Country.objects.filter(iso2_code__in=members))


def _stores_and_taxes() -> None:
    for code, name, currency, mode, country in data.STORES:
        _upsert(Store, code=code, defaults={
            "name": name, "default_currency": currency, "price_mode": mode, "country": _country(country),
        })
    for set_name, rates in data.TAX_SETS.items():
        tax_set = _upsert(TaxSet, name=set_name, defaults={})
        for iso2, rate_name, rate in rates:
            _upsert(TaxRate, tax_set=tax_set, country=_country(iso2) if iso2 else None,
                    defaults={"name": rate_name, "rate": Decimal(rate)})


def _catalog() -> None:
    for sku, name, tax_set, prices in data.PRODUCT_OPTIONS:
        option = _upsert(ProductOption, sku=sku, defaults={"name": name, "tax_set": TaxSet.objects.get(name=tax_set)})
        for currency, gross in prices.items():
            _upsert(ProductOptionPrice, option=option, currency=currency, defaults={"gross_amount": gross})
    for spec in data.PRODUCTS:
        product = _upsert(Product, abstract_sku=spec["abstract_sku"], defaults={
            "name": spec["name"], "slug": slugify(spec["name"]), "product_type": spec["product_type"],
            "tax_set": TaxSet.objects.get(name=spec["tax_set"]), "description": spec.get("description", ""),
            "is_rentable": spec.get("is_rentable", False), "is_gift_card": spec.get("is_gift_card", False),
        })
        product.options.set(ProductOption.objects.filter(sku__in=spec.get("options", [])))
        for locale, (name, description) in data.PRODUCT_TRANSLATIONS.get(spec["abstract_sku"], {}).items():
            _upsert(ProductTranslation, product=product, locale=locale,
                    defaults={"name": name, "description": description})
        variant = _upsert(Variant, preferred_id=spec["id"], sku=spec["sku"], defaults={
            "product": product, "attributes": spec["attributes"], "image_url": spec["image"], "is_master": True,
        })
        for currency, (gross, net) in spec["prices"].items():
            _upsert(Price, variant=variant, currency=currency, defaults={"gross_amount": gross, "net_amount": net})


def _stock() -> None:
    for name, iso2, city, is_default, zipcodes, counts in data.STOCK_LOCATIONS:
        location = _upsert(StockLocation, name=name, defaults={
            "country": _country(iso2), "city": city, "is_default": is_default,
        })
        location.stores.set(Store.objects.filter(code__in=data.LOCATION_STORES[name]))
        for zipcode in zipcodes:
            _upsert(ServiceableZipcode, stock_location=location, zipcode=zipcode, defaults={})
        for sku, count in counts.items():
            # Only new stock rows get the demo count: a re-seed must not undo sales or staff edits.
            StockItem.objects.get_or_create(
                stock_location=location, variant=Variant.objects.get(sku=sku), defaults={"count_on_hand": count}
            )
    default = StockLocation.objects.get(is_default=True)
    for sku in data.NEVER_OUT_OF_STOCK:
        _upsert(StockItem, stock_location=default, variant=Variant.objects.get(sku=sku),
                defaults={"is_never_out_of_stock": True})


def _shipping() -> None:
    for name in data.CARRIERS:
        _upsert(Carrier, name=name, defaults={})
    for method_id, key, carrier, name, prices, tax_set, zone, store, days in data.SHIPMENT_METHODS:
        method = _upsert(ShipmentMethod, preferred_id=method_id, key=key, defaults={
            "carrier": Carrier.objects.get(name=carrier), "name": name,
            "tax_set": TaxSet.objects.get(name=tax_set), "delivery_time_days": days,
        })
        method.zones.set([Zone.objects.get(name=zone)])
        method.stores.set([Store.objects.get(code=store)])
        for currency, (gross, net) in prices.items():
            _upsert(ShipmentMethodPrice, method=method, currency=currency,
                    defaults={"gross_amount": gross, "net_amount": net})


def _payments() -> None:
    for method_id, provider_name, name, plugin, required in data.PAYMENT_METHODS:
        provider = _upsert(PaymentProvider, name=provider_name, defaults={})
        _upsert(PaymentMethod, preferred_id=method_id, provider=provider, name=name, defaults={
            "plugin": plugin, "required_request_data": required, "position": method_id,
        })


def _staff(password: str) -> bool:
    """The demo superuser; an existing one keeps its password."""
    user_model = get_user_model()
    created = not user_model.objects.filter(username=data.STAFF_USERNAME).exists()
    if created:
        user_model.objects.create_superuser(data.STAFF_USERNAME, "admin@example.com", password)
    group, _ = Group.objects.get_or_create(name="Shop staff")
    group.permissions.set(Permission.objects.filter(
        content_type__app_label__in=["catalog", "customers", "carts", "shipping", "payments", "checkout", "discounts"]
    ).exclude(codename__startswith="delete_"))
    return created


def _customers() -> None:
    user_model = get_user_model()
    for spec in data.CUSTOMERS:
        user = user_model.objects.filter(username=spec["email"]).first()
        if user is None:
            user = user_model.objects.create_user(spec["email"], spec["email"], data.CUSTOMER_PASSWORD,
                                                  first_name=spec["first_name"], last_name=spec["last_name"])
        customer = _upsert(Customer, reference=spec["reference"], defaults={
            "user": user, "email": spec["email"], "salutation": spec["salutation"],
            "first_name": spec["first_name"], "last_name": spec["last_name"],
        })
        for address in spec["addresses"]:
            _upsert(Address, uuid=address["uuid"], defaults={"customer": customer, **_address_fields(address)})


def _address_fields(spec: dict) -> dict:
    fields = {k: v for k, v in spec.items() if k not in ("uuid", "country", "region")}
    country = _country(spec["country"])
    region = Region.objects.get(country=country, iso2_code=spec["region"]) if spec.get("region") else None
    return {**fields, "country": country, "region": region}


def _api_keys() -> None:
    """The Spree dialect's API keys are rest_framework.authtoken tokens (looked up by name: no DRF import here)."""
    Token = apps.get_model("authtoken", "Token")  # noqa: N806
    for email, key in data.API_KEYS.items():
        user = get_user_model().objects.get(username=email)
        Token.objects.filter(user=user).exclude(key=key).delete()
        Token.objects.get_or_create(user=user, defaults={"key": key})


def _company() -> None:
    spec = data.COMPANY
    company = _upsert(Company, name=spec["name"], defaults={})
    unit = _upsert(BusinessUnit, company=company, name=spec["unit"], defaults={})
    address = _upsert(CompanyUnitAddress, uuid=spec["address"]["uuid"],
                      defaults={"account": company, **_address_fields(spec["address"])})
    address.business_units.set([unit])
    member = Customer.objects.get(email=spec["member"], user__isnull=False)
    _upsert(CompanyMember, customer=member, business_unit=unit, defaults={"is_default": True})


def _carts() -> None:
    for spec in data.CARTS:
        store = Store.objects.get(code=spec["store"])
        customer = Customer.objects.get(email=spec["customer"], user__isnull=False) if spec.get("customer") else None
        cart = _upsert(Cart, uuid=spec["uuid"], defaults={
            "store": store, "customer": customer, "anonymous_id": spec.get("anonymous_id"), "name": spec["name"],
            "is_default": True, "currency": store.default_currency, "price_mode": store.price_mode,
        })
        for sku, quantity in spec["items"].items():
            _upsert(CartItem, cart=cart, variant=Variant.objects.get(sku=sku), defaults={"quantity": quantity})


# --- discounts ----------------------------------------------------------------------------


def _discounts() -> None:
    for spec in data.CART_RULES:
        rule = _upsert(CartRule, name=spec["name"], defaults={
            "kind": spec["kind"], "description": spec["description"], "priority": spec["priority"],
            "percentage": Decimal(spec["percentage"]) if spec["percentage"] else None,
            "requires_voucher": spec["requires_voucher"],
        })
        for currency, minimum in spec["minimums"].items():
            _upsert(CartRuleMinimum, rule=rule, currency=currency, defaults={"min_subtotal": minimum})
        for currency, amount in spec["amounts"].items():
            _upsert(CartRuleAmount, rule=rule, currency=currency, defaults={"amount": amount})
        rule.shipment_methods.set(ShipmentMethod.objects.filter(key__in=spec["methods"]))
    for spec in data.VOUCHERS:
        _upsert(Voucher, code=spec["code"], defaults={"rule": CartRule.objects.get(name=spec["rule"]),
                                                      "max_uses": spec["max_uses"]})
    for cart_uuid, codes in data.CART_VOUCHERS.items():
        for code in codes:
            _upsert(CartVoucher, cart=Cart.objects.get(uuid=cart_uuid), code=code, defaults={})


# --- demo orders: placed through the checkout engine, then played forward ---------------------


def _orders() -> None:
    staff = get_user_model().objects.get(username=data.STAFF_USERNAME)
    for number, spec in enumerate(data.ORDERS, start=1):
        marker = f"demo-order-{number}"
        if not Order.objects.filter(external_ref=marker).exists():
            order = _place_demo_order(spec, marker=marker)
            _after_sale(order, spec["after"], staff)


def _place_demo_order(spec: dict, *, marker: str) -> Order:
    store = Store.objects.get(code=spec["store"])
    customer = Customer.objects.get(email=spec["customer"], user__isnull=False)
    cart = Cart.objects.create(store=store, customer=customer, currency=store.default_currency,
                               price_mode=store.price_mode, name=marker)
    for sku, quantity in spec["items"].items():
        CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku=sku), quantity=quantity)
    address = AddressInput(id=str(customer.addresses.get(is_default_shipping=True).uuid))
    rental = None
    if spec.get("rental"):
        start, end, zipcode = spec["rental"]
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        rental = RentalInput(today + timedelta(days=start), today + timedelta(days=end), zipcode)
    checkout = CheckoutData(
        billing_address=address, shipments=(ShipmentInput(address=address, method_id=spec["method"]),),
        payments=(_payment_request(spec["payment"], customer),), external_ref=marker, rental=rental,
    )
    return order_place(cart_uuid=cart.uuid, shopper=Shopper(customer=customer), data=checkout,
                       idempotency_key=marker).order


def _payment_request(payment: tuple[str, str], customer: Customer) -> dict:
    provider, method = payment
    request = {"paymentProviderName": provider, "paymentMethodName": method}
    if method == "invoice":
        request["dummyPaymentInvoice"] = {"dateOfBirth": "08.04.1986"}
    if method == "credit card":
        request["dummyPaymentCreditCard"] = {
            **data.CARD, "nameOnCard": f"{customer.first_name} {customer.last_name}",
            "cardExpiresYear": str(timezone.now().year + 3),
        }
    return request


def _after_sale(order: Order, after: str, staff) -> None:
    """Play what happened after placement, updating the order's summary states after each event."""
    if after == "shipped":
        payment, shipment = order.payments.get(), order.shipments.get()
        for obj, move, kwargs in [(payment, "capture", {}), (shipment, "ready", {}),
                                  (shipment, "ship", {"tracking": "1Z999AA10123456784", "by": staff})]:
            getattr(obj, move)(**kwargs)
            obj.save()
            order_update_states(order=order)
        order.save()
    if after == "canceled":
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff)
