"""Cart rules (discounts a cart gets automatically or with a voucher) and the vouchers.

A rule applies in a currency only when it has a minimum order value for that currency
(``CartRuleMinimum``; 0 means "any order"), and a fixed-amount rule only when it also has
an amount in that currency (``CartRuleAmount``). Amounts are integer minor units.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from catalog.models import PriceMode
from core.money import CURRENCY_CHOICES


class CartRuleKind(models.TextChoices):
    # The values are pricing.DiscountKind's: the selectors pass them through unchanged.
    PERCENTAGE = "percentage", "Percentage off the items"
    FIXED = "fixed", "Fixed amount off the items"
    FREE_SHIPPING = "free_shipping", "Free shipping"


class ValidityWindow(models.Model):
    """``valid_from <= now < valid_to``; an empty bound is open."""

    is_active = models.BooleanField(default=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True, help_text="The first moment it no longer applies.")

    class Meta:
        abstract = True


VALID_WINDOW = Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from"))

voucher_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "Letters, digits, '_' and '-' only, starting with a letter or digit."
)


class CartRule(ValidityWindow):
    name = models.CharField(max_length=255, help_text="Shown to customers (displayName).")
    description = models.TextField(blank=True, help_text="Shown to customers.")
    kind = models.CharField(max_length=20, choices=CartRuleKind.choices)
    percentage = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="Percentage rules only: percent off the items, e.g. 10.00.",
    )
    price_mode = models.CharField(
        max_length=10, choices=PriceMode.choices, blank=True, help_text="Leave empty for gross and net carts."
    )
    stores = models.ManyToManyField(
        "catalog.Store", blank=True, related_name="cart_rules", help_text="Leave empty for every store."
    )
    shipment_methods = models.ManyToManyField(
        "shipping.ShipmentMethod", blank=True, related_name="cart_rules",
        help_text="Free shipping rules only: the methods that become free. Leave empty for every method.",
    )
    is_exclusive = models.BooleanField(
        default=False, help_text="When it applies, no other rule does (of several, the first by priority)."
    )
    priority = models.PositiveIntegerField(default=100, help_text="Lower numbers apply first.")
    requires_voucher = models.BooleanField(
        default=False, help_text="Applies only with one of its voucher codes, never automatically."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CartRuleKind.values), name="cart_rule_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gt=0, percentage__lte=100),
                name="cart_rule_percentage_between_0_and_100",
                violation_error_message="A percentage is more than 0 and at most 100.",
            ),
            models.CheckConstraint(
                condition=Q(kind=CartRuleKind.PERCENTAGE, percentage__isnull=False)
                | (~Q(kind=CartRuleKind.PERCENTAGE) & Q(percentage__isnull=True)),
                name="cart_rule_percentage_iff_percentage_kind",
                violation_error_message="Percentage rules need a percentage; other kinds take none.",
            ),
            models.CheckConstraint(
                condition=Q(price_mode__in=["", *PriceMode.values]), name="cart_rule_price_mode_known",
            ),
            models.CheckConstraint(
                condition=VALID_WINDOW,
                name="cart_rule_valid_to_after_valid_from",
                violation_error_message="The end of the validity must come after its start.",
            ),
        ]

    def __str__(self):
        return self.name


class CartRuleMinimum(models.Model):
    """The order value from which a rule applies in one currency; no row: not in that currency."""

    rule = models.ForeignKey(CartRule, on_delete=models.CASCADE, related_name="minimums")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    min_subtotal = models.PositiveIntegerField(default=0, help_text="Minor units; 0 for any order.")

    class Meta:
        ordering = ["rule", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "currency"], name="cart_rule_minimum_one_per_currency"),
            models.CheckConstraint(condition=Q(min_subtotal__gte=0), name="cart_rule_minimum_not_negative"),
        ]

    def __str__(self):
        return f"{self.rule} from {self.min_subtotal} {self.currency}"


class CartRuleAmount(models.Model):
    """What a fixed-amount rule takes off in one currency."""

    rule = models.ForeignKey(CartRule, on_delete=models.CASCADE, related_name="fixed_amounts")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.PositiveIntegerField(help_text="Minor units.")

    class Meta:
        ordering = ["rule", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "currency"], name="cart_rule_amount_one_per_currency"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cart_rule_amount_positive"),
        ]

    def __str__(self):
        return f"{self.rule}: {self.amount} {self.currency}"


class Voucher(ValidityWindow):
    """A code that unlocks a voucher-only rule, for a limited number of orders or for any."""

    code = models.CharField(max_length=100, validators=[voucher_code_validator])
    rule = models.ForeignKey(
        CartRule, on_delete=models.PROTECT, related_name="vouchers", limit_choices_to={"requires_voucher": True}
    )
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Orders it can be used on; empty: any.")
    times_used = models.PositiveIntegerField(default=0, help_text="Orders placed with it (canceled ones give it back).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"), name="voucher_code_unique_ignoring_case",
                violation_error_message="A voucher with this code exists (codes ignore upper and lower case).",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="voucher_code_not_empty"),
            models.CheckConstraint(condition=Q(times_used__gte=0), name="voucher_times_used_not_negative"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gt=0), name="voucher_max_uses_positive",
                violation_error_message="Leave the maximum empty for unlimited use; to stop a voucher, deactivate it.",
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(times_used__lte=models.F("max_uses")),
                name="voucher_not_used_beyond_max_uses",
                violation_error_message="A voucher cannot be used more often than its maximum.",
            ),
            models.CheckConstraint(
                condition=VALID_WINDOW,
                name="voucher_valid_to_after_valid_from",
                violation_error_message="The end of the validity must come after its start.",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        super().clean()
        try:
            rule = self.rule  # in the rule's admin page: the rule being added, not yet saved
        except CartRule.DoesNotExist:
            return
        if not rule.requires_voucher:
            raise ValidationError({"rule": "Vouchers are for rules that require one (the others apply without a "
                                           "code): tick “requires voucher” on the rule, or pick another rule."})

    @property
    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.times_used >= self.max_uses
