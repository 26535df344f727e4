"""Stores, products, variants, their prices per currency and tax sets.

Amounts are integer minor units (see core.money).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.money import CURRENCY_CHOICES


class PriceMode(models.TextChoices):
    GROSS = "GROSS_MODE", "Gross (prices include tax)"
    NET = "NET_MODE", "Net (tax is added)"


sku_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", "Letters, digits, '_', '.' and '-' only.")
store_code_validator = RegexValidator(r"^[A-Z]{2,10}$", "Two to ten capital letters, e.g. DE.")


class Store(models.Model):
    """A storefront with its currency and price mode; order references are numbered per store (DE--3)."""

    code = models.CharField(max_length=10, unique=True, validators=[store_code_validator])
    name = models.CharField(max_length=100)
    default_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    price_mode = models.CharField(max_length=10, choices=PriceMode.choices, default=PriceMode.GROSS)
    country = models.ForeignKey(
        "customers.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Where the shop is based: the default tax country.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.default_currency}, {self.get_price_mode_display()})"


class TaxSet(models.Model):
    """A group of tax rates that products and shipment methods point to."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxRate(models.Model):
    """The rate of a tax set in one destination country; a row without a country is the fallback."""

    tax_set = models.ForeignKey(TaxSet, on_delete=models.CASCADE, related_name="rates")
    country = models.ForeignKey(
        "customers.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=100)
    rate = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, e.g. 19.00.",
    )

    class Meta:
        ordering = ["tax_set", "country"]
        constraints = [
            models.UniqueConstraint(fields=["tax_set", "country"], name="tax_rate_one_per_country"),
            models.UniqueConstraint(
                fields=["tax_set"], condition=Q(country__isnull=True), name="tax_rate_one_fallback_per_set",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="tax_rate_between_0_and_100"),
        ]

    def __str__(self):
        where = self.country.iso2_code if self.country_id else "elsewhere"
        return f"{self.tax_set.name}: {self.rate}% ({where})"


class Product(models.Model):
    abstract_sku = models.CharField(max_length=64, unique=True, validators=[sku_validator])
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    slug = models.SlugField(max_length=255, unique=True)
    product_type = models.CharField(max_length=100, blank=True, help_text="e.g. Luggage, Smartphone.")
    tax_set = models.ForeignKey(TaxSet, on_delete=models.PROTECT, related_name="products")
    is_rentable = models.BooleanField(default=False, help_text="Rented for a date range instead of sold.")
    is_gift_card = models.BooleanField(default=False, help_text="Cannot be paid by invoice.")
    is_active = models.BooleanField(default=True)
    attributes = models.JSONField(default=dict, blank=True)
    options = models.ManyToManyField("ProductOption", blank=True, related_name="products")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.abstract_sku})"


class Variant(models.Model):
    """A concrete, sellable product: what a cart item and a line item point to."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    sku = models.CharField(max_length=64, unique=True, validators=[sku_validator])
    name = models.CharField(max_length=255, blank=True, help_text="Leave empty to use the product's name.")
    attributes = models.JSONField(default=dict, blank=True, help_text='Super attributes, e.g. {"color": "Blue"}.')
    image_url = models.CharField(max_length=500, blank=True)
    is_master = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    track_inventory = models.BooleanField(default=True)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.display_name} ({self.sku})"

    @property
    def display_name(self) -> str:
        return self.name or self.product.name


class PriceFields(models.Model):
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    gross_amount = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units, tax included.")
    net_amount = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units, before tax.")

    class Meta:
        abstract = True

    def amount_for(self, price_mode: str) -> int | None:
        return self.gross_amount if price_mode == PriceMode.GROSS else self.net_amount


class Price(PriceFields):
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="prices")

    class Meta:
        ordering = ["variant", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "currency"], name="price_one_per_variant_currency"),
            models.CheckConstraint(
                condition=Q(gross_amount__isnull=False) | Q(net_amount__isnull=False),
                name="price_has_an_amount",
                violation_error_message="Give a gross or a net amount.",
            ),
            models.CheckConstraint(
                condition=Q(gross_amount__gte=0) | Q(gross_amount__isnull=True), name="price_gross_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(net_amount__gte=0) | Q(net_amount__isnull=True), name="price_net_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.variant.sku} {self.currency}"


class ProductOption(models.Model):
    """An add-on sold with a product, e.g. gift wrapping or an insurance."""

    sku = models.CharField(max_length=64, unique=True, validators=[sku_validator])
    name = models.CharField(max_length=255)
    tax_set = models.ForeignKey(TaxSet, on_delete=models.PROTECT, related_name="options")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.sku})"


class ProductOptionPrice(PriceFields):
    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="prices")

    class Meta:
        ordering = ["option", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["option", "currency"], name="option_price_one_per_currency"),
            models.CheckConstraint(
                condition=Q(gross_amount__isnull=False) | Q(net_amount__isnull=False),
                name="option_price_has_an_amount",
            ),
        ]

    def __str__(self):
        return f"{self.option.sku} {self.currency}"


locale_validator = RegexValidator(r"^[a-z]{2,3}(_[A-Z]{2})?$", "A locale such as de_DE, en_US or de.")


class ProductTranslation(models.Model):
    """A product's name and description in one locale; storefronts pick one with Accept-Language."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    locale = models.CharField(max_length=10, validators=[locale_validator], help_text="e.g. de_DE or en_US.")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["product", "locale"]
        constraints = [
            models.UniqueConstraint(fields=["product", "locale"], name="product_translation_one_per_locale"),
        ]

    def __str__(self):
        return f"{self.name} ({self.locale})"
