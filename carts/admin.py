from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from carts.models import Cart, CartItem, CartVoucher
from carts.services import carts_touch
from core.admin_display import WithRelatedMixin


class CartItemInline(WithRelatedMixin, admin.TabularInline):
    model = CartItem
    select_related = ("variant",)
    extra = 0
    autocomplete_fields = ("variant", "options")
    fields = ("variant", "quantity", "options", "updated_at")
    readonly_fields = ("updated_at",)


class VoucherCodesFormSet(BaseInlineFormSet):
    """The same code twice in one save would pass each form's check, then break the database
    constraint (codes are unique per cart whatever their case); refuse it here."""

    def clean(self):
        super().clean()
        codes = [f.cleaned_data["code"].lower() for f in self.forms
                 if f.cleaned_data.get("code") and not self._should_delete_form(f)]
        if len(codes) != len(set(codes)):
            raise ValidationError("A voucher code can be applied to a cart only once.")


class CartVoucherInline(admin.TabularInline):
    model = CartVoucher
    formset = VoucherCodesFormSet
    extra = 0
    fields = ("code", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("__str__", "store", "customer", "anonymous_id", "currency", "item_count", "updated_at")
    list_filter = ("store", "currency", "is_default", "updated_at")
    search_fields = ("reference", "uuid", "name", "customer__email", "customer__reference", "anonymous_id",
                     "items__variant__sku", "vouchers__code")
    list_select_related = ("store", "customer")
    autocomplete_fields = ("customer",)
    readonly_fields = ("uuid", "created_at", "updated_at", "expires_at")
    ordering = ("-updated_at",)
    fieldsets = [
        (None, {"fields": ["uuid", "reference", "name", "store", "is_default"]}),
        ("Owner", {"fields": ["customer", "anonymous_id"]}),
        ("Prices", {"fields": [("currency", "price_mode")]}),
        ("Dates", {"fields": [("created_at", "updated_at", "expires_at")]}),
    ]
    inlines = [CartItemInline, CartVoucherInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="items", ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description="expires at")
    def expires_at(self, obj):
        return obj.expires_at() if obj.updated_at else None


class TouchesItsCart:
    """Staff writes to a cart's items or vouchers bump the cart, as the cart services do, so that
    a checkout running on it notices the change (``carts.services.carts_touch``)."""

    def save_related(self, request, form, formsets, change):
        # After the row and its options are saved; a row moved to another cart changes both.
        super().save_related(request, form, formsets, change)
        carts_touch(cart_ids=[form.instance.cart_id, form.initial.get("cart") if change else None])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        carts_touch(cart_ids=[obj.cart_id])

    def delete_queryset(self, request, queryset):
        cart_ids = list(queryset.values_list("cart_id", flat=True))
        super().delete_queryset(request, queryset)
        carts_touch(cart_ids=cart_ids)


@admin.register(CartItem)
class CartItemAdmin(TouchesItsCart, admin.ModelAdmin):
    list_display = ("__str__", "cart", "variant", "quantity", "updated_at")
    search_fields = ("variant__sku", "cart__reference", "cart__customer__email", "cart__anonymous_id")
    list_filter = ("cart__store",)
    list_select_related = ("cart", "variant__product")
    autocomplete_fields = ("cart", "variant", "options")
    readonly_fields = ("created_at", "updated_at")


@admin.register(CartVoucher)
class CartVoucherAdmin(TouchesItsCart, admin.ModelAdmin):
    list_display = ("code", "cart", "created_at")
    search_fields = ("code", "cart__reference", "cart__customer__email", "cart__anonymous_id")
    list_select_related = ("cart",)
    autocomplete_fields = ("cart",)
    readonly_fields = ("created_at",)
    ordering = ("-created_at",)
