from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Subquery
from django.utils.translation.trans_real import parse_accept_lang_header

from catalog.exceptions import ProductNotFound
from catalog.models import Price, PriceMode, Product, ProductTranslation, Store, TaxRate, Variant


def variant_for_sale(*, sku: str, with_translations: bool = False) -> Variant:
    """An active variant with its product and prices (and the product's translations), by sku;
    ProductNotFound otherwise."""
    variants = variants_for_sale(sku=sku).prefetch_related("prices")
    if with_translations:
        variants = variants.prefetch_related("product__translations")
    variant = variants.first()
    if variant is None:
        raise ProductNotFound(meta={"sku": sku})
    return variant


def variants_for_sale(*, sku: str) -> QuerySet[Variant]:
    """The active variant of an active product with this sku (none or one), with its product."""
    return Variant.objects.select_related("product").filter(sku=sku, is_active=True, product__is_active=True)


def price_amount(*, variant, currency: str, price_mode: str) -> Subquery:
    """A variant's price in ``currency`` and ``price_mode`` (``Price.amount_for``) as a subquery;
    ``variant`` is an ``OuterRef`` to the variant's pk. None where it has none."""
    amount = "gross_amount" if price_mode == PriceMode.GROSS else "net_amount"
    return Subquery(Price.objects.filter(variant=variant, currency=currency).order_by().values(amount)[:1])


@dataclass(frozen=True)
class TaxRates:
    """The rates of some tax sets by destination country (``tax_rates_for``)."""

    by_set_and_country: dict[tuple[int, int | None], Decimal]

    def rate(self, tax_set_id: int | None, country_id: int | None, default: Decimal | None = Decimal(0)):
        """The set's rate in the country, else its rate without a country (the fallback), else ``default``."""
        found = self.by_set_and_country.get((tax_set_id, country_id))
        return found if found is not None else self.by_set_and_country.get((tax_set_id, None), default)


def tax_rate_in(*, tax_set, country_id: int | None) -> Subquery:
    """``TaxRates.rate`` as a subquery: the rate of ``tax_set`` (an ``OuterRef`` to a tax set id) in
    the country, else its fallback rate; None where it has neither."""
    in_country = Q(country__isnull=True) | (Q(country_id=country_id) if country_id is not None else Q())
    rates = TaxRate.objects.filter(in_country, tax_set_id=tax_set)
    return Subquery(rates.order_by(F("country_id").asc(nulls_last=True)).values("rate")[:1])


def tax_rates_for(*, tax_set_ids: Iterable[int | None]) -> TaxRates:
    """Every rate of these tax sets, in one query (none for no set)."""
    ids = set(tax_set_ids) - {None}
    rates = TaxRate.objects.filter(tax_set_id__in=ids) if ids else []
    return TaxRates({(rate.tax_set_id, rate.country_id): rate.rate for rate in rates})


def store_by_code(*, code: str) -> Store:
    return Store.objects.select_related("country").get(code=code)


# --- translations ---------------------------------------------------------------------------


def accepted_locales(accept_language: str | None) -> list[str]:
    """The languages of an Accept-Language header, most wanted first, as lower-case tags ("de-de", "en")."""
    header = (accept_language or "")[:255].replace("_", "-")  # Django refuses longer headers anyway
    return [tag for tag, _ in parse_accept_lang_header(header) if tag != "*"]


def best_locale(*, accept_language: str | None, available: Iterable[str]) -> str | None:
    """The available locale (``de_DE``) that best answers the header: the exact locale first, then
    the same language; None when the header names none of them."""
    by_tag = {locale.replace("_", "-").lower(): locale for locale in sorted(available)}
    for tag in accepted_locales(accept_language):
        if tag in by_tag:
            return by_tag[tag]
        language = tag.split("-")[0]
        if language in by_tag:
            return by_tag[language]
        same_language = [locale for key, locale in by_tag.items() if key.split("-")[0] == language]
        if same_language:
            return same_language[0]
    return None


def shop_locales() -> list[str]:
    """Every locale the catalog has translations in."""
    return list(ProductTranslation.objects.order_by().values_list("locale", flat=True).distinct())


def product_translation_for(*, product: Product, accept_language: str | None) -> ProductTranslation | None:
    """The product's translation that best matches Accept-Language (uses a prefetched ``translations``)."""
    translations = {t.locale: t for t in product.translations.all()}
    locale = best_locale(accept_language=accept_language, available=translations)
    return translations.get(locale) if locale else None


def variant_text_for(*, variant: Variant, accept_language: str | None) -> tuple[str, str]:
    """The variant's name and description in the best locale Accept-Language asks for; its own otherwise.

    A variant with a name of its own keeps it unless the product is translated."""
    product = variant.product
    translation = product_translation_for(product=product, accept_language=accept_language)
    if translation is None:
        return variant.display_name, product.description
    return translation.name, translation.description or product.description
