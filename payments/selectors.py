"""Reads of payment providers and methods that checkout and the API dialects share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch

from payments.exceptions import InvalidPaymentMethod
from payments.models import Payment, PaymentMethod, PaymentPlugin, PaymentProvider


def payment_method_resolve(*, provider_name: str, method_name: str) -> PaymentMethod:
    """The active method a client names, ignoring case ("Credit Card" is "credit card").

    Raises InvalidPaymentMethod (1108) when no active method of an active provider has
    these names. The provider is selected with the method, and ``is_restricted`` says whether
    the method is offered only for some billing countries (``countries``).
    """
    if not isinstance(provider_name, str) or not isinstance(method_name, str) or not provider_name or not method_name:
        raise InvalidPaymentMethod(method=str(method_name or ""), provider=str(provider_name or ""))
    method = (
        PaymentMethod.objects.select_related("provider")
        .annotate(is_restricted=Exists(PaymentMethod.countries.through.objects.filter(paymentmethod_id=OuterRef("pk"))))
        .filter(provider__name__iexact=provider_name, provider__is_active=True, name__iexact=method_name,
                is_active=True)
        .order_by("provider_id", "pk")
        .first()
    )
    if method is None:
        raise InvalidPaymentMethod(method=method_name, provider=provider_name)
    return method


def manual_payment_method(*, country_id: int | None) -> PaymentMethod | None:
    """The shop's first active manual (offline) method offered for billing addresses in the country
    (as /checkout-data lists the methods: by provider name, then position); None: it has none."""
    countries = PaymentMethod.countries.through.objects.filter(paymentmethod_id=OuterRef("pk"))
    return (
        PaymentMethod.objects.filter(is_active=True, provider__is_active=True, plugin=PaymentPlugin.MANUAL)
        .filter(~Exists(countries) | Exists(countries.filter(country_id=country_id)))
        .select_related("provider").order_by("provider__name", "position", "pk").first()
    )


def payment_providers_list() -> list[PaymentProvider]:
    """Active providers that have an active method, by name; two queries however many there are.

    Each provider's active methods, in display order, are in ``provider.active_methods``
    (a list: ``provider.methods`` still means all of them).
    """
    providers = PaymentProvider.objects.filter(is_active=True).order_by("name").prefetch_related(
        Prefetch(
            "methods",
            queryset=PaymentMethod.objects.filter(is_active=True).order_by("position", "id"),
            to_attr="active_methods",
        )
    )
    return [provider for provider in providers if provider.active_methods]


def payment_get_for_update(*, pk: int) -> Payment:
    """The payment with its method, row-locked until the surrounding transaction ends."""
    return Payment.objects.select_for_update(of=("self",)).select_related("method").get(pk=pk)
