"""Admin pieces the apps share: money shown as money, prices edited in major units, saves
that write only what staff edited, view-only records, and the transition history inline.

Amounts are integer minor units (core.money); staff see and type "393.53", never 39353.
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django_fsm_log.admin import StateLogInline

from core.money import exponent, format_money, from_decimal, to_decimal


def money_field(field: str, *, currency: str = "currency", description: str | None = None):
    """A ModelAdmin method that shows ``field`` (minor units) as money, e.g. "€393.53".

    ``currency`` is the attribute path to the row's currency code ("order.currency" for a
    line item): select it with the row. Assign the result to an admin attribute and name
    that attribute in ``list_display`` or ``readonly_fields``.
    """
    currency_of = attrgetter(currency)

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def show(model_admin, obj):
        amount = getattr(obj, field)
        return None if amount is None else format_money(amount, currency_of(obj))

    return show


class PriceAmountsForm(forms.ModelForm):
    """Edits the minor-unit amounts of a price (catalog.PriceFields) in its currency's major unit."""

    amount_fields = ("gross_amount", "net_amount")
    gross_amount = forms.DecimalField(
        required=False, min_value=0, label="Gross amount", help_text="Tax included, e.g. 15.99."
    )
    net_amount = forms.DecimalField(required=False, min_value=0, label="Net amount", help_text="Before tax.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = self.instance.currency if self.instance.pk else None
        for name in self.amount_fields:
            if currency and self.initial.get(name) is not None:
                self.initial[name] = to_decimal(self.initial[name], currency)

    def clean(self):
        cleaned = super().clean()
        currency = cleaned.get("currency")
        if not currency:
            return cleaned
        places = exponent(currency)
        for name in self.amount_fields:
            value: Decimal | None = cleaned.get(name)
            if value is None:
                continue
            if value != value.quantize(Decimal(1).scaleb(-places)):
                self.add_error(name, f"{currency} amounts have at most {places} decimal places.")
            else:
                cleaned[name] = from_decimal(value, currency)
        return cleaned


def save_edited_fields(obj, form) -> None:
    """UPDATE only the columns ``form`` changed, leaving the rest of the row as it is in the
    database: states, totals and stock counts belong to the services, and saving the whole
    row would put back values a service changed after the form's request loaded it."""
    columns = {f.name for f in obj._meta.concrete_fields}
    edited = {name: getattr(obj, name) for name in form.changed_data if name in columns}
    if edited:
        if "updated_at" in columns:
            edited["updated_at"] = timezone.now()
        type(obj)._default_manager.filter(pk=obj.pk).update(**edited)


class ShownValueMixin:
    """The form fields named in ``compare_to_shown`` carry the value the page showed, so a save
    counts them as edited only when staff changed them, not when a service changed the row
    while the page was open (a stock count taken by an order)."""

    compare_to_shown: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.compare_to_shown:
            kwargs["show_hidden_initial"] = True
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SaveEditedFieldsMixin:
    """A ModelAdmin whose change form writes only what staff edited (see save_edited_fields)."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        save_edited_fields(obj, form)


class EditedFieldsInlineFormSet(BaseInlineFormSet):
    """An inline whose existing rows are saved like SaveEditedFieldsMixin saves (no many-to-many)."""

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=commit)
        save_edited_fields(form.instance, form)
        return form.instance


class ViewOnlyAdminMixin:
    """Records the shop writes (orders' lines, payments …): staff look, services change them."""

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        fields = [f.name for f in [*opts.fields, *opts.many_to_many] if f is not opts.pk]
        return [*self.readonly_fields, *fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WithRelatedMixin:
    """Selects ``select_related`` with an inline's rows: each row is titled with its __str__,
    which often reads a foreign key."""

    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


class ViewOnlyTabularInline(ViewOnlyAdminMixin, WithRelatedMixin, admin.TabularInline):
    extra = 0


class RelatedChoicesFilter(admin.RelatedFieldListFilter):
    """A related-object filter whose choices come from the related admin's queryset, so that
    a __str__ reading a foreign key (a method names its carrier) costs no query per choice."""

    def field_choices(self, field, request, model_admin):
        related_model = field.remote_field.model
        related_admin = model_admin.admin_site._registry.get(related_model)
        rows = related_admin.get_queryset(request) if related_admin else related_model._default_manager.all()
        if ordering := self.field_admin_ordering(field, request, model_admin):
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


class TransitionHistoryInline(StateLogInline):
    """Who moved the object from which state to which, newest first (django-fsm-log)."""

    verbose_name = "state change"
    verbose_name_plural = "state history"

    def get_queryset(self, request):
        # Each row's title is the StateLog's __str__, which names the object it logs.
        return super().get_queryset(request).select_related("by").prefetch_related("content_object")
