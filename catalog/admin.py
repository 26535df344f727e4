from django.contrib import admin

from catalog.models import (
    Price, Product, ProductOption, ProductOptionPrice, ProductTranslation, Store, TaxRate, TaxSet, Variant,
)
from core.admin_display import (
    PriceAmountsForm,
    WithRelatedMixin,
    money_field,
)
from shipping.models import StockItem


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "default_currency", "price_mode", "country", "is_active")
    list_filter = ("is_active", "default_currency", "price_mode")
    search_fields = ("code", "name")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)


class TaxRateInline(WithRelatedMixin, admin.TabularInline):
    model = TaxRate
    select_related = ("tax_set", "country")
    extra = 0
    autocomplete_fields = ("country",)


@admin.register(TaxSet)
class TaxSetAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    inlines = [TaxRateInline]


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_set", "country", "rate")
    list_filter = ("tax_set",)
    search_fields = ("name", "tax_set__name", "country__name", "country__iso2_code")
    list_select_related = ("tax_set", "country")
    autocomplete_fields = ("country",)
    ordering = ("tax_set__name", "country__name")


class VariantInline(WithRelatedMixin, admin.TabularInline):
    model = Variant
    select_related = ("product",)
    extra = 0
    fields = ("sku", "name", "is_master", "is_active", "track_inventory", "weight_grams")
    show_change_link = True


class ProductTranslationInline(WithRelatedMixin, admin.TabularInline):
    """The product's name and description per locale (Glue's Accept-Language picks one)."""

    model = ProductTranslation
    select_related = ("product",)
    extra = 0
    fields = ("locale", "name", "description")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "abstract_sku", "product_type", "tax_set", "is_active", "is_rentable", "is_gift_card")
    list_filter = ("is_active", "product_type", "tax_set", "is_rentable", "is_gift_card")
    search_fields = ("name", "abstract_sku", "slug", "variants__sku")
    list_select_related = ("tax_set",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("options",)
    readonly_fields = ("created_at",)
    inlines = [VariantInline, ProductTranslationInline]


class PriceInline(WithRelatedMixin, admin.TabularInline):
    model = Price
    select_related = ("variant",)
    form = PriceAmountsForm
    extra = 0


class StockItemInline(WithRelatedMixin, admin.TabularInline):
    """The variant's stock per location, to read: counts are set on each stock item's own page,
    through the stock service that keeps the audit of who changed what (shipping.admin)."""

    model = StockItem
    select_related = ("variant", "stock_location")
    extra = 0
    fields = ("stock_location", "count_on_hand", "backorderable", "is_never_out_of_stock", "updated_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "display_name", "product", "is_master", "is_active", "track_inventory")
    list_filter = ("is_active", "is_master", "track_inventory", "product__product_type")
    search_fields = ("sku", "name", "product__name", "product__abstract_sku")
    list_select_related = ("product",)
    autocomplete_fields = ("product",)
    inlines = [PriceInline, StockItemInline]

    def get_queryset(self, request):
        # __str__ falls back to the product's name: also for autocomplete answers.
        return super().get_queryset(request).select_related("product")


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    form = PriceAmountsForm
    list_display = ("variant", "currency", "gross", "net")
    list_filter = ("currency",)
    search_fields = ("variant__sku", "variant__name", "variant__product__name")
    list_select_related = ("variant__product",)
    autocomplete_fields = ("variant",)
    ordering = ("variant__sku", "currency")

    gross = money_field("gross_amount", description="gross")
    net = money_field("net_amount", description="net")


class ProductOptionPriceInline(WithRelatedMixin, admin.TabularInline):
    model = ProductOptionPrice
    select_related = ("option",)
    form = PriceAmountsForm
    extra = 0


@admin.register(ProductOption)
class ProductOptionAdmin(admin.ModelAdmin):
    list_display = ("name", "sku", "tax_set", "is_active")
    list_filter = ("is_active", "tax_set")
    search_fields = ("name", "sku")
    list_select_related = ("tax_set",)
    inlines = [ProductOptionPriceInline]


@admin.register(ProductOptionPrice)
class ProductOptionPriceAdmin(admin.ModelAdmin):
    form = PriceAmountsForm
    list_display = ("option", "currency", "gross", "net")
    list_filter = ("currency",)
    search_fields = ("option__sku", "option__name")
    list_select_related = ("option",)
    ordering = ("option__name", "currency")

    gross = money_field("gross_amount", description="gross")
    net = money_field("net_amount", description="net")
