"""Customers, their addresses, and the countries and business accounts addresses belong to."""

import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Salutation(models.TextChoices):
    MR = "Mr", "Mr"
    MRS = "Mrs", "Mrs"
    MS = "Ms", "Ms"
    DR = "Dr", "Dr"


iso2_validator = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166-1 code in capitals, e.g. DE.")
iso3_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 3166-1 code in capitals, e.g. DEU.")


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(f"Not a valid regular expression: {exc}.") from None


class Country(models.Model):
    iso2_code = models.CharField(max_length=2, unique=True, validators=[iso2_validator])
    iso3_code = models.CharField(max_length=3, unique=True, validators=[iso3_validator])
    name = models.CharField(max_length=100)
    postal_code_mandatory = models.BooleanField(default=False)
    postal_code_regex = models.CharField(
        max_length=255, blank=True, validators=[validate_regex],
        help_text="Postal codes of this country must match this pattern in full, e.g. \\d{5}.",
    )
    states_required = models.BooleanField(default=False, help_text="Addresses must name a region.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(postal_code_mandatory=True, postal_code_regex=""),
                name="country_mandatory_postal_code_has_rule",
                violation_error_message="A country with mandatory postal codes needs a postal code pattern.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.iso2_code})"

    def postal_code_problem(self, postal_code: str) -> str | None:
        """Why ``postal_code`` is not valid here, or None when it is."""
        postal_code = (postal_code or "").strip()
        if not postal_code:
            return "A postal code is required for this country." if self.postal_code_mandatory else None
        if self.postal_code_regex and not re.fullmatch(self.postal_code_regex, postal_code):
            return f"{postal_code!r} is not a valid postal code for {self.name}."
        return None


class Region(models.Model):
    """A state, province or county (Spree's ``state_id``)."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="regions")
    iso2_code = models.CharField(max_length=10, help_text="The region's own code, e.g. CA or BY.")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["country__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "iso2_code"], name="region_code_unique_in_country"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.iso2_code}-{self.iso2_code})"


class PostalAddress(models.Model):
    """The parts of a postal address, shared by customer, company and order addresses."""

    salutation = models.CharField(max_length=10, choices=Salutation.choices, blank=True)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    company = models.CharField(max_length=255, blank=True)
    address1 = models.CharField("address line 1", max_length=255)
    address2 = models.CharField("address line 2", max_length=255, blank=True)
    address3 = models.CharField("address line 3", max_length=255, blank=True)
    zip_code = models.CharField("postal code", max_length=20, blank=True)
    city = models.CharField(max_length=100)
    county = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        abstract = True

    def problems(self) -> dict[str, str]:
        """What is wrong with this address, by field: the country's rules (postal code, regions)."""
        if not self.country_id:
            return {}
        problems = {}
        if problem := self.country.postal_code_problem(self.zip_code):
            problems["zip_code"] = problem
        if self.region_id and self.region.country_id != self.country_id:
            problems["region"] = f"{self.region.name} is not a region of {self.country.name}."
        elif self.country.states_required and not self.region_id:
            problems["region"] = f"Addresses in {self.country.name} need a region."
        return problems

    def clean(self):
        super().clean()
        if problems := self.problems():
            raise ValidationError(problems)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    def one_line(self) -> str:
        street = " ".join(p for p in (self.address1, self.address2) if p)
        return f"{self.full_name}, {street}, {self.zip_code} {self.city}, {self.country.iso2_code}".strip()


def new_customer_reference() -> str:
    return f"CU--{secrets.token_hex(4).upper()}"


class Gender(models.TextChoices):
    MALE = "Male", "Male"
    FEMALE = "Female", "Female"


class Customer(models.Model):
    """A shopper: registered (linked to a user) or a guest known by an anonymous id."""

    reference = models.CharField(max_length=32, unique=True, default=new_customer_reference, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="customer"
    )
    anonymous_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True,
        help_text="The guest's X-Anonymous-Customer-Unique-Id; empty for registered customers.",
    )
    email = models.EmailField(blank=True)
    salutation = models.CharField(max_length=10, choices=Salutation.choices, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(anonymous_id__isnull=True),
                name="customer_registered_or_guest",
                violation_error_message="A customer is either registered or a guest, not both.",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=Q(user__isnull=False) & ~Q(email=""),
                name="customer_registered_email_unique",
                violation_error_message="A registered customer with this e-mail already exists.",
            ),
        ]

    def __str__(self):
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"{name or self.email or 'Guest'} ({self.reference})"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class Address(PostalAddress):
    """An address in a customer's address book."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    is_default_billing = models.BooleanField(default=False)
    is_default_shipping = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_default_billing=True),
                name="address_one_default_billing_per_customer",
                violation_error_message="This customer already has a default billing address.",
            ),
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_default_shipping=True),
                name="address_one_default_shipping_per_customer",
                violation_error_message="This customer already has a default shipping address.",
            ),
        ]

    def __str__(self):
        return self.one_line()


class Company(models.Model):
    """A business account (Spryker company, Elastic Path account)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self):
        return self.name


class BusinessUnit(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="business_units")
    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["company__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="business_unit_name_unique_in_company"),
        ]

    def __str__(self):
        return f"{self.company.name} / {self.name}"


class CompanyUnitAddress(PostalAddress):
    """An address a company shares with its business units (Glue ``idCompanyBusinessUnitAddress``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses")
    business_units = models.ManyToManyField(BusinessUnit, related_name="addresses", blank=True)
    is_default_billing = models.BooleanField(default=False)

    class Meta:
        ordering = ["account__name", "id"]
        verbose_name = "business unit address"
        verbose_name_plural = "business unit addresses"

    def __str__(self):
        return f"{self.account.name}: {self.one_line()}"


class CompanyMember(models.Model):
    """A customer acting for a business unit (Elastic Path account member)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="members")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["business_unit", "customer"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "business_unit"], name="member_once_per_business_unit"),
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_default=True), name="member_one_default_unit_per_customer",
            ),
        ]

    def __str__(self):
        return f"{self.customer} @ {self.business_unit}"
