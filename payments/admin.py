from django.contrib import admin

from core.admin_display import (
    RelatedChoicesFilter,
    TransitionHistoryInline,
    ViewOnlyAdminMixin,
    ViewOnlyTabularInline,
    WithRelatedMixin,
    money_field,
)
from payments.models import CreditCard, Payment, PaymentAttempt, PaymentMethod, PaymentProvider, PaymentTransaction


class PaymentMethodInline(WithRelatedMixin, admin.TabularInline):
    model = PaymentMethod
    select_related = ("provider",)
    extra = 0
    fields = ("name", "plugin", "position", "is_active")
    show_change_link = True


@admin.register(PaymentProvider)
class PaymentProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [PaymentMethodInline]


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "provider", "name", "plugin", "position", "is_active")
    list_filter = ("is_active", "provider", "plugin")
    search_fields = ("name", "provider__name")
    list_select_related = ("provider",)
    ordering = ("provider__name", "position", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider")


@admin.register(CreditCard)
class CreditCardAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """What is kept of a card comes from the payment provider; staff don't type card details."""

    list_display = ("__str__", "customer", "brand", "last_digits", "month", "year", "created_at")
    list_filter = ("brand", "year")
    search_fields = ("last_digits", "name", "customer__email", "customer__reference")
    list_select_related = ("customer",)
    ordering = ("-created_at",)


class PaymentTransactionInline(ViewOnlyTabularInline):
    """The money movements recorded on the payment: authorised, captured, refunded."""

    model = PaymentTransaction
    fk_name = "payment"
    fields = ("created_at", "kind", "amount_money", "gateway", "parent", "uuid")
    readonly_fields = fields
    select_related = ("payment", "parent")

    amount_money = money_field("amount", description="amount")


@admin.register(Payment)
class PaymentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Payments change only through the payment services; this is their record."""

    list_display = ("uuid", "order", "method", "amount_money", "captured", "refunded", "state", "created_at")
    list_filter = ("state", "provider_call", ("method", RelatedChoicesFilter), "currency", "created_at")
    search_fields = ("uuid", "order__reference", "order__number", "order__email", "transaction_id")
    list_select_related = ("order", "method__provider")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fieldsets = [
        (None, {"fields": ["uuid", "order", "method", "source", "state"]}),
        ("Amounts", {"fields": ["amount_money", "captured", "refunded"]}),
        ("Provider", {"fields": ["transaction_id", ("provider_call", "provider_call_started_at"), "response_code",
                                 "avs_response", "redirect_url", "details"]}),
        ("Dates", {"fields": [("created_at", "updated_at")]}),
    ]
    readonly_fields = ("amount_money", "captured", "refunded")
    inlines = [PaymentTransactionInline, TransitionHistoryInline]

    amount_money = money_field("amount", description="amount")
    captured = money_field("captured_amount", description="captured")
    refunded = money_field("refunded_amount", description="refunded")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "method__provider", "source")


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The journal of provider calls made before their order existed; reconciliation reads it."""

    list_display = ("uuid", "method", "amount_money", "status", "order", "created_at")
    list_filter = ("status", ("method", RelatedChoicesFilter), "currency", "created_at")
    search_fields = ("uuid", "transaction_id", "idempotency_key", "cart_uuid", "=order__reference", "=order__number")
    list_select_related = ("method__provider", "order")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = ("uuid", "method", "amount_money", "status", "transaction_id", "idempotency_key", "cart_uuid", "order",
              ("created_at", "updated_at"))
    readonly_fields = ("amount_money",)

    amount_money = money_field("amount", description="amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("method__provider", "order")
