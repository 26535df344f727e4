"""Carriers, shipment methods and zones; stock locations and their stock; shipments and rates."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by

from core.fsm import ProtectedStateMixin
from core.staff_rights import StaffAct, staff_permission

from catalog.models import PriceFields


class Carrier(models.Model):
    name = models.CharField(max_length=100, unique=True)
    tracking_url = models.CharField(
        max_length=255, blank=True, help_text="With {tracking} where the tracking number goes."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Zone(models.Model):
    """A group of countries a shipment method delivers to."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    countries = models.ManyToManyField("customers.Country", related_name="zones", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ShipmentMethod(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="methods")
    key = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    tax_set = models.ForeignKey(
        "catalog.TaxSet", on_delete=models.PROTECT, null=True, blank=True, related_name="shipment_methods"
    )
    delivery_time_days = models.PositiveSmallIntegerField(null=True, blank=True)
    zones = models.ManyToManyField(Zone, related_name="shipment_methods", blank=True)
    stores = models.ManyToManyField("catalog.Store", related_name="shipment_methods", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.carrier.name} — {self.name}"


class ShipmentMethodPrice(PriceFields):
    method = models.ForeignKey(ShipmentMethod, on_delete=models.CASCADE, related_name="prices")

    class Meta:
        ordering = ["method", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["method", "currency"], name="shipment_price_one_per_currency"),
            models.CheckConstraint(
                condition=Q(gross_amount__isnull=False) | Q(net_amount__isnull=False),
                name="shipment_price_has_an_amount",
            ),
        ]

    def __str__(self):
        return f"{self.method} {self.currency}"


class StockLocation(models.Model):
    name = models.CharField(max_length=100, unique=True)
    country = models.ForeignKey("customers.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    city = models.CharField(max_length=100, blank=True)
    stores = models.ManyToManyField(
        "catalog.Store", related_name="stock_locations", blank=True,
        help_text="The stores this location ships for (rentals pick locations by zipcode instead).",
    )
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_stock_location"),
        ]

    def __str__(self):
        return self.name


class StockItem(models.Model):
    """How many units of a variant a location holds. Never negative: backorders are counted apart."""

    stock_location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="stock_items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock_items")
    count_on_hand = models.PositiveIntegerField(default=0)
    backorderable = models.BooleanField(default=False, help_text="Accept orders beyond what is on hand.")
    is_never_out_of_stock = models.BooleanField(default=False, help_text="Always available, e.g. digital goods.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stock_location", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["stock_location", "variant"], name="stock_item_one_per_location_variant"),
            models.CheckConstraint(condition=Q(count_on_hand__gte=0), name="stock_item_count_not_negative"),
        ]

    def __str__(self):
        return f"{self.variant.sku} @ {self.stock_location.name}: {self.count_on_hand}"


class StockAllocation(models.Model):
    """Stock held for an order line at one location: taken from on hand, and what was backordered."""

    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="allocations")
    line_item = models.ForeignKey("checkout.LineItem", on_delete=models.CASCADE, related_name="stock_allocations")
    quantity = models.PositiveIntegerField(help_text="Units taken from count on hand.")
    backordered = models.PositiveIntegerField(default=0, help_text="Units promised beyond what was on hand.")
    released_at = models.DateTimeField(null=True, blank=True, help_text="When the stock was given back.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line_item", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) | Q(backordered__gt=0), name="allocation_not_empty"),
        ]

    def __str__(self):
        return f"{self.quantity} (+{self.backordered} backordered) of {self.stock_item}"


class RentalBooking(models.Model):
    """Units of a rentable variant at one location, booked for a date range [starts_at, ends_at)."""

    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="rental_bookings")
    line_item = models.ForeignKey("checkout.LineItem", on_delete=models.CASCADE, related_name="rental_bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    quantity = models.PositiveIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="rental_booking_ends_after_start"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rental_booking_quantity_positive"),
        ]
        indexes = [models.Index(fields=["stock_item", "starts_at", "ends_at"])]

    def __str__(self):
        return f"{self.quantity} × {self.stock_item.variant.sku} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class ServiceableZipcode(models.Model):
    """A zipcode a stock location can serve (rentals: the order's zipcode picks the location)."""

    stock_location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="serviceable_zipcodes")
    zipcode = models.CharField(max_length=20, db_index=True)

    class Meta:
        ordering = ["zipcode"]
        constraints = [
            models.UniqueConstraint(fields=["stock_location", "zipcode"], name="zipcode_once_per_location"),
        ]

    def __str__(self):
        return f"{self.zipcode} → {self.stock_location.name}"


