"""The checkout, one step at a time: cart → address → delivery → payment → confirm → complete.

Each step has its rule, checked before the draft moves (a coded ``StepNotReady`` says
what is missing, by field, and nothing changes):

    cart → address       there are line items; rented items have their dates, zipcode and a free unit
    address → delivery   an e-mail, a valid billing and shipping address, a method that delivers there
    delivery → payment   a shipping method chosen (the cheapest is chosen on entering delivery);
                         delivery is passed over when only one method serves
    payment → confirm    a payment method, and for a card a checked card; passed over for a zero total
    confirm → complete   the order is placed by the engine (``order_place``) with the draft's number
                         and token: stock, payment and totals are settled there

``draft_next`` takes one step, ``draft_advance`` as many as the rules allow (up to confirm),
``draft_update_checkout`` applies a step's data and takes one step plus every step whose data
came in the same request (Spree's addresses + payment in one request: address → confirm).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from checkout.addressing import countries_for, order_address_from
from checkout.exceptions import CartNotFound, CheckoutDataInvalid, StepNotReady
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, RentalInput, ShipmentInput
from checkout.models import CheckoutDraft, Order, OrderAddress, OrderState
from checkout.placement import PlacementResult, Shopper, order_place
from checkout.step_checkout.drafts import draft_lock, rental_check
from checkout.step_checkout.preview import DraftPreview, draft_preview
from core.errors import DomainError
from customers.models import Country, Region
from customers.address_book import address_book_save
from api.spree.cards import card_data_from_spree_source
from api.spree.errors import error_key
from payments.exceptions import InvalidPaymentMethod, PaymentDataInvalid
from payments.models import CreditCard, PaymentMethod
from payments.models import PaymentPlugin as PluginCode
from payments.saved_cards import credit_card_payment_data, credit_card_store

S = OrderState
STEPS = [S.CART, S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM, S.COMPLETE]
BASE = "base"


@dataclass(frozen=True)
class PaymentChoice:
    method_id: Any
    source: Mapping[str, Any] | None = field(default=None, repr=False)  # Spree's payment_source entry: a card
    existing_card_id: Any = None


@dataclass(frozen=True)
class CheckoutUpdate:
    """What one PUT /api/checkouts/:number carries; None: not sent."""

    email: str | None = None
    bill_address: AddressInput | None = None
    ship_address: AddressInput | None = None
    use_shipping: bool = False
    save_user_address: bool = False
    shipping_rate_id: Any = None
    shipment_id: Any = None
    payment: PaymentChoice | None = None
    special_instructions: str | None = None

    @property
    def steps_given(self) -> set[str]:
        """The steps whose data this request brings: the draft may pass them in the same request."""
        given = set()
        if self.bill_address or self.ship_address:
            given.add(S.ADDRESS)
        if self.shipping_rate_id is not None:
            given.add(S.DELIVERY)
        if self.payment is not None:
            given.add(S.PAYMENT)
        return given


def spree_address_input(*, country_id: Any, state_id: Any = None, **fields: str) -> AddressInput:
    """An address by value from Spree's ids (``country_id``/``state_id`` are our primary keys)."""
    country = Country.objects.filter(pk=country_id).first() if _is_id(country_id) else None
    region = Region.objects.filter(pk=state_id).first() if _is_id(state_id) else None
    values = {name: str(value).strip() if value is not None else "" for name, value in fields.items()}
    return AddressInput(iso2_code=country.iso2_code if country else ("?" if country_id not in (None, "") else ""),
                        region_code=region.iso2_code if region else ("?" if state_id not in (None, "") else ""),
                        **values)


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit()
                                                                        and len(value) < 18)


# --- applying a step's data ------------------------------------------------------------------


