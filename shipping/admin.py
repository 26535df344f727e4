from django.contrib import admin

from core.admin_display import (
    PriceAmountsForm,
    RelatedChoicesFilter,
    SaveEditedFieldsMixin,
    ShownValueMixin,
    TransitionHistoryInline,
    ViewOnlyAdminMixin,
    ViewOnlyTabularInline,
    WithRelatedMixin,
    money_field,
)
from shipping.models import (
    Carrier,
    RentalBooking,
    ServiceableZipcode,
    Shipment,
    ShipmentMethod,
    ShipmentMethodPrice,
    ShippingRate,
    StockAllocation,
    StockItem,
    StockLocation,
    Zone,
)


class ShipmentMethodInline(WithRelatedMixin, admin.TabularInline):
    model = ShipmentMethod
    select_related = ("carrier",)
    extra = 0
    fields = ("key", "name", "tax_set", "delivery_time_days", "is_active")
    show_change_link = True


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "tracking_url", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [ShipmentMethodInline]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name", "description", "countries__iso2_code")
    autocomplete_fields = ("countries",)


class ShipmentMethodPriceInline(WithRelatedMixin, admin.TabularInline):
    model = ShipmentMethodPrice
    select_related = ("method__carrier",)
    form = PriceAmountsForm
    extra = 0


@admin.register(ShipmentMethod)
class ShipmentMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "carrier", "key", "delivery_time_days", "is_active")
    list_filter = ("is_active", "carrier", "zones", "stores")
    search_fields = ("key", "name", "carrier__name")
    list_select_related = ("carrier",)
    filter_horizontal = ("zones", "stores")
    ordering = ("carrier__name", "name")
    inlines = [ShipmentMethodPriceInline]

    def get_queryset(self, request):
        # __str__ names the carrier: also for autocomplete answers and inline choices.
        return super().get_queryset(request).select_related("carrier")


@admin.register(ShipmentMethodPrice)
class ShipmentMethodPriceAdmin(admin.ModelAdmin):
    form = PriceAmountsForm
    list_display = ("method", "currency", "gross", "net")
    list_filter = ("currency", "method__carrier")
    search_fields = ("method__key", "method__name", "method__carrier__name")
    list_select_related = ("method__carrier",)
    autocomplete_fields = ("method",)
    ordering = ("method__name", "currency")

    gross = money_field("gross_amount", description="gross")
    net = money_field("net_amount", description="net")


class ServiceableZipcodeInline(WithRelatedMixin, admin.TabularInline):
    model = ServiceableZipcode
    select_related = ("stock_location",)
    extra = 0


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country", "is_active", "is_default")
    list_filter = ("is_active", "is_default")
    search_fields = ("name", "city")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)
    filter_horizontal = ("stores",)
    inlines = [ServiceableZipcodeInline]


@admin.register(StockItem)
class StockItemAdmin(ShownValueMixin, SaveEditedFieldsMixin, admin.ModelAdmin):
    """Stock counts change under the page as orders come in: a save writes only what staff edited."""

    compare_to_shown = ("count_on_hand",)
    list_display = ("variant", "stock_location", "count_on_hand", "backorderable", "is_never_out_of_stock",
                    "updated_at")
    list_filter = ("stock_location", "backorderable", "is_never_out_of_stock")
    search_fields = ("variant__sku", "variant__product__name", "stock_location__name")
    list_select_related = ("variant__product", "stock_location")
    autocomplete_fields = ("variant",)
    readonly_fields = ("updated_at",)
    ordering = ("stock_location__name", "variant__sku")


STOCK_HOLD_SEARCH = ("stock_item__variant__sku", "=line_item__order__reference", "=line_item__order__number")
STOCK_HOLD_RELATED = ("stock_item__variant", "stock_item__stock_location", "line_item__order")


@admin.register(StockAllocation)
class StockAllocationAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Stock held for order lines: written by the stock services when orders are placed or canceled."""

    list_display = ("__str__", "line_item", "order", "quantity", "backordered", "released_at", "created_at")
    list_filter = ("stock_item__stock_location", "released_at", "created_at")
    search_fields = STOCK_HOLD_SEARCH
    list_select_related = STOCK_HOLD_RELATED
    ordering = ("-created_at",)

    @admin.display(ordering="line_item__order")
    def order(self, obj):
        return obj.line_item.order


@admin.register(RentalBooking)
class RentalBookingAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "line_item", "order", "starts_at", "ends_at", "quantity", "released_at")
    list_filter = ("stock_item__stock_location", "released_at")
    search_fields = STOCK_HOLD_SEARCH
    list_select_related = STOCK_HOLD_RELATED
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)

    @admin.display(ordering="line_item__order")
    def order(self, obj):
        return obj.line_item.order


@admin.register(ServiceableZipcode)
class ServiceableZipcodeAdmin(admin.ModelAdmin):
    list_display = ("zipcode", "stock_location")
    list_filter = ("stock_location",)
    search_fields = ("zipcode", "stock_location__name")
    list_select_related = ("stock_location",)


class ShippingRateInline(ViewOnlyTabularInline):
    model = ShippingRate
    fields = ("method", "cost_money", "selected")
    readonly_fields = fields
    select_related = ("method__carrier", "shipment__order")

    cost_money = money_field("cost", currency="shipment.order.currency", description="cost")


@admin.register(Shipment)
class ShipmentAdmin(SaveEditedFieldsMixin, admin.ModelAdmin):
    """Shipments change state through the shipping services only: here staff look, and fix the
    tracking number or the requested delivery date."""

    list_display = ("number", "order", "state", "method", "cost_money", "tracking", "shipped_at", "created_at")
    list_filter = ("state", ("method", RelatedChoicesFilter), "stock_location", "shipped_at")
    search_fields = ("number", "tracking", "=order__reference", "=order__number", "order__email")
    list_select_related = ("order", "method__carrier")
    ordering = ("-created_at",)
    fields = ("number", "order", "state", "method", "cost_money", "address", "stock_location",
              "requested_delivery_date", "tracking", "shipped_at", "created_at")
    readonly_fields = ("number", "order", "state", "method", "cost_money", "address", "stock_location",
                       "shipped_at", "created_at")
    inlines = [ShippingRateInline, TransitionHistoryInline]

    cost_money = money_field("cost", currency="order.currency", description="cost")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "order", "method__carrier", "address__country", "stock_location"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShippingRate)
class ShippingRateAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("shipment", "method", "cost_money", "selected")
    list_filter = ("selected", ("method", RelatedChoicesFilter))
    search_fields = ("shipment__number", "=shipment__order__reference", "=shipment__order__number")
    list_select_related = ("shipment__order", "method__carrier")
    fields = ("shipment", "method", "cost_money", "selected")
    readonly_fields = fields

    cost_money = money_field("cost", currency="shipment.order.currency", description="cost")
