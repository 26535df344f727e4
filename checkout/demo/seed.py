"""Load the demo shop (checkout.demo.data) into the database, idempotently.

Rows are found by their natural keys (sku, iso2 code, e-mail, uuid …) and updated in
place, so running the seed twice leaves the same data. Demo orders are placed once,
recognised by their ``external_ref``.
"""

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from carts.models import Cart, CartItem
from catalog.models import PriceMode, Price, Product, ProductOption, ProductOptionPrice, Store, TaxRate, TaxSet, Variant
from checkout.demo import data
from checkout.models import LineItem, Order, OrderAddress, Expense
from checkout.services import (
    order_apply_staff_transition, order_reference_next, order_reserve_stock, order_update_states,
)
from core.money import round_ratio
from customers.models import Address, BusinessUnit, Company, CompanyMember, CompanyUnitAddress, Country, Customer, Region
from payments.models import CreditCard, Payment, PaymentMethod, PaymentProvider
from shipping.models import (
    Carrier, RentalBooking, ServiceableZipcode, Shipment, ShipmentMethod, ShipmentMethodPrice, ShippingRate,
    StockAllocation, StockItem, StockLocation, Zone,
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
            ("orders", _orders),
        ])
        _reset_sequences()
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
        setattr(obj, name, value := defaults[name])
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
        content_type__app_label__in=["catalog", "customers", "carts", "shipping", "payments", "checkout"]
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


# --- demo orders --------------------------------------------------------------------------
# Until the checkout engine places orders, the demo builds them step by step through the
# state machines; the amounts follow the shop's rule (gross: tax included; net: tax added).


def _orders() -> None:
    staff = get_user_model().objects.get(username=data.STAFF_USERNAME)
    for number, spec in enumerate(data.ORDERS, start=1):
        marker = f"demo-order-{number}"
        if not Order.objects.filter(external_ref=marker).exists():
            _place_demo_order(spec, marker=marker, staff=staff)


def _place_demo_order(spec: dict, *, marker: str, staff) -> Order:
    store = Store.objects.get(code=spec["store"])
    customer = Customer.objects.get(email=spec["customer"], user__isnull=False)
    address_book = customer.addresses.get(is_default_shipping=True)
    address = OrderAddress.objects.create(**{
        f.name: getattr(address_book, f.name) for f in OrderAddress._meta.fields
        if f.name not in ("id",) and hasattr(address_book, f.name)
    })
    order = Order.objects.create(
        store=store, customer=customer, email=customer.email, currency=store.default_currency,
        price_mode=store.price_mode, external_ref=marker, bill_address=address, ship_address=address,
    )
    if rental := spec.get("rental"):
        start, end, zipcode = rental
        order.rental_start_date = _midnight(start)
        order.rental_end_date = _midnight(end)
        order.zipcode = zipcode
        order.stock_location = ServiceableZipcode.objects.get(zipcode=zipcode).stock_location
    for sku, quantity in spec["items"].items():
        _add_line_item(order, Variant.objects.select_related("product__tax_set").get(sku=sku), quantity)
    order.to_address()
    shipment = _ship_everything(order, ShipmentMethod.objects.get(pk=spec["method"]), address)
    order.to_delivery()
    order.to_payment()
    _total(order)
    provider, method_name = spec["payment"]
    payment = _pay(order, PaymentMethod.objects.get(provider__name=provider, name=method_name))
    order.to_confirm()
    _take_stock(order)
    order.reference = order_reference_next(store=store)
    order.completed_at = timezone.now()
    order.complete()
    order.save()
    _after_sale(order, shipment, payment, spec["after"], staff)
    return order


def _midnight(day: str) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time.min))


def _rate(tax_set: TaxSet, country: Country) -> Decimal:
    rates = {r.country_id: r.rate for r in tax_set.rates.all()}
    return rates.get(country.pk, rates.get(None, Decimal("0")))


def _tax(order: Order, amount: int, rate: Decimal) -> int:
    if order.price_mode == PriceMode.GROSS:
        return round_ratio(amount * rate, 100 + rate)
    return round_ratio(amount * rate, 100)


