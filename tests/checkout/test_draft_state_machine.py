"""The step checkout's draft as a state machine: its rules (checkout.flow) are the conditions of its
transitions and the coded requirements a refused step reports; its state changes by transitions only."""

import pytest
from django_fsm import TransitionNotAllowed

from checkout import flow
from checkout.exceptions import LineItemsMissing
from checkout.models import CheckoutDraft, OrderAddress
from customers.models import Country
from payments.models import PaymentMethod, PaymentPlugin

READY = flow.Loaded(item_count=1, rate_count=2, rate_selected=True, grand_total=1000)


def draft_at(state: str, loaded=READY, **fields) -> CheckoutDraft:
    draft = CheckoutDraft(state=state, **fields)
    draft.loaded = loaded
    return draft


def address(**fields) -> OrderAddress:
    return OrderAddress(first_name="A", last_name="B", address1="1 Road", city="Town", zip_code="10115",
                        country=Country(iso2_code="DE", name="Germany"), **fields)


def unmet(draft) -> list[tuple[str, tuple]]:
    return [(e.code, e.field) for e in flow.UNMET[draft.state](draft)]


def test_the_state_changes_by_transitions_only():
    draft = draft_at("cart")
    with pytest.raises(AttributeError):
        draft.state = "confirm"
    draft.to_address()
    assert draft.state == "address"


def test_an_empty_cart_cannot_leave_the_cart_step():
    draft = draft_at("cart", flow.Loaded(item_count=0))
    assert unmet(draft) == [("line_items_missing", ())]
    with pytest.raises(TransitionNotAllowed):
        draft.to_address()


def test_the_stock_checks_refusal_keeps_the_draft_in_the_cart_step():
    refusal = LineItemsMissing("no stock")
    draft = draft_at("cart", flow.Loaded(item_count=1, stock_refusal=refusal))
    assert flow.cart_unmet(draft) == [refusal] and not flow.may_leave_cart(draft)


@pytest.mark.parametrize(("email", "expected"), [
    ("", ("email_missing", ("email",))),
    ("not-an-email", ("email_invalid", ("email",))),
])
def test_leaving_address_needs_a_valid_email(email, expected):
    draft = draft_at("address", email=email, bill_address=address(), ship_address=address())
    assert unmet(draft) == [expected]
    with pytest.raises(TransitionNotAllowed):
        draft.to_delivery()


def test_leaving_address_names_each_missing_address_then_needs_a_shipping_method():
    assert unmet(draft_at("address", email="a@example.com")) == [
        ("address_missing", ("billing_address",)), ("address_missing", ("shipping_address",))]
    nowhere = draft_at("address", flow.Loaded(item_count=1), email="a@example.com", bill_address=address(),
                       ship_address=address())
    assert unmet(nowhere) == [("no_shipping_method", ())]
    ready = draft_at("address", email="a@example.com", bill_address=address(), ship_address=address())
    ready.to_delivery()
    assert ready.state == "delivery"


def test_delivery_needs_a_chosen_rate_and_is_passed_over_with_one_way_to_ship():
    draft = draft_at("delivery", flow.Loaded(item_count=1, rate_count=1))
    assert unmet(draft) == [("shipping_rate_missing", ("shipments",))]
    assert flow.may_pass(draft)
    assert not flow.may_pass(draft_at("delivery"))


def test_payment_needs_a_method_and_a_card_for_the_card_method_but_nothing_for_a_zero_total():
    assert unmet(draft_at("payment")) == [("payment_missing", ("payments",))]
    card = PaymentMethod(pk=1, plugin=PaymentPlugin.DUMMY_CREDIT_CARD)
    assert unmet(draft_at("payment", payment_method=card)) == [("card_missing", ("payments",))]
    free = draft_at("payment", flow.Loaded(item_count=1, grand_total=0))
    assert unmet(free) == [] and flow.may_pass(free)
    free.to_confirm()
    assert free.state == "confirm"


def test_only_a_placed_draft_completes():
    draft = draft_at("confirm")
    with pytest.raises(TransitionNotAllowed):
        draft.complete()


@pytest.mark.parametrize("state", ["delivery", "payment", "confirm"])
def test_changes_send_a_draft_back_to_address_or_to_the_cart(state):
    back = draft_at(state)
    back.back_to_address()
    emptied = draft_at(state)
    emptied.back_to_cart()
    assert (back.state, emptied.state) == ("address", "cart")


def test_a_transition_without_what_the_rules_read_is_refused():
    with pytest.raises(TransitionNotAllowed):
        draft_at("cart", loaded=None).to_address()
