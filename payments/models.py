"""Payment providers and methods, payments with their state machine, and saved card details.

A card number is never stored: a CreditCard keeps the brand, the last four digits and
the expiry only.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by

from core.fsm import ProtectedStateMixin

from core.money import CURRENCY_CHOICES, format_money
from core.staff_rights import StaffAct, staff_permission


class PaymentProvider(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="e.g. DummyPayment.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PaymentPlugin(models.TextChoices):
    """The code that authorises a method's payments (see the payment provider registry)."""

    DUMMY_INVOICE = "dummy_invoice", "Dummy invoice"
    DUMMY_CREDIT_CARD = "dummy_credit_card", "Dummy credit card"
    EXTERNAL_REDIRECT = "external_redirect", "External redirect"
    MANUAL = "manual", "Manual (offline)"


class PaymentMethod(models.Model):
    provider = models.ForeignKey(PaymentProvider, on_delete=models.PROTECT, related_name="methods")
    name = models.CharField(max_length=100, help_text="e.g. invoice, credit card.")
    plugin = models.CharField(max_length=40, choices=PaymentPlugin.choices)
    required_request_data = models.JSONField(
        default=list, blank=True,
        help_text='Fields a checkout must send, e.g. ["paymentMethod", "dummyPaymentInvoice.dateOfBirth"].',
    )
    position = models.PositiveSmallIntegerField(default=0)
    countries = models.ManyToManyField(
        "customers.Country", blank=True, related_name="+",
        help_text="Billing countries this method is offered for; none means everywhere.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["provider", "position", "id"]
        constraints = [
            models.UniqueConstraint(F("provider"), Lower("name"), name="payment_method_name_unique_in_provider"),
        ]

    def __str__(self):
        return f"{self.provider.name} {self.name}"


class CreditCard(models.Model):
    """What is kept of a card: never the number or the security code."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="credit_cards"
    )
    brand = models.CharField(max_length=30, blank=True, help_text="visa, mastercard, amex …")
    last_digits = models.CharField(max_length=4, validators=[RegexValidator(r"^\d{4}$", "Four digits.")])
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("name on card", max_length=255, blank=True)
    provider_token = models.CharField(
        max_length=255, blank=True,
        help_text="The provider's token for the card, which it charges later (Spree's payment profile).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="credit_card_month_valid"),
        ]

    def __str__(self):
        return f"{self.brand or 'card'} •••• {self.last_digits} ({self.month:02d}/{self.year})"


class PaymentState(models.TextChoices):
    CHECKOUT = "checkout", "Checkout"
    PROCESSING = "processing", "Processing"
    PENDING = "pending", "Authorized"
    COMPLETED = "completed", "Captured"
    FAILED = "failed", "Failed"
    VOID = "void", "Void"
    INVALID = "invalid", "Invalid"
    REFUNDED = "refunded", "Refunded"


S = PaymentState


class ProviderCall(models.TextChoices):
    """What an order's payment provider is being asked right now (staff's actions, the manual gateway)."""

    CAPTURE = "capture", "Capture"
    REFUND = "refund", "Refund"
    VOID = "void", "Void"


def is_fully_refundable(payment: "Payment") -> bool:
    return payment.refunded_amount == payment.captured_amount


class Payment(ProtectedStateMixin, ConcurrentTransitionMixin, models.Model):
    """One payment of an order through one payment method (Spree's payment state machine)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey("checkout.Order", on_delete=models.PROTECT, related_name="payments")
    method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    state = FSMField(choices=PaymentState.choices, default=PaymentState.CHECKOUT, protected=True)
    source = models.ForeignKey(CreditCard, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    captured_amount = models.PositiveIntegerField(default=0)
    refunded_amount = models.PositiveIntegerField(default=0)
    transaction_id = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The provider's reference for this payment."
    )
    response_code = models.CharField(max_length=255, blank=True)
    avs_response = models.CharField(max_length=255, blank=True)
    redirect_url = models.URLField(max_length=1000, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="Non-sensitive request data the method asked for (never card numbers)."
    )
    # The journal of a capture, refund or void: set and committed before the provider is called,
    # cleared with the outcome. While set, other actions on the payment are refused; left set by
    # a crash, it is what reconciliation reports.
    provider_call = models.CharField(
        max_length=20, choices=ProviderCall.choices, blank=True,
        help_text="The provider call under way on this payment; its outcome is not recorded yet.",
    )
    provider_call_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(captured_amount__lte=F("amount")), name="payment_captured_within_amount"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("captured_amount")), name="payment_refunded_within_captured"
            ),
            models.CheckConstraint(
                condition=Q(provider_call="", provider_call_started_at__isnull=True)
                | (~Q(provider_call="") & Q(provider_call_started_at__isnull=False)),
                name="payment_provider_call_has_start",
            ),
        ]
        indexes = [
            models.Index(fields=["provider_call_started_at"], name="payment_provider_call_idx",
                         condition=Q(provider_call_started_at__isnull=False)),
        ]
        permissions = [
            ("capture_payment", "Can capture payments"),
            ("refund_payment", "Can refund payments"),
            ("void_payment", "Can void payments"),
        ]

    def __str__(self):
        return f"{self.method} {format_money(self.amount, self.currency)} ({self.get_state_display().lower()})"

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PENDING], target=S.PROCESSING, custom={"admin": False})
    def started_processing(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PROCESSING], target=S.PENDING, custom={"admin": False})
    def authorize(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PROCESSING, S.PENDING], target=S.COMPLETED,
                permission=staff_permission(StaffAct.CAPTURE_PAYMENT), custom={"admin": False, "label": "Capture"})
    def capture(self, by=None):
        self.captured_amount = self.amount

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PROCESSING, S.PENDING, S.VOID], target=S.COMPLETED,
                custom={"admin": False})
    def confirm(self, by=None):
        """The provider's signed word that it took the money (a redirect payment). A fact, recorded even on a
        payment the shop voided meanwhile (its order canceled): the money is then owed to the customer."""
        self.captured_amount = self.amount

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PROCESSING, S.PENDING], target=S.FAILED, custom={"admin": False})
    def failure(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=[S.CHECKOUT, S.PROCESSING, S.PENDING], target=S.VOID,
                permission=staff_permission(StaffAct.VOID_PAYMENT), custom={"admin": False, "label": "Void"})
    def void(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=S.CHECKOUT, target=S.INVALID, custom={"admin": False})
    def invalidate(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=S.COMPLETED, target=S.REFUNDED, conditions=[is_fully_refundable],
                permission=staff_permission(StaffAct.REFUND_PAYMENT), custom={"admin": False, "label": "Refund"})
    def refund(self, by=None):
        pass


