from decimal import Decimal

from django import forms
from django.contrib import admin

from core.admin_display import PriceAmountsForm
from core.money import format_money
from discounts.models import CartRule, CartRuleAmount, CartRuleKind, CartRuleMinimum, Voucher


class MinimumForm(PriceAmountsForm):
    """The minimum order value in major units ("100.00"), stored in minor units."""

    amount_fields = ("min_subtotal",)
    gross_amount = net_amount = None
    min_subtotal = forms.DecimalField(
        min_value=0, label="Minimum order value", help_text="Items with their options, before discounts; 0 for any."
    )


class FixedAmountForm(PriceAmountsForm):
    amount_fields = ("amount",)
    gross_amount = net_amount = None
    amount = forms.DecimalField(min_value=Decimal("0.01"), label="Amount off", help_text="e.g. 5.00.")


class CartRuleMinimumInline(admin.TabularInline):
    model = CartRuleMinimum
    form = MinimumForm
    extra = 0
    verbose_name = "minimum order value"
    verbose_name_plural = "minimum order values (the rule applies only in these currencies)"


class CartRuleAmountInline(admin.TabularInline):
    model = CartRuleAmount
    form = FixedAmountForm
    extra = 0
    verbose_name = "fixed amount"
    verbose_name_plural = "fixed amounts (fixed-amount rules only)"


class VoucherCodesFormSet(forms.BaseInlineFormSet):
    """Two forms with one code (in any case) would each pass their own check, then break the
    database constraint: refuse them here, with vouchers for a rule that needs none."""

    def clean(self):
        super().clean()
        codes = [form.cleaned_data["code"].lower() for form in self.forms
                 if form.cleaned_data.get("code") and not self._should_delete_form(form)]
        if codes and not self.instance.requires_voucher:
            # Voucher.clean() says so too, but on the hidden rule field, which this inline does not show.
            raise forms.ValidationError("Vouchers are for rules that require one: tick “requires voucher”, "
                                        "or remove the vouchers.")
        if len(codes) != len(set(codes)):
            raise forms.ValidationError("Each voucher code can be given once (codes ignore upper and lower case).")


class VoucherInline(admin.TabularInline):
    model = Voucher
    formset = VoucherCodesFormSet
    extra = 0
    fields = ("code", "max_uses", "times_used", "is_active", "valid_from", "valid_to")
    readonly_fields = ("times_used",)
    show_change_link = True


@admin.register(CartRule)
class CartRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "value", "is_exclusive", "priority", "requires_voucher", "is_active",
                    "valid_from", "valid_to")
    list_filter = ("is_active", "kind", "is_exclusive", "requires_voucher", "price_mode", "stores")
    search_fields = ("name", "description", "vouchers__code")
    ordering = ("priority", "id")
    filter_horizontal = ("stores", "shipment_methods")
    readonly_fields = ("created_at",)
    fieldsets = [
        (None, {"fields": ["name", "description", ("kind", "percentage"), "shipment_methods"]}),
        ("Where and when", {"fields": ["stores", "price_mode", "is_active", ("valid_from", "valid_to")]}),
        ("Combining", {"fields": [("priority", "is_exclusive"), "requires_voucher", "created_at"]}),
    ]
    inlines = [CartRuleMinimumInline, CartRuleAmountInline, VoucherInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fixed_amounts")

    @admin.display(description="value")
    def value(self, rule: CartRule) -> str:
        if rule.kind == CartRuleKind.PERCENTAGE:
            return f"{rule.percentage.normalize():f}%"
        if rule.kind == CartRuleKind.FIXED:
            return ", ".join(format_money(row.amount, row.currency) for row in rule.fixed_amounts.all()) or "—"
        return "free shipping"


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ("code", "rule", "times_used", "max_uses", "is_active", "valid_from", "valid_to")
    list_filter = ("is_active", "rule")
    search_fields = ("code", "rule__name")
    list_select_related = ("rule",)
    autocomplete_fields = ("rule",)
    fields = ("code", "rule", "max_uses", "times_used", "is_active", ("valid_from", "valid_to"), "created_at")
    # Uses are counted by the order services (voucher_redeem / voucher_release).
    readonly_fields = ("times_used", "created_at")
