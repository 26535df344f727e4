"""The records around orders: addresses as ordered, line items, expenses, adjustments,
reference counters and idempotency keys. The checkout writes them; staff look, and may
correct an address."""

from django.contrib import admin

from checkout.models import (
    Adjustment,
    Expense,
    IdempotencyKey,
    LineItem,
    OrderAddress,
    OrderReferenceCounter,
)
from core.admin_display import ViewOnlyAdminMixin, money_field
from customers.admin import POSTAL_FIELDSETS, POSTAL_SEARCH_FIELDS


@admin.register(OrderAddress)
class OrderAddressAdmin(admin.ModelAdmin):
    """Addresses as ordered; staff may correct them (validated like any address), not add or delete them."""

    list_display = ("__str__", "city", "country")
    list_filter = (("country", admin.RelatedOnlyFieldListFilter),)
    search_fields = POSTAL_SEARCH_FIELDS
    list_select_related = ("country",)
    autocomplete_fields = ("country", "region")
    fieldsets = [
        *POSTAL_FIELDSETS,
        ("Delivery", {"fields": ["po_box", "cell_phone", "description", "comment", "instructions"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrderReferenceCounter)
class OrderReferenceCounterAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("store", "last_number")
    list_select_related = ("store",)


class LineMoney:
    """The money columns line items and expenses share, in their order's currency."""

    unit = money_field("unit_price", currency="order.currency", description="unit price")
    unit_gross = money_field("unit_gross_price", currency="order.currency", description="unit gross price")
    unit_net = money_field("unit_net_price", currency="order.currency", description="unit net price")
    tax = money_field("sum_tax_amount", currency="order.currency", description="tax")
    discount = money_field("sum_discount_amount", currency="order.currency", description="discount")
    to_pay = money_field("sum_price_to_pay", currency="order.currency", description="to pay")
    canceled = money_field("canceled_amount", currency="order.currency", description="canceled")


@admin.register(LineItem)
class LineItemAdmin(LineMoney, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "order", "sku", "name", "quantity", "unit", "discount", "tax", "to_pay")
    list_filter = ("order__store", "is_rentable", "is_gift_card")
    search_fields = ("sku", "name", "=order__reference", "=order__number")
    list_select_related = ("order",)
    fieldsets = [
        (None, {"fields": ["order", "shipment", "variant", "sku", "name", "product_type",
                           ("is_rentable", "is_gift_card"), "metadata"]}),
        ("Price", {"fields": ["quantity", ("unit", "unit_gross", "unit_net", "unit_options"), "tax_rate",
                              ("discount", "tax", "to_pay", "canceled")]}),
    ]
    readonly_fields = ("unit", "unit_gross", "unit_net", "unit_options", "discount", "tax", "to_pay", "canceled")

    unit_options = money_field("unit_option_price", currency="order.currency", description="unit option price")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "shipment", "variant__product")


@admin.register(Expense)
class ExpenseAdmin(LineMoney, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "order", "shipment", "quantity", "unit", "tax", "to_pay")
    list_filter = ("type", "order__store")
    search_fields = ("name", "=order__reference", "=order__number", "shipment__number")
    list_select_related = ("order", "shipment")
    fieldsets = [
        (None, {"fields": ["order", "shipment", "type", "name"]}),
        ("Price", {"fields": ["quantity", ("unit", "unit_gross", "unit_net"), "tax_rate",
                              ("discount", "tax", "to_pay", "canceled")]}),
    ]
    readonly_fields = ("unit", "unit_gross", "unit_net", "discount", "tax", "to_pay", "canceled")


@admin.register(Adjustment)
class AdjustmentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("label", "order", "kind", "voucher_code", "amount_money", "line_item", "expense")
    list_filter = ("kind",)
    search_fields = ("label", "voucher_code", "=order__reference", "=order__number")
    list_select_related = ("order", "line_item", "expense")
    fields = ("order", "line_item", "expense", "kind", "label", "description", "voucher_code", "quantity",
              "amount_money")
    readonly_fields = ("amount_money",)

    amount_money = money_field("amount", currency="order.currency", description="amount")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "operation", "scope", "state", "order", "created_at")
    list_filter = ("operation", "state", "created_at")
    search_fields = ("key", "scope", "=order__reference", "=order__number")
    list_select_related = ("order",)
    ordering = ("-created_at",)
