from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone

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
from core.errors import DomainError
from shipping.models import (
    Carrier,
    RentalBooking,
    ServiceableZipcode,
    Shipment,
    ShipmentMethod,
    ShipmentMethodPrice,
    ShippingRate,
    StockAdjustment,
    StockAllocation,
    StockItem,
    StockLocation,
    Zone,
)
from shipping.selectors import stock_items_low
from shipping.services import stock_adjust


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


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        return [("low", f"Low ({settings.LOW_STOCK_THRESHOLD} or fewer)"), ("out", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(pk__in=stock_items_low().values("pk"))
        if self.value() == "out":
            return queryset.filter(pk__in=stock_items_low(threshold=0).values("pk"))
        return queryset


class StockItemForm(forms.ModelForm):
    """Count and backorder flag are saved through stock_adjust, with a reason, against the count
    the page showed (ShownValueMixin): a count that orders moved meanwhile is refused."""

    reason = forms.CharField(max_length=255, required=False,
                             help_text="Why the count or the backorder flag changes: stocktaking, damaged, delivery …")

    class Meta:
        model = StockItem
        fields = ("variant", "stock_location", "count_on_hand", "backorderable", "is_never_out_of_stock")

    def shown_count(self) -> int | None:
        """The count the page showed when it was opened (None on the add page)."""
        if self.instance.pk is None:
            return None
        field = self.fields["count_on_hand"]
        raw = self.data.get(self.add_initial_prefix("count_on_hand"))
        try:
            return field.to_python(raw) if raw not in (None, "") else self.instance.count_on_hand
        except forms.ValidationError:
            return self.instance.count_on_hand

    def stock_changed(self) -> bool:
        return self.instance.pk is None or bool({"count_on_hand", "backorderable"} & set(self.changed_data))

    def clean(self):
        cleaned = super().clean()
        if self.stock_changed() and self.instance.pk is not None and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the stock changes.")
        if self.instance.pk is not None and "count_on_hand" in self.changed_data:
            now = StockItem.objects.filter(pk=self.instance.pk).values_list("count_on_hand", flat=True).first()
            if now is not None and now != self.shown_count():
                self.add_error("count_on_hand", f"Orders changed this count to {now} while you edited it; "
                                                f"check it and save again.")
        return cleaned


class StockAdjustmentInline(ViewOnlyTabularInline):
    model = StockAdjustment
    fields = ("created_at", "by", "count_on_hand_from", "count_on_hand_to", "backorderable_from",
              "backorderable_to", "reason")
    readonly_fields = fields
    select_related = ("by", "stock_item__variant", "stock_item__stock_location")
    verbose_name = "stock change"
    verbose_name_plural = "stock changes (audit)"


@admin.register(StockItem)
class StockItemAdmin(ShownValueMixin, admin.ModelAdmin):
    """Staff set counts and backorder flags here; each change goes through stock_adjust and is kept
    in the audit below. Orders move stock through allocations, never through this page."""

    form = StockItemForm
    compare_to_shown = ("count_on_hand",)
    list_display = ("variant", "stock_location", "count_on_hand", "backorderable", "is_never_out_of_stock",
                    "updated_at")
    list_filter = (StockLevelFilter, "stock_location", "backorderable", "is_never_out_of_stock")
    search_fields = ("variant__sku", "variant__product__name", "stock_location__name")
    list_select_related = ("variant__product", "stock_location")
    autocomplete_fields = ("variant",)
    fields = ("variant", "stock_location", "count_on_hand", "backorderable", "reason", "is_never_out_of_stock",
              "updated_at")
    readonly_fields = ("updated_at",)
    ordering = ("stock_location__name", "variant__sku")
    inlines = [StockAdjustmentInline]

    def get_readonly_fields(self, request, obj=None):
        # A stock row stays the stock of one variant at one location: its allocations point at it.
        return (*self.readonly_fields, "variant", "stock_location") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        count, backorderable = form.cleaned_data["count_on_hand"], form.cleaned_data["backorderable"]
        reason = form.cleaned_data.get("reason") or ""
        if not change:
            obj.count_on_hand, obj.backorderable = 0, False  # the first count is an adjustment like any other
            obj.save()
            stock_adjust(stock_item=obj, count_on_hand=count, backorderable=backorderable, by=request.user,
                         reason=reason or "New stock item")
            return
        if "is_never_out_of_stock" in form.changed_data:
            StockItem.objects.filter(pk=obj.pk).update(is_never_out_of_stock=obj.is_never_out_of_stock,
                                                       updated_at=timezone.now())
        if form.stock_changed():
            try:
                stock_adjust(stock_item=obj, count_on_hand=count, backorderable=backorderable, by=request.user,
                             reason=reason, expected_count=form.shown_count())
            except DomainError as err:  # orders moved the count between the form's check and the lock
                request._stock_not_adjusted = err.detail

    def response_change(self, request, obj):
        if detail := getattr(request, "_stock_not_adjusted", None):
            self.message_user(request, detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The audit of stock set by hand: who, when, from what to what, and why."""

    list_display = ("created_at", "stock_item", "count_on_hand_from", "count_on_hand_to", "backorderable_to", "by",
                    "reason")
    list_filter = ("stock_item__stock_location", "created_at")
    search_fields = ("stock_item__variant__sku", "reason", "by__username")
    list_select_related = ("stock_item__variant", "stock_item__stock_location", "by")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


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