def draft_update_checkout(*, draft: CheckoutDraft, update: CheckoutUpdate) -> CheckoutDraft:
    """Apply the data and move on (see the module doc); 422 and nothing changed when no step can be taken."""
    with transaction.atomic():
        draft = draft_lock(draft)
        if update.email is not None:
            draft.email = _email(update.email)
        if update.special_instructions is not None:
            draft.special_instructions = update.special_instructions
        if update.bill_address or update.ship_address:
            _set_addresses(draft, update)
        if update.payment is not None:
            _set_payment(draft, update.payment)
        draft.save()
        preview = draft_preview(draft)
        if update.shipping_rate_id is not None:
            _select_rate(draft, preview, update)
            draft.save()
            preview = draft_preview(draft)
        if draft.state != S.CONFIRM:
            _walk(draft, preview, passable=update.steps_given)
        draft.save()
    return draft


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise CheckoutDataInvalid(f"{value!r} is not a valid e-mail address.", pointer="/order/email") from None
    return value


def _set_addresses(draft: CheckoutDraft, update: CheckoutUpdate) -> None:
    ship_given = update.ship_address
    bill_given = update.ship_address if update.use_shipping and update.ship_address else update.bill_address
    countries = countries_for([ship_given, bill_given])
    customer = draft.customer
    if ship_given:
        draft.ship_address = _saved(order_address_from(given=ship_given, customer=customer, countries=countries,
                                                       field=("shipping_address",)))
    if bill_given:
        draft.bill_address = _saved(order_address_from(given=bill_given, customer=customer, countries=countries,
                                                       field=("billing_address",)))
    elif update.use_shipping and draft.ship_address_id:
        draft.bill_address = draft.ship_address
    if update.save_user_address and customer is not None and not customer.is_guest:
        _save_to_address_book(customer, draft.bill_address, draft.ship_address)
    if draft.state not in (S.CART, S.ADDRESS):
        draft.state = S.ADDRESS  # new addresses: shipping is chosen again


def _save_to_address_book(customer, bill: OrderAddress | None, ship: OrderAddress | None) -> None:
    """Spree's save_user_address: the addresses become the customer's default billing and shipping ones."""
    if bill is not None:
        address_book_save(customer=customer, address=bill, default_billing=True)
    if ship is not None:
        address_book_save(customer=customer, address=ship, default_shipping=True)


def _saved(address: OrderAddress) -> OrderAddress:
    address.save()
    return address


def _set_payment(draft: CheckoutDraft, choice: PaymentChoice) -> None:
    pointer = "/order/payments_attributes/0/payment_method_id"
    methods = PaymentMethod.objects.select_related("provider").filter(is_active=True, provider__is_active=True)
    if choice.method_id is None and choice.existing_card_id is not None:
        method = methods.filter(plugin=PluginCode.DUMMY_CREDIT_CARD).order_by("position", "pk").first()
    else:
        method = methods.filter(pk=choice.method_id).first() if _is_id(choice.method_id) else None
    if method is None:
        error = InvalidPaymentMethod(method=str(choice.method_id))
        error.pointer = pointer
        raise error
    draft.payment_method = method
    draft.credit_card = None
    if method.plugin == PluginCode.DUMMY_CREDIT_CARD:
        draft.credit_card = _card(draft, choice, method)


def _card(draft: CheckoutDraft, choice: PaymentChoice, method: PaymentMethod) -> CreditCard:
    """The card to pay with: a stored one of this customer (or this order), or a new one checked now."""
    if choice.existing_card_id is not None:
        mine = CreditCard.objects.filter(pk=choice.existing_card_id) if _is_id(choice.existing_card_id) else None
        card = None
        if mine is not None:
            if draft.customer is not None:
                card = mine.filter(customer=draft.customer).first()
            if card is None and draft.credit_card_id == int(choice.existing_card_id):
                card = draft.credit_card
        if card is None:
            raise PaymentDataInvalid("There is no such card among yours.", pointer="/order/existing_card")
        return card
    if not isinstance(choice.source, Mapping):
        raise PaymentDataInvalid("Give the card as payment_source, or an existing_card.", pointer="/payment_source")
    owner = draft.customer if draft.customer is not None and not draft.customer.is_guest else None
    # The provider checks and tokenises the card; it is charged (or declined) when the order is placed.
    return credit_card_store(method=method, customer=owner, data=card_data_from_spree_source(choice.source),
                             field=("payments", 0, "card"))