class PaymentAttemptStatus(models.TextChoices):
    STARTED = "started", "Started"
    AUTHORIZED = "authorized", "Authorized"
    REDIRECT = "redirect", "Awaiting redirect"
    DECLINED = "declined", "Declined"
    VOIDED = "voided", "Voided"
    ATTACHED = "attached", "Attached to an order"


class PaymentAttempt(models.Model):
    """A call to a payment provider made before its order exists: the journal that reconciles crashes.

    Written (and committed) before the provider is called, updated after; attached to the
    order inside the order's transaction. An attempt left ``started`` or ``authorized``
    without an order is money that may be held for nothing: reconciliation voids it.
    Holds no card data.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, related_name="attempts")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    idempotency_key = models.CharField(max_length=255, blank=True, db_index=True)
    cart_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=PaymentAttemptStatus.choices, default=PaymentAttemptStatus.STARTED)
    transaction_id = models.CharField(max_length=255, blank=True, help_text="The provider's reference.")
    order = models.ForeignKey(
        "checkout.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="payment_attempts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.method} {format_money(self.amount, self.currency)} ({self.status})"


class TransactionKind(models.TextChoices):
    AUTHORIZE = "authorize", "Authorize"
    PURCHASE = "purchase", "Purchase"
    CAPTURE = "capture", "Capture"
    REFUND = "refund", "Refund"


class PaymentTransaction(models.Model):
    """One money movement recorded on a payment (Elastic Path's transactions): what was
    authorised, purchased, captured or refunded, through which gateway, for how much."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    gateway = models.CharField(max_length=40, help_text="e.g. manual.")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        help_text="The transaction a capture or refund acts on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["payment", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {format_money(self.amount, self.currency)}"
