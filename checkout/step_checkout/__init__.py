"""The step-by-step checkout: an order that exists before it is placed, one step at a time.

``drafts`` creates a draft, finds it for whoever asks and changes its items and rental
fields; ``steps`` applies each step's data and moves the draft on through its transitions
(the rules: ``checkout.flow``), and completes it by placing the order through the engine;
``preview`` prices it on the way.
"""

from checkout.step_checkout.drafts import (  # noqa: F401
    UNSET, ItemChanged, LineItemChange, Opener, RentalChange, draft_add_item, draft_create, draft_for_update,
    draft_get, draft_remove_item, draft_set_item_quantity, draft_update, placed_order_get, stock_check,
)
from checkout.step_checkout.preview import DraftPreview, draft_preview  # noqa: F401
from checkout.step_checkout.steps import (  # noqa: F401
    CheckoutUpdate, PaymentChoice, StepResult, draft_advance, draft_complete, draft_next, draft_update_checkout,
)