def _select_rate(draft: CheckoutDraft, preview: DraftPreview, update: CheckoutUpdate) -> None:
    pointer = "/order/shipments_attributes/0/selected_shipping_rate_id"
    if update.shipment_id is not None and str(update.shipment_id) != str(draft.pk):
        raise CheckoutDataInvalid(f"There is no shipment {update.shipment_id} in this order.",
                                  pointer="/order/shipments_attributes/0/id")
    rate = next((r for r in preview.rates if str(r.method.pk) == str(update.shipping_rate_id)), None)
    if rate is None:
        raise CheckoutDataInvalid(f"There is no shipping rate {update.shipping_rate_id} for this shipment.",
                                  pointer=pointer)
    draft.shipment_method = rate.method


# --- moving on -------------------------------------------------------------------------------


def draft_next(*, draft: CheckoutDraft) -> CheckoutDraft:
    """PUT /api/checkouts/:number/next before confirm: one step (steps nobody needs to fill are passed over)."""
    with transaction.atomic():
        draft = draft_lock(draft)
        _walk(draft, draft_preview(draft), passable=set())
        draft.save()
    return draft


def draft_advance(*, draft: CheckoutDraft) -> CheckoutDraft:
    """PUT /api/checkouts/:number/advance: as far as the rules allow, stopping at confirm."""
    with transaction.atomic():
        draft = draft_lock(draft)
        _walk(draft, draft_preview(draft), passable=set(STEPS), must_move=False)
        draft.save()
    return draft


def _walk(draft: CheckoutDraft, preview: DraftPreview, *, passable: set[str], must_move: bool = True) -> None:
    """One step (raising when it cannot be taken, if ``must_move``), then the passable ones."""
    first = True
    while draft.state != S.CONFIRM:
        if not first and not _may_pass(draft, preview, passable):
            return
        try:
            preview = _step(draft, preview)
        except StepNotReady:
            if first and must_move:
                raise
            return
        first = False


def _may_pass(draft: CheckoutDraft, preview: DraftPreview, passable: set[str]) -> bool:
    if draft.state in passable:
        return True
    if draft.state == S.DELIVERY:
        return len(preview.rates) == 1  # only one way to ship: nothing to choose
    if draft.state == S.PAYMENT:
        return preview.totals.grand_total == 0
    return False


def _step(draft: CheckoutDraft, preview: DraftPreview) -> DraftPreview:
    """Take the step out of the draft's state, or raise StepNotReady; returns the preview after it."""
    if draft.state == S.CART:
        if not preview.items:
            raise StepNotReady({BASE: ["There are no items for this order. Please add an item to the order to "
                                       "continue."]})
        _rules_hold(lambda: rental_check(draft))
        draft.state = S.ADDRESS
        return preview
    if draft.state == S.ADDRESS:
        errors = _address_problems(draft)
        if errors:
            raise StepNotReady(errors)
        if not preview.rates:
            raise StepNotReady({BASE: ["No shipping method delivers to this address."]})
        if preview.selected_rate is None:
            draft.shipment_method = min(preview.rates, key=lambda r: (r.price, r.method.pk)).method
            preview = draft_preview(draft)
        draft.state = S.DELIVERY
        return preview
    if draft.state == S.DELIVERY:
        if preview.selected_rate is None:
            raise StepNotReady({"shipments": ["Choose a shipping rate for every shipment."]})
        draft.state = S.PAYMENT
        return preview
    if draft.state == S.PAYMENT:
        if preview.totals.grand_total > 0:
            if draft.payment_method_id is None:
                raise StepNotReady({"payments": ["No payment found."]})
            if draft.payment_method.plugin == PluginCode.DUMMY_CREDIT_CARD and draft.credit_card_id is None:
                raise StepNotReady({"payments": ["The card is missing: send it as payment_source."]})
        draft.state = S.CONFIRM
        return preview
    raise StepNotReady({BASE: [f"An order in the {draft.state} state cannot move on this way."]})


