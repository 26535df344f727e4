from axes.models import AccessFailureLog
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from core.admin_display import WithRelatedMixin

from customers.models import (
    Address,
    BusinessUnit,
    Company,
    CompanyMember,
    CompanyUnitAddress,
    Country,
    Customer,
    Region,
)

# The parts of a postal address, as every address admin shows them (checkout's order addresses too).
POSTAL_FIELDSETS = [
    ("Name", {"fields": [("salutation", "first_name", "middle_name", "last_name"), "company"]}),
    ("Address", {"fields": ["address1", "address2", "address3", ("zip_code", "city"), "county",
                            ("country", "region")]}),
    ("Contact", {"fields": [("phone", "email")]}),
]
POSTAL_SEARCH_FIELDS = ("first_name", "last_name", "company", "address1", "zip_code", "city", "email")


class RegionInline(WithRelatedMixin, admin.TabularInline):
    model = Region
    select_related = ("country",)
    extra = 0


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "iso2_code", "iso3_code", "postal_code_mandatory", "postal_code_regex", "states_required")
    list_filter = ("postal_code_mandatory", "states_required")
    search_fields = ("name", "iso2_code", "iso3_code")
    ordering = ("name",)
    inlines = [RegionInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "iso2_code", "country")
    list_filter = (("country", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "iso2_code", "country__name", "country__iso2_code")
    autocomplete_fields = ("country",)
    ordering = ("country__name", "name")

    def get_queryset(self, request):
        # __str__ names the country: also for autocomplete answers, not just the list.
        return super().get_queryset(request).select_related("country")


class OneDefaultPerCustomerFormSet(BaseInlineFormSet):
    """Two addresses ticked as default in one save would pass each form's check, then break
    the database constraint; refuse them here as a form error."""

    def clean(self):
        super().clean()
        forms = [f for f in self.forms if hasattr(f, "cleaned_data") and not self._should_delete_form(f)]
        for flag, label in (("is_default_billing", "billing"), ("is_default_shipping", "shipping")):
            if sum(bool(f.cleaned_data.get(flag)) for f in forms) > 1:
                raise ValidationError(f"Only one address can be the default {label} address.")


class AddressInline(WithRelatedMixin, admin.StackedInline):
    model = Address
    select_related = ("country",)
    formset = OneDefaultPerCustomerFormSet
    extra = 0
    autocomplete_fields = ("country", "region")
    fieldsets = [*POSTAL_FIELDSETS, ("Defaults", {"fields": [("is_default_billing", "is_default_shipping")]})]


class CustomerKindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("registered", "Registered"), ("guest", "Guest")]

    def queryset(self, request, queryset):
        if self.value() in ("registered", "guest"):
            return queryset.filter(user__isnull=self.value() == "guest")
        return queryset


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("reference", "email", "first_name", "last_name", "is_registered", "created_at")
    list_filter = (CustomerKindFilter, "created_at")
    search_fields = ("reference", "email", "first_name", "last_name", "user__username", "anonymous_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    autocomplete_fields = ("user",)
    readonly_fields = ("reference", "created_at", "updated_at")
    fieldsets = [
        (None, {"fields": ["reference", ("user", "anonymous_id"), "email"]}),
        ("Person", {"fields": [("salutation", "first_name", "last_name"), "gender", "phone", "date_of_birth"]}),
        ("Dates", {"fields": [("created_at", "updated_at")]}),
    ]
    inlines = [AddressInline]

    @admin.display(boolean=True, description="registered", ordering="user")
    def is_registered(self, obj):
        return not obj.is_guest


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "city", "country", "is_default_billing", "is_default_shipping")
    list_filter = ("is_default_billing", "is_default_shipping", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = (*POSTAL_SEARCH_FIELDS, "customer__email", "customer__reference")
    list_select_related = ("customer", "country")
    autocomplete_fields = ("customer", "country", "region")
    ordering = ("customer", "id")
    fieldsets = [
        (None, {"fields": ["customer", ("is_default_billing", "is_default_shipping")]}),
        *POSTAL_FIELDSETS,
    ]


class BusinessUnitInline(WithRelatedMixin, admin.TabularInline):
    model = BusinessUnit
    select_related = ("company",)
    extra = 0
    show_change_link = True


class CompanyUnitAddressInline(WithRelatedMixin, admin.StackedInline):
    model = CompanyUnitAddress
    select_related = ("account", "country")
    extra = 0
    autocomplete_fields = ("country", "region", "business_units")
    fieldsets = [*POSTAL_FIELDSETS, ("Use", {"fields": ["business_units", "is_default_billing"]})]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("uuid", "created_at")
    inlines = [BusinessUnitInline, CompanyUnitAddressInline]


class CompanyMemberInline(WithRelatedMixin, admin.TabularInline):
    model = CompanyMember
    select_related = ("customer", "business_unit__company")
    extra = 0
    autocomplete_fields = ("customer",)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "email", "phone")
    list_filter = (("company", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "company__name", "email")
    list_select_related = ("company",)
    autocomplete_fields = ("company",)
    readonly_fields = ("uuid",)
    ordering = ("company__name", "name")
    inlines = [CompanyMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


@admin.register(CompanyUnitAddress)
class CompanyUnitAddressAdmin(admin.ModelAdmin):
    list_display = ("__str__", "account", "city", "country", "is_default_billing")
    list_filter = ("is_default_billing", ("account", admin.RelatedOnlyFieldListFilter))
    search_fields = (*POSTAL_SEARCH_FIELDS, "account__name")
    list_select_related = ("account", "country")
    autocomplete_fields = ("account", "country", "region", "business_units")
    fieldsets = [(None, {"fields": ["account", "business_units", "is_default_billing"]}), *POSTAL_FIELDSETS]


@admin.register(CompanyMember)
class CompanyMemberAdmin(admin.ModelAdmin):
    list_display = ("customer", "business_unit", "is_default")
    list_filter = ("is_default", ("business_unit__company", admin.RelatedOnlyFieldListFilter))
    search_fields = ("customer__email", "customer__reference", "business_unit__name", "business_unit__company__name")
    list_select_related = ("customer", "business_unit__company")
    autocomplete_fields = ("customer", "business_unit")
    readonly_fields = ("uuid",)


# The login throttle (customers.logins) keeps no log of each failure (AXES_ENABLE_ACCESS_FAILURE_LOG
# is off): "Access attempts" shows the counts that lock, and deleting one lifts its lock.
admin.site.unregister(AccessFailureLog)
