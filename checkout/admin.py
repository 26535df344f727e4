"""The order backoffice: orders are records. Staff read them, fix a few notes, and act on
them only through the staff transitions, which run the checkout services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import Http404, HttpResponseRedirect
from django_fsm.admin import FSMAdminMixin

from checkout.models import (
    Adjustment,
    Expense,
    IdempotencyKey,
    LineItem,
    Order,
    OrderAddress,
    OrderReferenceCounter,
)
from checkout.services import STAFF_TRANSITIONS, order_apply_staff_transition
from core.admin_display import (
    SaveEditedFieldsMixin,
    TransitionHistoryInline,
    ViewOnlyAdminMixin,
    ViewOnlyTabularInline,
    money_field,
)
from core.errors import DomainError
from customers.admin import POSTAL_FIELDSETS, POSTAL_SEARCH_FIELDS
from payments.models import Payment
from shipping.models import Shipment


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


class LineItemInline(LineMoney, ViewOnlyTabularInline):
    model = LineItem
    fields = ("sku", "name", "quantity", "unit", "discount", "tax", "to_pay", "shipment")
    readonly_fields = fields
    select_related = ("order", "shipment")


class ExpenseInline(LineMoney, ViewOnlyTabularInline):
    model = Expense
    fields = ("type", "name", "quantity", "unit", "discount", "tax", "to_pay", "shipment")
    readonly_fields = fields
    select_related = ("order", "shipment")


class AdjustmentInline(ViewOnlyTabularInline):
    model = Adjustment
    fields = ("kind", "label", "voucher_code", "line_item", "expense", "quantity", "amount_money")
    readonly_fields = fields
    select_related = ("order", "line_item", "expense")

    amount_money = money_field("amount", currency="order.currency", description="amount")


class ShipmentInline(ViewOnlyTabularInline):
    model = Shipment
    fields = ("number", "state", "method", "cost_money", "tracking", "shipped_at")
    readonly_fields = fields
    select_related = ("order", "method__carrier")
    show_change_link = True

    cost_money = money_field("cost", currency="order.currency", description="cost")


class PaymentInline(ViewOnlyTabularInline):
    model = Payment
    fields = ("method", "state", "amount_money", "captured", "refunded", "transaction_id")
    readonly_fields = fields
    select_related = ("method__provider",)
    show_change_link = True

    amount_money = money_field("amount", description="amount")
    captured = money_field("captured_amount", description="captured")
    refunded = money_field("refunded_amount", description="refunded")


@admin.register(Order)
class OrderAdmin(SaveEditedFieldsMixin, FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    list_display = ("label", "number", "store", "customer", "email", "state", "payment_state", "shipment_state",
                    "total", "completed_at")
    list_filter = ("state", "payment_state", "shipment_state", "store", "currency", "channel", "completed_at")
    search_fields = ("=reference", "=number", "order_number", "external_ref", "email", "customer__email",
                     "line_items__sku")
    list_select_related = ("store", "customer")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fieldsets = [
        ("Order", {"fields": [("reference", "number"), ("state", "payment_state", "shipment_state"),
                              ("store", "channel", "locale"), ("currency", "price_mode")]}),
        ("Customer", {"fields": ["customer", "email", "bill_address", "ship_address"]}),
        ("Totals", {"fields": [("item_total_money", "discount_total_money", "expense_total_money"),
                               ("tax_total_money", "included_tax_money", "additional_tax_money"),
                               "total", ("payment_total_money", "canceled_total_money")]}),
        ("Staff notes", {"fields": ["order_number", "external_ref", "special_instructions"]}),
        ("Dates", {"fields": [("created_at", "updated_at"), ("completed_at", "canceled_at"), "stock_reserved_at"]}),
        ("Rental", {"classes": ["collapse"],
                    "fields": [("rental_start_date", "rental_end_date"), ("zipcode", "stock_location")]}),
        ("Identifiers", {"classes": ["collapse"], "fields": ["uuid", "cart_uuid"]}),
    ]
    # Everything but the contact e-mail and staff notes is the checkout's output.
    readonly_fields = [
        name for name in flatten_fieldsets(fieldsets)
        if name not in ("email", "order_number", "external_ref", "special_instructions")
    ]
    inlines = [LineItemInline, ShipmentInline, PaymentInline, ExpenseInline, AdjustmentInline,
               TransitionHistoryInline]

    total = money_field("grand_total", description="grand total")
    item_total_money = money_field("item_total", description="items")
    discount_total_money = money_field("discount_total", description="discounts")
    expense_total_money = money_field("expense_total", description="shipping and expenses")
    tax_total_money = money_field("tax_total", description="tax")
    included_tax_money = money_field("included_tax_total", description="included tax")
    additional_tax_money = money_field("additional_tax_total", description="additional tax")
    payment_total_money = money_field("payment_total", description="paid")
    canceled_total_money = money_field("canceled_total", description="canceled")

    @admin.display(description="order", ordering="reference")
    def label(self, obj):
        return str(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "store", "customer", "bill_address__country", "ship_address__country", "stock_location"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- staff transitions: the mixin draws the buttons, the service does the work -------

    @staticmethod
    def get_fsm_block_label(fsm_field_name):
        return "Staff actions"

    def _get_fsm_extra_context(self, *, request, obj):
        if obj is None or not self.has_change_permission(request, obj):
            return iter(())  # a button posts the change form, which needs the change permission
        return super()._get_fsm_extra_context(request=request, obj=obj)

    def response_change(self, request, obj):
        transition = request.POST.get(self.fsm_post_param)
        if transition and transition not in STAFF_TRANSITIONS:
            # The mixin would look any posted name up on the model; customer steps stay out of reach.
            self.message_user(request, f"“{transition}” is not an action staff can take on an order.",
                              messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        if transition_name not in STAFF_TRANSITIONS:
            raise Http404(f"No order action {transition_name!r}.")
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        try:
            order = order_apply_staff_transition(order_id=obj.pk, transition=transition_name, by=request.user)
        except DomainError as err:
            self.message_user(request, err.detail, messages.ERROR)
            return False
        label = self.get_fsm_label(self._get_fsm_transition_by_name(obj=order, transition_name=transition_name))
        self.message_user(request, f"{label}: order {order} is now {order.get_state_display().lower()}.",
                          messages.SUCCESS)
        return True


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
