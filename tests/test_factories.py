"""The factories make valid rows, one factory per model, and orders that keep the step rules
of the step they are in."""

import pytest
from django_fsm import FSMFieldMixin

from checkout import flow
from checkout.models import Order, OrderState
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    f._meta.model: f for f in vars(factories).values()
    if isinstance(f, type) and issubclass(f, factories.DjangoModelFactory) and f._meta.model is not None
    and not f._meta.abstract
}


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=lambda f: f.__name__)
def test_a_factory_row_passes_model_validation(factory):
    row = factory()
    # full_clean() assigns every field it cleans, which protected state fields refuse
    # (see test_order_state_machine.py); everything else is validated.
    state_fields = [f.name for f in type(row)._meta.fields if isinstance(f, FSMFieldMixin)]
    row.full_clean(exclude=state_fields)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_factories_make_distinct_rows_where_fields_are_unique():
    a, b = factories.VariantFactory(), factories.VariantFactory()
    assert a.sku != b.sku and a.product_id != b.product_id


# The step rules an order in each step has kept to get there.
KEPT = {
    "at_address": (OrderState.ADDRESS, [flow.has_line_items]),
    "at_delivery": (OrderState.DELIVERY, [flow.has_line_items, flow.has_valid_addresses]),
    "at_payment": (OrderState.PAYMENT, [flow.has_line_items, flow.has_valid_addresses,
                                        flow.every_shipment_has_method]),
    "at_confirm": (OrderState.CONFIRM, [flow.has_line_items, flow.has_valid_addresses,
                                        flow.every_shipment_has_method, flow.payment_covers_total]),
    "at_complete": (OrderState.COMPLETE, [flow.has_line_items, flow.has_valid_addresses,
                                          flow.every_shipment_has_method, flow.payment_covers_total,
                                          flow.stock_is_reserved, flow.nothing_shipped]),
    "at_awaiting_return": (OrderState.AWAITING_RETURN, [flow.something_shipped]),
}


@pytest.mark.parametrize("trait", KEPT)
def test_an_order_at_a_step_keeps_the_rules_of_the_steps_before_it(trait):
    state, rules = KEPT[trait]
    order = Order.objects.get(pk=factories.OrderFactory(**{trait: True}).pk)
    assert order.state == state
    assert [rule.__name__ for rule in rules if not rule(order)] == []


def test_an_order_at_delivery_has_not_chosen_a_shipping_method_yet():
    order = factories.OrderFactory(at_delivery=True)
    assert not flow.every_shipment_has_method(order)
    assert order.shipments.get().shipping_rates.count() == 2


def test_a_placed_order_has_a_reference_and_a_captured_payment():
    order = factories.OrderFactory(at_complete=True)
    assert order.reference and order.completed_at
    assert [(p.state, p.captured_amount) for p in order.payments.all()] == [("completed", order.grand_total)]
