"""Carts of customers and guests, and the items in them."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from catalog.models import PriceMode
from core.money import CURRENCY_CHOICES


class Cart(models.Model):
    """A cart belongs to a registered customer or to a guest (X-Anonymous-Customer-Unique-Id).

    Its currency is set by the first item added. A cart idle for CART_EXPIRY_DAYS expires.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        max_length=255, unique=True, null=True, blank=True,
        help_text="A client-chosen cart id (Elastic Path's :cartID); empty when the uuid is used.",
    )
    store = models.ForeignKey("catalog.Store", on_delete=models.PROTECT, related_name="carts")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="carts"
    )
    anonymous_id = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True)
    is_default = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, null=True, blank=True)
    price_mode = models.CharField(max_length=10, choices=PriceMode.choices, default=PriceMode.GROSS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=True) | Q(anonymous_id__isnull=True),
                name="cart_owned_by_customer_or_guest",
                violation_error_message="A cart belongs to a customer or to a guest, not both.",
            ),
        ]

    def __str__(self):
        return f"Cart {self.reference or self.uuid}"

    @property
    def is_guest_cart(self) -> bool:
        return self.customer_id is None

    def expires_at(self) -> datetime:
        return self.updated_at + timedelta(days=settings.CART_EXPIRY_DAYS)


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    options = models.ManyToManyField("catalog.ProductOption", blank=True, related_name="+")
    shipping_group = models.ForeignKey(
        "carts.CartShippingGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="items",
        help_text="Where this item ships (Elastic Path's shipping groups); none: the checkout's shipping address.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cart", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_item_one_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_item_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant.sku}"


class CartVoucher(models.Model):
    """A voucher code the customer applied to the cart; the discounts app says what it is worth."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="vouchers")
    code = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cart", "id"]
        constraints = [
            models.UniqueConstraint(
                F("cart"), Lower("code"), name="cart_voucher_code_once_per_cart",
                violation_error_message="This voucher code is already applied to the cart.",
            ),
        ]

    def __str__(self):
        return self.code


class CartShippingGroup(models.Model):
    """Where some of a cart's items go and how (Elastic Path's cart shipping groups).

    At checkout each group with items becomes a shipment of the order: its address, its
    shipment method, the items it carries.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="shipping_groups")
    shipping_type = models.CharField(max_length=100, help_text="The shipment method, by key or name, as sent.")
    shipment_method = models.ForeignKey("shipping.ShipmentMethod", on_delete=models.PROTECT, related_name="+")
    tracking_reference = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone_number = models.CharField(max_length=40, blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    line_1 = models.CharField(max_length=255)
    line_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20, blank=True)
    county = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    region = models.CharField(max_length=100, blank=True)
    instructions = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cart", "id"]

    def __str__(self):
        return f"{self.shipping_type} to {self.city}, {self.country}"