def _add_line_item(order: Order, variant: Variant, quantity: int) -> None:
    price = variant.prices.get(currency=order.currency)
    unit = price.amount_for(order.price_mode)
    rate = _rate(variant.product.tax_set, order.ship_address.country)
    LineItem.objects.create(
        order=order, variant=variant, sku=variant.sku, name=variant.display_name, quantity=quantity,
        product_type=variant.product.product_type, is_rentable=variant.product.is_rentable,
        is_gift_card=variant.product.is_gift_card,
        metadata={"superAttributes": variant.attributes, "image": variant.image_url},
        unit_price=unit, unit_gross_price=unit if order.price_mode == PriceMode.GROSS else 0,
        unit_net_price=unit if order.price_mode == PriceMode.NET else 0, tax_rate=rate,
        sum_tax_amount=_tax(order, unit * quantity, rate), sum_price_to_pay=unit * quantity,
    )


def _ship_everything(order: Order, method: ShipmentMethod, address: OrderAddress) -> Shipment:
    cost = method.prices.get(currency=order.currency).amount_for(order.price_mode)
    shipment = Shipment.objects.create(order=order, method=method, address=address, cost=cost)
    ShippingRate.objects.create(shipment=shipment, method=method, cost=cost, selected=True)
    order.line_items.update(shipment=shipment)
    rate = _rate(method.tax_set, address.country)
    Expense.objects.create(
        order=order, shipment=shipment, name=method.name, unit_price=cost, tax_rate=rate,
        unit_gross_price=cost if order.price_mode == PriceMode.GROSS else 0,
        unit_net_price=cost if order.price_mode == PriceMode.NET else 0,
        sum_tax_amount=_tax(order, cost, rate), sum_price_to_pay=cost,
    )
    return shipment


def _total(order: Order) -> None:
    items = list(order.line_items.all())
    expenses = list(order.expenses.all())
    order.item_total = sum(i.sum_price for i in items)
    order.expense_total = sum(e.unit_price * e.quantity for e in expenses)
    order.tax_total = sum(i.sum_tax_amount for i in items) + sum(e.sum_tax_amount for e in expenses)
    if order.price_mode == PriceMode.GROSS:
        order.included_tax_total = order.tax_total
        order.grand_total = order.item_total + order.expense_total
    else:
        order.additional_tax_total = order.tax_total
        order.grand_total = order.item_total + order.expense_total + order.tax_total
    order.save()


def _pay(order: Order, method: PaymentMethod) -> Payment:
    card = None
    if method.plugin == "dummy_credit_card":
        card = CreditCard.objects.create(customer=order.customer, brand="visa", last_digits="1111", month=12,
                                         year=2030, name=order.bill_address.full_name)
    details = {"dateOfBirth": "08.04.1986"} if method.plugin == "dummy_invoice" else {}
    return Payment.objects.create(order=order, method=method, amount=order.grand_total, currency=order.currency,
                                  source=card, details=details)


def _take_stock(order: Order) -> None:
    order_reserve_stock(order)
    allocation = StockAllocation.objects.filter(line_item__order=order).select_related("stock_item").first()
    booking = RentalBooking.objects.filter(line_item__order=order).select_related("stock_item").first()
    held = allocation or booking
    order.shipments.update(stock_location=held.stock_item.stock_location_id)


def _after_sale(order: Order, shipment: Shipment, payment: Payment, after: str, staff) -> None:
    """Play what happened after placement, updating the order's summary states after each event."""
    if after == "shipped":
        events = [(payment, "capture", {}), (shipment, "ready", {}),
                  (shipment, "ship", {"tracking": "1Z999AA10123456784", "by": staff})]
    else:
        events = [(payment, "authorize", {})]
    order_update_states(order=order)
    for obj, move, kwargs in events:
        getattr(obj, move)(**kwargs)
        obj.save()
        order_update_states(order=order)
    order.save()
    if after == "canceled":
        order_apply_staff_transition(order_id=order.pk, transition="cancel", by=staff)