class ShipmentState(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready to ship"
    SHIPPED = "shipped", "Shipped"
    CANCELED = "canceled", "Canceled"


def has_method(shipment: "Shipment") -> bool:
    return shipment.method_id is not None


def new_shipment_number() -> str:
    return "H" + "".join(secrets.choice("0123456789") for _ in range(11))


class Shipment(ProtectedStateMixin, ConcurrentTransitionMixin, models.Model):
    """A package of an order's items, going to one address with one method."""

    order = models.ForeignKey("checkout.Order", on_delete=models.CASCADE, related_name="shipments")
    number = models.CharField(max_length=32, unique=True, default=new_shipment_number, editable=False)
    method = models.ForeignKey(ShipmentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    address = models.ForeignKey(
        "checkout.OrderAddress", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stock_location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_delivery_date = models.DateField(null=True, blank=True)
    cost = models.PositiveIntegerField(default=0, help_text="Minor units, in the order's currency and price mode.")
    tracking = models.CharField(max_length=100, blank=True)
    state = FSMField(choices=ShipmentState.choices, default=ShipmentState.PENDING, protected=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="shipment_cost_not_negative"),
        ]
        permissions = [("ship_shipment", "Can ship shipments")]

    def __str__(self):
        return self.number

    @fsm_log_by
    @transition(field=state, source=ShipmentState.PENDING, target=ShipmentState.READY,
                conditions=[has_method], custom={"admin": False})
    def ready(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=ShipmentState.READY, target=ShipmentState.PENDING, custom={"admin": False})
    def pend(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=ShipmentState.READY, target=ShipmentState.SHIPPED,
                conditions=[has_method], permission=staff_permission(StaffAct.SHIP_SHIPMENT),
                custom={"admin": False, "label": "Ship"})
    def ship(self, tracking: str = "", by=None):
        self.tracking = tracking or self.tracking
        self.shipped_at = timezone.now()

    @fsm_log_by
    @transition(field=state, source=[ShipmentState.PENDING, ShipmentState.READY], target=ShipmentState.CANCELED,
                custom={"admin": False})
    def cancel(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=ShipmentState.CANCELED, target=ShipmentState.PENDING, custom={"admin": False})
    def resume(self, by=None):
        pass


class ShippingRate(models.Model):
    """A method offered for a shipment, at a cost; the selected one is the shipment's method."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="shipping_rates")
    method = models.ForeignKey(ShipmentMethod, on_delete=models.PROTECT, related_name="+")
    cost = models.PositiveIntegerField(help_text="Minor units.")
    selected = models.BooleanField(default=False)

    class Meta:
        ordering = ["shipment", "cost", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "method"], name="shipping_rate_once_per_method"),
            models.UniqueConstraint(
                fields=["shipment"], condition=Q(selected=True), name="shipping_rate_one_selected",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="shipping_rate_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.method.name} {self.cost}"


class StockAdjustment(models.Model):
    """Who set a stock item's count or backorder flag by hand, when, from what to what, and why:
    written by ``stock_adjust`` in the same transaction as the change. Orders move stock through
    allocations instead (StockAllocation)."""

    stock_item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="adjustments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    count_on_hand_from = models.PositiveIntegerField()
    count_on_hand_to = models.PositiveIntegerField()
    backorderable_from = models.BooleanField()
    backorderable_to = models.BooleanField()
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        item = self.stock_item
        return f"{item.variant.sku} @ {item.stock_location.name}: {self.count_on_hand_from} → {self.count_on_hand_to}"

    @property
    def change(self) -> int:
        return self.count_on_hand_to - self.count_on_hand_from
