"""An order before it is placed, as the Spree dialect shows it: a cart plus the checkout so far.

Spree's order exists from the first request (``POST /api/orders``) and walks
``cart → address → delivery → payment → confirm → complete`` one request at a time. Until
``complete`` its items live in a ``carts.Cart`` (so the carts services check currency and
stock) and everything else the storefront has told us lives here: the Spree number and
guest token, the step reached, the addresses, the rental dates and zipcode, the chosen
shipping method and payment method, and the checked card's kept details (brand, last
digits, expiry, name — never its number). Completing places the order through the
checkout engine with this number and token; ``order`` then points to the placed order.
"""

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from checkout.models.orders import OrderState, new_guest_token, new_order_number
from checkout import flow
from core.fsm import ProtectedStateMixin

# The steps a draft goes through; ``complete`` is reached by placing the order.
DRAFT_STATES = [OrderState.CART, OrderState.ADDRESS, OrderState.DELIVERY, OrderState.PAYMENT,
                OrderState.CONFIRM, OrderState.COMPLETE]


S = OrderState


class CheckoutDraft(ProtectedStateMixin, FSMModelMixin, models.Model):
    number = models.CharField(max_length=32, unique=True, default=new_order_number, editable=False,
                              help_text="Spree's order number; the placed order keeps it.")
    token = models.CharField(max_length=64, unique=True, default=new_guest_token, editable=False,
                             help_text="Spree's order token (guest access); the placed order keeps it as guest token.")
    store = models.ForeignKey("catalog.Store", on_delete=models.PROTECT, related_name="+")
    cart = models.OneToOneField("carts.Cart", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="checkout_draft", help_text="The items, until the order is placed.")
    cart_uuid = models.UUIDField(help_text="The cart's uuid, kept once placing deletes the cart.")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="checkout_drafts", help_text="The registered owner; empty for a guest.")
    anonymous_id = models.CharField(max_length=255, blank=True,
                                    help_text="The guest identity the cart and the placed order belong to.")
    email = models.EmailField(blank=True)
    state = FSMField(max_length=20, choices=[(s.value, s.label) for s in DRAFT_STATES], default=OrderState.CART,
                     protected=True)
    bill_address = models.ForeignKey("checkout.OrderAddress", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    ship_address = models.ForeignKey("checkout.OrderAddress", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    rental_start_date = models.DateTimeField(null=True, blank=True)
    rental_end_date = models.DateTimeField(null=True, blank=True)
    zipcode = models.CharField(max_length=20, blank=True, help_text="Picks the stock locations serving a rental.")
    shipment_method = models.ForeignKey("shipping.ShipmentMethod", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    payment_method = models.ForeignKey("payments.PaymentMethod", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    credit_card = models.ForeignKey("payments.CreditCard", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", help_text="The checked card's kept details (never its number).")
    special_instructions = models.TextField(blank=True)
    order = models.OneToOneField("checkout.Order", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="checkout_draft", help_text="The placed order, once complete.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rental_end_date__isnull=True) | Q(rental_start_date__isnull=True)
                | Q(rental_end_date__gt=models.F("rental_start_date")),
                name="checkout_draft_rental_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(customer__isnull=False) | ~Q(anonymous_id=""),
                                   name="checkout_draft_has_an_owner"),
        ]

    def __str__(self):
        return f"{self.number} ({self.state})"

    # What the step service read for the step rules (flow.Loaded); not a column. The transitions'
    # conditions read it so that they stay pure over what is already loaded.
    loaded: flow.Loaded | None = None

    @property
    def is_placed(self) -> bool:
        return self.order_id is not None

    # --- the checkout flow, in step order (conditions: checkout.flow) -----

    @transition(field=state, source=S.CART, target=S.ADDRESS, conditions=[flow.may_leave_cart],
                custom={"admin": False})
    def to_address(self):
        pass

    @transition(field=state, source=S.ADDRESS, target=S.DELIVERY, conditions=[flow.may_leave_address],
                custom={"admin": False})
    def to_delivery(self):
        pass

    @transition(field=state, source=S.DELIVERY, target=S.PAYMENT, conditions=[flow.may_leave_delivery],
                custom={"admin": False})
    def to_payment(self):
        pass

    @transition(field=state, source=S.PAYMENT, target=S.CONFIRM, conditions=[flow.may_leave_payment],
                custom={"admin": False})
    def to_confirm(self):
        pass

    @transition(field=state, source=S.CONFIRM, target=S.COMPLETE, conditions=[flow.is_placed],
                custom={"admin": False})
    def complete(self):
        """The engine placed the order (``order`` is set): the draft is done."""

    # --- going back when what a later step chose no longer holds: shipping and payment are chosen again

    @transition(field=state, source=[S.DELIVERY, S.PAYMENT, S.CONFIRM], target=S.ADDRESS, custom={"admin": False})
    def back_to_address(self):
        """Items or addresses changed: shipping and payment are chosen again."""

    @transition(field=state, source=[S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM], target=S.CART,
                custom={"admin": False})
    def back_to_cart(self):
        """The last item was removed."""
