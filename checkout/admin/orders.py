"""The order page and the order list.

Orders are records: staff read them, fix a few notes, and act on them only through the
staff actions (order_actions), which run the checkout services. The list filters and
searches the way staff look for orders, and exports what it shows to CSV.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from checkout.admin.order_actions import form_for, perform, staff_action, staff_actions_for
from checkout.admin.order_export import orders_csv_response
from checkout.admin.records import LineMoney
from checkout.models import Adjustment, Expense, LineItem, Order
from checkout.selectors import order_credit_owed
from core.admin_display import (
    SaveEditedFieldsMixin,
    TransitionHistoryInline,
    ViewOnlyTabularInline,
    money_field,
)
from core.errors import DomainError
from core.money import format_money
from events.admin import OrderEventInline
from payments.models import Payment
from shipping.models import Shipment

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
    fields = ("method", "state", "amount_money", "captured", "refunded", "transaction_id", "provider_call_note")
    readonly_fields = fields
    select_related = ("method__provider",)
    show_change_link = True

    amount_money = money_field("amount", description="amount")
    captured = money_field("captured_amount", description="captured")
    refunded = money_field("refunded_amount", description="refunded")

    @admin.display(description="provider call")
    def provider_call_note(self, obj):
        return provider_call_note(obj)


@admin.register(Order)
class OrderAdmin(SaveEditedFieldsMixin, admin.ModelAdmin):
    list_display = ("label", "number", "store", "customer", "email", "state", "payment_state", "shipment_state",
                    "total", "completed_at")
    list_filter = ("store", "state", "payment_state", "shipment_state", "completed_at", "created_at", "currency",
                   "channel")
    search_fields = ("=reference", "=number", "order_number", "external_ref", "email", "customer__email",
                     "line_items__sku")
    search_help_text = "Reference (DE--3), number (R123456789), e-mail, sku, order number or external reference."
    list_select_related = ("store", "customer")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ["export_selected_as_csv"]
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
    # Everything but the contact e-mail and staff notes is the checkout's output: states and money
    # change only through the services.
    readonly_fields = [
        name for name in flatten_fieldsets(fieldsets)
        if name not in ("email", "order_number", "external_ref", "special_instructions")
    ]
    inlines = [LineItemInline, ShipmentInline, PaymentInline, ExpenseInline, AdjustmentInline,
               TransitionHistoryInline, OrderEventInline]

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

    def get_urls(self):
        opts = self.opts
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name=f"{opts.app_label}_{opts.model_name}_export"),
            path("<path:object_id>/actions/<str:action>/", view(self.action_view),
                 name=f"{opts.app_label}_{opts.model_name}_action"),
            path("<path:object_id>/actions/<str:action>/<int:target_id>/", view(self.action_view),
                 name=f"{opts.app_label}_{opts.model_name}_target_action"),
            *super().get_urls(),
        ]

    # --- the page: a summary on top, the actions staff may take --------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if order is not None:
            extra["order_summary"] = order_summary(order)
            allowed = self.has_change_permission(request, order)  # staff who may only look get no buttons
            extra["staff_actions"] = [
                {"action": action, "url": self._action_url(order, action)}
                for action in (staff_actions_for(order, request.user) if allowed else [])
            ]
        return super().change_view(request, object_id, form_url, extra)

    def _action_url(self, order, action) -> str:
        opts = self.opts
        if action.target_id is None:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_action", args=[order.pk, action.name])
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_target_action",
                       args=[order.pk, action.name, action.target_id])

    def action_view(self, request, object_id, action, target_id=None):
        """GET: the confirmation page (with the tracking number field to ship). POST: the service does it;
        its success or its refusal comes back as a message on the order page."""
        order = self.get_object(request, unquote(object_id))
        if order is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        staff = staff_action(order, action, target_id)
        order_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[order.pk])
        if request.method == "POST":
            form = form_for(staff, request.POST)
            if form.is_valid():
                try:
                    done = perform(staff, order=order, user=request.user, data=form.cleaned_data)
                except DomainError as err:
                    self.message_user(request, err.detail, messages.ERROR)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(order_url)
        else:
            offered = {(a.name, a.target_id) for a in staff_actions_for(order, request.user)}
            if (staff.name, staff.target_id) not in offered:
                self.message_user(request, f"{staff.label} is not possible for order {order} now.", messages.ERROR)
                return HttpResponseRedirect(order_url)
            form = form_for(staff)
        context = {
            **self.admin_site.each_context(request),
            "title": staff.label,
            "subtitle": None,
            "opts": self.opts,
            "original": order,
            "order_url": order_url,
            "staff_action": staff,
            "form": form,
        }
        return TemplateResponse(request, "admin/checkout/order/action_confirm.html", context)

    # --- CSV: the orders the list shows, as filtered and searched ---------------------------------

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?e=1")
        return orders_csv_response(changelist.get_queryset(request))

    @admin.action(description="Export selected orders to CSV", permissions=["view"])
    def export_selected_as_csv(self, request, queryset):
        return orders_csv_response(queryset.order_by("-created_at"))


def provider_call_note(payment: Payment) -> str:
    """What the order page says of a payment whose provider is being asked something: its actions are
    not offered meanwhile. Left for minutes, the outcome was lost (reconcile_checkouts reports it)."""
    if not payment.provider_call:
        return ""
    since = date_format(localtime(payment.provider_call_started_at), "DATETIME_FORMAT")
    return f"{payment.get_provider_call_display()}: provider call under way since {since}"


def order_summary(order: Order) -> dict:
    """What the top of the order page says: who, where to, and the money, formatted."""
    money = {name: format_money(getattr(order, field), order.currency) for name, field in (
        ("items", "item_total"), ("discounts", "discount_total"), ("shipping", "expense_total"),
        ("tax", "tax_total"), ("grand_total", "grand_total"), ("paid", "payment_total"),
    )}
    due = order.grand_total - order.payment_total if order.is_placed else 0
    customer = order.customer
    return {
        "order": order,
        "customer": customer,
        "customer_name": " ".join(filter(None, [getattr(customer, "first_name", ""),
                                                getattr(customer, "last_name", "")])) if customer else "Guest",
        "email": order.email or getattr(customer, "email", ""),
        "bill_address": order.bill_address,
        "ship_address": order.ship_address,
        "money": money,
        "balance": format_money(due, order.currency) if due > 0 else None,
        "credit": format_money(credit, order.currency) if (credit := order_credit_owed(order)) else None,
        "discount_shown": order.discount_total != 0,
    }
