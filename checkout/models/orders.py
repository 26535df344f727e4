"""Orders: addresses copied at checkout, line items and expenses that snapshot prices,
discounts and taxes, totals, and three state machines.

``state`` is the checkout flow, in step order:
    cart → address → delivery → payment → confirm → complete
with ``delivery`` skipped when the address step leaves every shipment with its only
method, and ``payment`` skipped for a zero total; then the after-sale states
``canceled``, ``awaiting_return`` and ``returned``.
``payment_state`` and ``shipment_state`` summarise the order's payments and shipments.
All three are protected: they change only through their transitions, each of which is
recorded (django-fsm-log: who, when, from, to).
"""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by

from catalog.models import PriceMode
from checkout import flow
from core.fsm import ProtectedStateMixin
from core.money import CURRENCY_CHOICES
from core.staff_rights import StaffAct, staff_permission
from customers.models import PostalAddress


class OrderState(models.TextChoices):
    CART = "cart", "Cart"
    ADDRESS = "address", "Address"
    DELIVERY = "delivery", "Delivery"
    PAYMENT = "payment", "Payment"
    CONFIRM = "confirm", "Confirm"
    COMPLETE = "complete", "Complete"
    CANCELED = "canceled", "Canceled"
    AWAITING_RETURN = "awaiting_return", "Awaiting return"
    RETURNED = "returned", "Returned"


class OrderPaymentState(models.TextChoices):
    BALANCE_DUE = "balance_due", "Balance due"
    PAID = "paid", "Paid"
    CREDIT_OWED = "credit_owed", "Credit owed"
    FAILED = "failed", "Failed"
    VOID = "void", "Void"


class OrderShipmentState(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    PARTIAL = "partial", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    BACKORDER = "backorder", "Backorder"
    CANCELED = "canceled", "Canceled"


S = OrderState
P = OrderPaymentState
SH = OrderShipmentState
CHECKOUT_STEPS = [S.CART, S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM]
ADDRESS_READY = [flow.has_line_items, flow.has_valid_addresses]
DELIVERY_READY = [*ADDRESS_READY, flow.every_shipment_has_method]
PAYMENT_READY = [*DELIVERY_READY, flow.payment_covers_total]


class OrderAddress(PostalAddress):
    """An address as it was when the order was placed: later edits to the address book don't touch it."""

    po_box = models.CharField(max_length=50, blank=True)
    cell_phone = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=255, blank=True)
    comment = models.CharField(max_length=255, blank=True)
    instructions = models.CharField(max_length=500, blank=True, help_text="Delivery instructions.")

    class Meta:
        verbose_name = "order address"
        verbose_name_plural = "order addresses"

    def __str__(self):
        return self.one_line()


class OrderReferenceCounter(models.Model):
    """The last order number given out in a store; incremented under a row lock."""

    store = models.OneToOneField("catalog.Store", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.store_id}: {self.last_number}"


def new_order_number() -> str:
    return "R" + "".join(secrets.choice("0123456789") for _ in range(9))


def new_guest_token() -> str:
    return secrets.token_urlsafe(16)