def _rules_hold(check) -> None:
    """A rule of another app refused: report it as the step's failure, under the field it names."""
    try:
        check()
    except DomainError as error:
        raise StepNotReady({error_key(error): [error.detail]}, pointer=error.pointer) from error


def _address_problems(draft: CheckoutDraft) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    customer = draft.customer
    if not draft.email and not (customer and customer.email):
        errors["email"] = ["can't be blank"]
    for name, address in (("bill_address", draft.bill_address), ("ship_address", draft.ship_address)):
        if address is None:
            errors[name] = ["can't be blank"]
        else:
            for problem_field, problem in address.problems().items():
                errors[f"{name}.{problem_field}"] = [problem]
    return errors


# --- complete: the engine places the order ---------------------------------------------------


def draft_complete(*, draft: CheckoutDraft, idempotency_key: str | None = None) -> Order:
    """Place the draft's order through the engine; a completed draft returns its order again.

    No lock is held while the engine runs (it pays outside any transaction); the engine's
    cart claim keeps two completions apart, and a retry after success finds the order. So
    does the loser of two completions at once: the winner's order took the draft's cart away.
    """
    if draft.order_id is not None:
        return draft.order
    placed = Order.objects.filter(number=draft.number).first()
    if placed is None:
        if draft.state != S.CONFIRM:
            raise StepNotReady({BASE: [f"The order is in the {draft.state} step: it must be confirmed first."]})
        try:
            placed = _place(draft, idempotency_key).order
        except CartNotFound:
            placed = Order.objects.filter(number=draft.number).first()
            if placed is None:
                raise
    CheckoutDraft.objects.filter(pk=draft.pk).update(order=placed, state=S.COMPLETE)
    draft.refresh_from_db()
    return placed


def _place(draft: CheckoutDraft, idempotency_key: str | None) -> PlacementResult:
    registered = draft.customer if draft.customer is not None and not draft.customer.is_guest else None
    shopper = Shopper(customer=registered) if registered else Shopper(anonymous_id=draft.anonymous_id)
    ship_to = _address_input(draft.ship_address)
    payments = ()
    if draft.payment_method_id is not None:
        payment = {"paymentProviderName": draft.payment_method.provider.name,
                   "paymentMethodName": draft.payment_method.name}
        if draft.credit_card_id is not None:
            payment.update(credit_card_payment_data(draft.credit_card))
        payments = (payment,)
    rented = draft.cart_id is not None and draft.cart.items.filter(variant__product__is_rentable=True).exists()
    data = CheckoutData(
        customer=CustomerInput(email=draft.email or (registered.email if registered else ""),
                               first_name=draft.bill_address.first_name if draft.bill_address_id else "",
                               last_name=draft.bill_address.last_name if draft.bill_address_id else ""),
        billing_address=_address_input(draft.bill_address),
        shipments=(ShipmentInput(address=ship_to, method_id=draft.shipment_method_id),),
        payments=payments, number=draft.number, guest_token=draft.token,
        rental=RentalInput(draft.rental_start_date, draft.rental_end_date, draft.zipcode) if rented else None,
        special_instructions=draft.special_instructions,
    )
    return order_place(cart_uuid=draft.cart_uuid, shopper=shopper, data=data, idempotency_key=idempotency_key)


def _address_input(address: OrderAddress | None) -> AddressInput | None:
    if address is None:
        return None
    return AddressInput(first_name=address.first_name, last_name=address.last_name, company=address.company,
                        address1=address.address1, address2=address.address2, zip_code=address.zip_code,
                        city=address.city, iso2_code=address.country.iso2_code,
                        region_code=address.region.iso2_code if address.region_id else "", phone=address.phone)
