"""The step-by-step checkout's services (checkout.step_checkout): each step's rule, refusals that change
nothing, and completion through the engine with the draft's number and token."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carts.exceptions import ItemNotAvailable
from carts.models import Cart
from catalog.models import Store
from checkout.exceptions import OrderAccessDenied, OrderNotFound, RentalDatesMissing, StepNotReady
from checkout.inputs import AddressInput
from checkout.models import CheckoutDraft, Order, OrderAddress
from checkout import step_checkout
from checkout.step_checkout import CheckoutUpdate, LineItemChange, PaymentChoice, RentalChange, draft_create, draft_preview
from customers.models import Customer
from payments import cards as card_keys
from payments.exceptions import PaymentDataInvalid
from payments.models import CreditCard, PaymentMethod
from payments.providers.base import PaymentRequest
from payments.providers.dummy import DummyCreditCardPlugin
from shipping.exceptions import InsufficientStock, ZipcodeNotServiceable

pytestmark = pytest.mark.django_db

BETHESDA = AddressInput(first_name="John", last_name="Doe", address1="7735 Old Georgetown Road", city="Bethesda",
                        zip_code="20814", iso2_code="US", region_code="MD", phone="3014445002")
BERLIN = AddressInput(first_name="Ada", last_name="Guest", address1="Julie-Wolfthorn-Straße", city="Berlin",
                      zip_code="10115", iso2_code="DE")
# The card as the card plugin reads it (payments.cards); each dialect turns its own request into this.
CARD = {card_keys.NUMBER: "4111111111111111", card_keys.MONTH: "12", card_keys.YEAR: "2035",
        card_keys.SECURITY_CODE: "123", card_keys.NAME: "J Doe", card_keys.CARD_TYPE: "visa"}


@pytest.fixture(autouse=True)
def shop(db):
    call_command("seed_demo", stdout=StringIO())


class Anyone:
    """Opens every draft: who may use one is the dialects' tests' concern (tests/api/spree/test_access.py)."""

    def may_use(self, *, customer_id, token, act) -> bool:
        return True


ANYONE = Anyone()


def draft_next(*, draft):
    return step_checkout.draft_next(number=draft.number, by=ANYONE).draft


def draft_advance(*, draft):
    return step_checkout.draft_advance(number=draft.number, by=ANYONE).draft


def draft_update_checkout(*, draft, update):
    return step_checkout.draft_update_checkout(number=draft.number, by=ANYONE, update=update).draft


def draft_complete(*, draft, idempotency_key=None):
    return step_checkout.draft_complete(number=draft.number, by=ANYONE, idempotency_key=idempotency_key).order


def draft_set_item_quantity(*, draft, item_id, quantity):
    return step_checkout.draft_set_item_quantity(number=draft.number, by=ANYONE, item_id=item_id, quantity=quantity)


def draft_update(*, draft, **changes):
    return step_checkout.draft_update(number=draft.number, by=ANYONE, **changes)


def us() -> Store:
    return Store.objects.get(code="US")


def days(n: int):
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=n)


def phone_order(quantity=1, store=None, **kwargs) -> CheckoutDraft:
    return draft_create(store=store or us(), customer=None, email="g@example.com",
                        line_items=[LineItemChange(quantity=quantity, variant_id=6)], **kwargs)


def rental(start=10, end=13, zipcode="90025") -> RentalChange:
    return RentalChange(starts_at=days(start), ends_at=days(end), zipcode=zipcode)


def at_confirm(draft: CheckoutDraft, method_id=2, **payment) -> CheckoutDraft:
    draft = draft_next(draft=draft)
    return draft_update_checkout(draft=draft, update=CheckoutUpdate(
        bill_address=BETHESDA, ship_address=BETHESDA, payment=PaymentChoice(method_id=method_id, **payment)))


def test_a_new_draft_is_a_guest_cart_in_the_cart_step():
    draft = phone_order(2)
    assert draft.state == "cart" and draft.number.startswith("R") and draft.token
    assert draft.cart.anonymous_id == draft.anonymous_id and draft.cart.currency == "USD"
    assert draft.cart.items.get().quantity == 2


def test_an_unknown_variant_creates_nothing():
    carts = Cart.objects.count()
    with pytest.raises(ItemNotAvailable) as error:
        draft_create(store=us(), customer=None,
                     line_items=[LineItemChange(quantity=1, variant_id=999999, at=("line_items", 0))])
    assert error.value.field == ("line_items", 0, "variant_id")
    assert not CheckoutDraft.objects.exists() and Cart.objects.count() == carts


def test_cart_to_address_needs_line_items_and_changes_nothing_when_refused():
    draft = draft_create(store=us(), customer=None)
    with pytest.raises(StepNotReady) as error:
        draft_next(draft=draft)
    assert [(e.code, e.field) for e in error.value.unmet] == [("line_items_missing", ())]
    assert CheckoutDraft.objects.get(pk=draft.pk).state == "cart"


def test_address_needs_an_email_and_both_addresses():
    draft = draft_next(draft=draft_create(store=us(), customer=None,
                                          line_items=[LineItemChange(quantity=1, variant_id=6)]))
    with pytest.raises(StepNotReady) as error:
        draft_next(draft=draft)
    assert [(e.code, e.field) for e in error.value.unmet] == [
        ("email_missing", ("email",)), ("address_missing", ("billing_address",)),
        ("address_missing", ("shipping_address",))]


def test_one_shipping_method_passes_delivery_with_it_chosen():
    draft = draft_next(draft=phone_order())
    draft = draft_update_checkout(draft=draft, update=CheckoutUpdate(bill_address=BETHESDA, ship_address=BETHESDA))
    assert draft.state == "payment" and draft.shipment_method_id == 6
    preview = draft_preview(draft)
    assert preview.totals.expense_total == 500 and [r.method.pk for r in preview.rates] == [6]


def test_several_methods_stop_at_delivery_with_the_cheapest_chosen_until_one_is_selected():
    draft = draft_next(draft=phone_order(store=Store.objects.get(code="DE")))
    draft = draft_update_checkout(draft=draft, update=CheckoutUpdate(bill_address=BERLIN, ship_address=BERLIN))
    assert draft.state == "delivery" and draft.shipment_method_id == 1  # Standard, 4.90
    draft = draft_update_checkout(draft=draft, update=CheckoutUpdate(shipping_rate_id=2, shipment_id=draft.pk))
    assert draft.state == "payment" and draft.shipment_method_id == 2
    assert draft_preview(draft).totals.expense_total == 590


def test_addresses_and_payment_together_reach_confirm_with_only_the_cards_last_digits_kept():
    draft = at_confirm(phone_order(), method_id=1, source=CARD)
    assert draft.state == "confirm"
    card = draft.credit_card
    assert (card.brand, card.last_digits, card.month, card.year, card.customer) == ("visa", "1111", 12, 2035, None)
    assert "4111111111111111" not in str(CreditCard.objects.values())


def test_an_invalid_card_is_refused_and_nothing_is_written():
    draft = draft_next(draft=phone_order())
    addresses, cards = OrderAddress.objects.count(), CreditCard.objects.count()
    with pytest.raises(PaymentDataInvalid) as error:
        draft_update_checkout(draft=draft, update=CheckoutUpdate(
            bill_address=BETHESDA, ship_address=BETHESDA,
            payment=PaymentChoice(method_id=1, source={**CARD, card_keys.NUMBER: "4111111111111112"})))
    assert error.value.field == ("payments", 0, "card", "number")  # Spree shows payment_source.number
    assert (OrderAddress.objects.count(), CreditCard.objects.count()) == (addresses, cards)
    assert CheckoutDraft.objects.get(pk=draft.pk).state == "address"


def test_changing_items_after_the_address_step_goes_back_to_address():
    draft = at_confirm(phone_order())
    item = draft.cart.items.get()
    draft_set_item_quantity(draft=draft, item_id=item.pk, quantity=2)
    assert CheckoutDraft.objects.get(pk=draft.pk).state == "address"


def test_advance_stops_at_confirm_and_complete_places_the_order_with_the_drafts_number_and_token():
    draft = draft_next(draft=phone_order())
    draft = draft_update_checkout(draft=draft, update=CheckoutUpdate(bill_address=BETHESDA, ship_address=BETHESDA))
    draft = draft_update_checkout(draft=draft, update=CheckoutUpdate(payment=PaymentChoice(method_id=2)))
    draft = draft_advance(draft=draft)
    assert draft.state == "confirm" and not Order.objects.filter(number=draft.number).exists()
    total = draft_preview(draft).totals.grand_total
    order = draft_complete(draft=draft, idempotency_key="svc-1")
    assert (order.number, order.guest_token, order.state, order.grand_total) == (draft.number, draft.token,
                                                                                  "complete", total)
    assert order.customer.anonymous_id == draft.anonymous_id and order.email == "g@example.com"
    draft.refresh_from_db()
    assert draft.order == order and draft.state == "complete" and draft.cart is None
    assert draft_complete(draft=draft) == order and Order.objects.filter(number=draft.number).count() == 1


def test_complete_before_confirm_is_refused():
    with pytest.raises(StepNotReady):
        draft_complete(draft=phone_order())


def test_a_stored_card_pays_at_completion():
    draft = at_confirm(phone_order(), method_id=1, source=CARD)
    order = draft_complete(draft=draft)
    payment = order.payments.get()
    assert payment.state == "pending" and payment.source.last_digits == "1111"


def test_the_card_plugin_refuses_an_expired_stored_card():
    method = PaymentMethod.objects.get(pk=1)
    data = {"existingCreditCard": {"cardType": "visa", "lastDigits": "1111", "cardExpiresMonth": 1,
                                   "cardExpiresYear": 2020, "nameOnCard": "J"}}
    with pytest.raises(PaymentDataInvalid):
        DummyCreditCardPlugin().validate(PaymentRequest(method=method, amount=0, currency="USD", reference="",
                                                        data=data))


def test_rentals_need_dates_a_serviceable_zipcode_and_free_units():
    tote = [LineItemChange(quantity=1, variant_id=1)]
    with pytest.raises(RentalDatesMissing):
        draft_create(store=us(), customer=None, line_items=tote, rental=RentalChange(zipcode="90025"))
    with pytest.raises(ZipcodeNotServiceable):
        draft_create(store=us(), customer=None, line_items=tote, rental=rental(zipcode="12345"))
    booked = draft_create(store=us(), customer=None, email="a@example.com", rental=rental(),
                          line_items=[LineItemChange(quantity=10, variant_id=1)])
    draft_complete(draft=at_confirm(booked))
    with pytest.raises(InsufficientStock):
        draft_create(store=us(), customer=None, line_items=tote, rental=rental(12, 14))
    assert draft_create(store=us(), customer=None, line_items=tote, rental=rental(13, 14)).state == "cart"


def test_rental_dates_can_be_moved_on_an_existing_draft():
    draft = draft_create(store=us(), customer=None, line_items=[LineItemChange(quantity=1, variant_id=1)],
                         rental=rental())
    draft = draft_update(draft=draft, rental=RentalChange(ends_at=days(20)))
    assert CheckoutDraft.objects.get(pk=draft.pk).rental_end_date == days(20)


def test_a_draft_being_placed_cannot_change_until_its_claim_is_stale():
    from checkout.exceptions import CheckoutInProgress
    from checkout.models import CheckoutClaim

    draft = phone_order()
    claim = CheckoutClaim.objects.create(cart_uuid=draft.cart_uuid, token="t", claimed_at=timezone.now())
    with pytest.raises(CheckoutInProgress):
        draft_next(draft=draft)
    assert CheckoutDraft.objects.get(pk=draft.pk).state == "cart"
    CheckoutClaim.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert draft_next(draft=draft).state == "address"  # a crashed placement does not leave the order stuck
