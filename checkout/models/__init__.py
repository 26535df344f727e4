"""The checkout's models, by concept: orders and their parts; the records that make placing safe."""

from checkout.models.orders import (  # noqa: F401
    CHECKOUT_STEPS, Adjustment, AdjustmentKind, Expense, ExpenseType, LineItem, Order, OrderAddress,
    OrderPaymentState, OrderReferenceCounter, OrderShipmentState, OrderState, new_guest_token, new_order_number,
)
from checkout.models.placement import CheckoutClaim, IdempotencyKey  # noqa: F401
from checkout.models.drafts import CheckoutDraft  # noqa: F401, E402