class Order(ProtectedStateMixin, ConcurrentTransitionMixin, models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(
        max_length=32, unique=True, default=new_order_number, editable=False,
        help_text="Spree's order number, given when the order (or Spree cart) is created.",
    )
    reference = models.CharField(
        max_length=40, unique=True, null=True, blank=True, editable=False,
        help_text="The store's sequential reference (DE--3), given when the order is placed.",
    )
    order_number = models.CharField(max_length=64, blank=True, help_text="User-managed; need not be unique.")
    external_ref = models.CharField(max_length=64, blank=True, help_text="A reference from another system.")
    store = models.ForeignKey("catalog.Store", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    email = models.EmailField(blank=True)
    guest_token = models.CharField(max_length=64, unique=True, default=new_guest_token, editable=False)
    cart_uuid = models.UUIDField(null=True, blank=True, db_index=True, help_text="The cart it was placed from.")
    checkout_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False,
        help_text="A hash of the checkout request that placed it: only that request, repeated, gets it back.",
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    price_mode = models.CharField(max_length=10, choices=PriceMode.choices, default=PriceMode.GROSS)
    locale = models.CharField(max_length=10, blank=True)
    bill_address = models.ForeignKey(OrderAddress, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ship_address = models.ForeignKey(OrderAddress, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    special_instructions = models.TextField(blank=True)
    channel = models.CharField(max_length=20, default="api")

    # Rentals (Spree dialect): the dates, and the zipcode that picks the stock location.
    rental_start_date = models.DateTimeField(null=True, blank=True)
    rental_end_date = models.DateTimeField(null=True, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    stock_location = models.ForeignKey(
        "shipping.StockLocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Totals, in minor units; outputs of the pricing pipeline, never edited by hand.
    item_total = models.BigIntegerField(default=0, help_text="Sum of line items before discounts (subtotal).")
    discount_total = models.BigIntegerField(default=0)
    expense_total = models.BigIntegerField(default=0, help_text="Shipping and other expenses.")
    tax_total = models.BigIntegerField(default=0)
    included_tax_total = models.BigIntegerField(default=0, help_text="Tax included in gross prices.")
    additional_tax_total = models.BigIntegerField(default=0, help_text="Tax added on top of net prices.")
    grand_total = models.BigIntegerField(default=0)
    canceled_total = models.BigIntegerField(default=0)
    payment_total = models.BigIntegerField(default=0, help_text="What has been captured.")

    state = FSMField(choices=OrderState.choices, default=OrderState.CART, protected=True)
    payment_state = FSMField(choices=OrderPaymentState.choices, null=True, blank=True, default=None, protected=True)
    shipment_state = FSMField(choices=OrderShipmentState.choices, null=True, blank=True, default=None, protected=True)
    stock_reserved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item_total__gte=0) & Q(discount_total__gte=0) & Q(expense_total__gte=0)
                & Q(tax_total__gte=0) & Q(grand_total__gte=0) & Q(canceled_total__gte=0) & Q(payment_total__gte=0),
                name="order_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rental_end_date__isnull=True) | Q(rental_start_date__isnull=True)
                | Q(rental_end_date__gt=models.F("rental_start_date")),
                name="order_rental_ends_after_start",
                violation_error_message="The rental must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(reference__isnull=True) | ~Q(state__in=CHECKOUT_STEPS),
                name="order_reference_only_when_placed",
            ),
        ]
        indexes = [models.Index(fields=["store", "state"]), models.Index(fields=["payment_state"])]
        permissions = [
            ("cancel_order", "Can cancel orders"),
            ("resume_order", "Can resume canceled orders"),
            ("return_order", "Can authorize and receive returns"),
        ]

    def __str__(self):
        return self.reference or self.number

    @property
    def is_placed(self) -> bool:
        return self.state not in CHECKOUT_STEPS

    # --- the checkout flow, in step order -------------------------------------------

    @fsm_log_by
    @transition(field=state, source=[S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM], target=S.CART,
                custom={"admin": False})
    def to_cart(self, by=None):
        """Back to the cart, e.g. when its last item was removed."""

    @fsm_log_by
    @transition(field=state, source=[S.CART, S.DELIVERY, S.PAYMENT, S.CONFIRM], target=S.ADDRESS,
                conditions=[flow.has_line_items], custom={"admin": False})
    def to_address(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=[S.ADDRESS, S.PAYMENT, S.CONFIRM], target=S.DELIVERY,
                conditions=ADDRESS_READY, custom={"admin": False})
    def to_delivery(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=[S.ADDRESS, S.DELIVERY, S.CONFIRM], target=S.PAYMENT,
                conditions=DELIVERY_READY, custom={"admin": False})
    def to_payment(self, by=None):
        """From address directly when every shipment has its only method (delivery skipped)."""

    @fsm_log_by
    @transition(field=state, source=[S.ADDRESS, S.DELIVERY, S.PAYMENT], target=S.CONFIRM,
                conditions=PAYMENT_READY, custom={"admin": False})
    def to_confirm(self, by=None):
        """From delivery directly for a zero total; from address when payment came with the addresses."""

    @fsm_log_by
    @transition(field=state, source=S.CONFIRM, target=S.COMPLETE,
                conditions=[*PAYMENT_READY, flow.stock_is_reserved], custom={"admin": False})
    def complete(self, by=None):
        pass

    # --- after the sale -------------------------------------------------------------

    @fsm_log_by
    @transition(field=state, source=[S.CONFIRM, S.COMPLETE], target=S.CANCELED,
                conditions=[flow.nothing_shipped], permission=staff_permission(StaffAct.CANCEL_ORDER),
                custom={"label": "Cancel order", "admin": True})
    def cancel(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=S.CANCELED, target=S.COMPLETE, permission=staff_permission(StaffAct.RESUME_ORDER),
                custom={"label": "Resume order", "admin": True})
    def resume(self, by=None):
        """The service takes the stock again first (it was given back on cancel)."""
        self.canceled_at = None

    @fsm_log_by
    @transition(field=state, source=S.COMPLETE, target=S.AWAITING_RETURN,
                conditions=[flow.something_shipped], permission=staff_permission(StaffAct.RETURN_ORDER),
                custom={"label": "Authorize return", "admin": True})
    def authorize_return(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=S.AWAITING_RETURN, target=S.RETURNED,
                permission=staff_permission(StaffAct.RETURN_ORDER),
                custom={"label": "Receive return", "admin": True})
    def receive_return(self, by=None):
        pass

    @fsm_log_by
    @transition(field=state, source=S.AWAITING_RETURN, target=S.COMPLETE,
                permission=staff_permission(StaffAct.RETURN_ORDER),
                custom={"label": "Cancel return", "admin": True})
    def cancel_return(self, by=None):
        pass

    # --- payment_state: what the payments add up to ---------------------------------

    @fsm_log_by
    @transition(field=payment_state, source=[None, P.PAID, P.FAILED, P.CREDIT_OWED, P.VOID], target=P.BALANCE_DUE,
                custom={"admin": False})
    def mark_balance_due(self, by=None):
        pass

    @fsm_log_by
    @transition(field=payment_state, source=[None, P.BALANCE_DUE, P.FAILED, P.CREDIT_OWED], target=P.PAID,
                custom={"admin": False})
    def mark_paid(self, by=None):
        pass

    @fsm_log_by
    @transition(field=payment_state, source=[None, P.BALANCE_DUE, P.PAID, P.VOID], target=P.CREDIT_OWED,
                custom={"admin": False})
    def mark_credit_owed(self, by=None):
        pass

    @fsm_log_by
    @transition(field=payment_state, source=[None, P.BALANCE_DUE], target=P.FAILED, custom={"admin": False})
    def mark_payment_failed(self, by=None):
        pass

    @fsm_log_by
    @transition(field=payment_state, source=[None, P.BALANCE_DUE, P.FAILED, P.CREDIT_OWED, P.PAID], target=P.VOID,
                custom={"admin": False})
    def mark_payment_void(self, by=None):
        pass

    # --- shipment_state: what the shipments add up to -------------------------------

    @fsm_log_by
    @transition(field=shipment_state, source=[None, SH.READY, SH.BACKORDER, SH.CANCELED], target=SH.PENDING,
                custom={"admin": False})
    def mark_shipments_pending(self, by=None):
        pass

    @fsm_log_by
    @transition(field=shipment_state, source=[None, SH.PENDING, SH.BACKORDER], target=SH.READY,
                custom={"admin": False})
    def mark_shipments_ready(self, by=None):
        pass

    @fsm_log_by
    @transition(field=shipment_state, source=[None, SH.PENDING, SH.READY], target=SH.BACKORDER,
                custom={"admin": False})
    def mark_backordered(self, by=None):
        pass

    @fsm_log_by
    @transition(field=shipment_state, source=[SH.PENDING, SH.READY, SH.BACKORDER], target=SH.PARTIAL,
                custom={"admin": False})
    def mark_partially_shipped(self, by=None):
        pass

    @fsm_log_by
    @transition(field=shipment_state, source=[SH.READY, SH.PARTIAL], target=SH.SHIPPED, custom={"admin": False})
    def mark_shipped(self, by=None):
        pass

    @fsm_log_by
    @transition(field=shipment_state, source=[None, SH.PENDING, SH.READY, SH.BACKORDER], target=SH.CANCELED,
                custom={"admin": False})
    def mark_shipments_canceled(self, by=None):
        pass


class LineItem(models.Model):
    """A snapshot of what was bought: name, sku and prices as they were when ordered."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="line_items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    shipment = models.ForeignKey(
        "shipping.Shipment", on_delete=models.SET_NULL, null=True, blank=True, related_name="line_items"
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    product_type = models.CharField(max_length=100, blank=True)
    is_rentable = models.BooleanField(default=False)
    is_gift_card = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True, help_text="superAttributes and image, as shown.")
    quantity = models.PositiveIntegerField()
    unit_price = models.BigIntegerField(help_text="In the order's price mode.")
    unit_gross_price = models.BigIntegerField(default=0)
    unit_net_price = models.BigIntegerField(default=0)
    unit_option_price = models.BigIntegerField(default=0)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    sum_tax_amount = models.BigIntegerField(default=0)
    sum_discount_amount = models.BigIntegerField(default=0)
    sum_price_to_pay = models.BigIntegerField(default=0)
    canceled_amount = models.BigIntegerField(default=0)
    unit_amounts = models.JSONField(
        default=list, blank=True,
        help_text='What each unit came to, as priced: [{"discount": 3327, "tax": 4940}, …].',
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(unit_gross_price__gte=0) & Q(unit_net_price__gte=0)
                & Q(unit_option_price__gte=0) & Q(sum_tax_amount__gte=0) & Q(sum_discount_amount__gte=0)
                & Q(sum_price_to_pay__gte=0) & Q(canceled_amount__gte=0),
                name="line_item_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="line_item_tax_rate_valid"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"

    @property
    def sum_price(self) -> int:
        return self.unit_price * self.quantity


class ExpenseType(models.TextChoices):
    SHIPMENT = "SHIPMENT_EXPENSE_TYPE", "Shipment"


class Expense(models.Model):
    """A cost of the order that is not an item: shipping, per shipment."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="expenses")
    shipment = models.ForeignKey(
        "shipping.Shipment", on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses"
    )
    type = models.CharField(max_length=40, choices=ExpenseType.choices, default=ExpenseType.SHIPMENT)
    name = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.BigIntegerField()
    unit_gross_price = models.BigIntegerField(default=0)
    unit_net_price = models.BigIntegerField(default=0)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    sum_tax_amount = models.BigIntegerField(default=0)
    sum_discount_amount = models.BigIntegerField(default=0)
    sum_price_to_pay = models.BigIntegerField(default=0)
    canceled_amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(sum_tax_amount__gte=0) & Q(sum_discount_amount__gte=0)
                & Q(sum_price_to_pay__gte=0) & Q(quantity__gt=0),
                name="expense_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {self.name}"


class AdjustmentKind(models.TextChoices):
    DISCOUNT = "discount", "Discount"
    TAX = "tax", "Tax"


class Adjustment(models.Model):
    """A discount or tax applied to the order, a line item or an expense (``calculatedDiscounts``)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="adjustments")
    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, null=True, blank=True, related_name="adjustments")
    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, null=True, blank=True, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    label = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    voucher_code = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    amount = models.BigIntegerField(help_text="Minor units; what this adjustment takes off or adds in total.")
    unit_amounts = models.JSONField(default=list, blank=True, help_text="The amount unit by unit, as priced.")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="adjustment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(line_item__isnull=True) | Q(expense__isnull=True),
                name="adjustment_on_item_or_expense_not_both",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.amount}"
