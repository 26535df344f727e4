"""The checkout, one step at a time: cart → address → delivery → payment → confirm → complete.

The draft moves only through its transitions (checkout.models.CheckoutDraft); each step's
rule is written once in ``checkout.flow``, is the transition's condition and, checked
before the draft moves, the coded requirements a ``StepNotReady`` reports (by field;
nothing changes):

    cart → address       there are line items; rented items have their dates, zipcode and a free unit
    address → delivery   an e-mail, a valid billing and shipping address, a method that delivers there
    delivery → payment   a shipping method chosen (the cheapest is chosen on entering delivery);
                         delivery is passed over when only one method serves
    payment → confirm    a payment method, and for a card a checked card; passed over for a zero total
    confirm → complete   the order is placed by the engine (``order_place``) with the draft's number
                         and token: stock, payment and totals are settled there

``draft_next`` takes one step, or from confirm places the order; ``draft_advance`` takes as
many as the rules allow (up to confirm); ``draft_update_checkout`` applies a step's data and
takes one step plus every step whose data came in the same request (addresses and payment
in one request: address → confirm); ``draft_complete`` places the order. Each finds the draft
by number for whoever asks (an ``Opener``) and returns a ``StepResult`` to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from checkout import flow
from checkout.addressing import countries_for, order_address_from
from checkout.exceptions import CartNotFound, CheckoutDataInvalid, EmailInvalid, NotConfirmed, StepNotReady
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, RentalInput, ShipmentInput
from checkout.models import CheckoutDraft, Order, OrderAddress, OrderState
from checkout.placement import PlacementResult, Shopper, order_place
from checkout.step_checkout.drafts import (
    Opener, draft_allow, draft_claim_check, draft_for_update, draft_get, draft_read, placed_order_get, stock_check,
)
from checkout.step_checkout.preview import DraftPreview, draft_preview
from core.errors import DomainError
from core.staff_rights import StaffAct
from customers.address_book import address_book_save
from payments.exceptions import InvalidPaymentMethod, PaymentDataInvalid
from payments.models import CreditCard, PaymentMethod
from payments.models import PaymentPlugin as PluginCode
from payments.saved_cards import credit_card_payment_data, credit_card_store

S = OrderState
STEPS = [S.CART, S.ADDRESS, S.DELIVERY, S.PAYMENT, S.CONFIRM, S.COMPLETE]


@dataclass(frozen=True)
class StepResult:
    """A step's outcome as it is shown: the draft and its preview, or once placed its order (and the draft
    it was placed from, if any)."""

    draft: CheckoutDraft | None
    preview: DraftPreview | None = None
    order: Order | None = None


@dataclass(frozen=True)
class PaymentChoice:
    method_id: Any
    source: Mapping[str, Any] | None = field(default=None, repr=False)  # the card's data (payments.cards)
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


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit()
                                                                        and len(value) < 18)


# --- applying a step's data ------------------------------------------------------------------


def draft_update_checkout(*, number: str, by: Opener, update: CheckoutUpdate) -> StepResult:
    """Apply the data and move on (see the module doc); 422 and nothing changed when no step can be taken."""
    with transaction.atomic():
        draft = draft_for_update(number=number, by=by)
        if update.email is not None:
            draft.email = _email(update.email)
        if update.special_instructions is not None:
            draft.special_instructions = update.special_instructions
        if update.bill_address or update.ship_address:
            _set_addresses(draft, update)
        if update.payment is not None:
            _set_payment(draft, update.payment)
        preview = draft_preview(draft)
        if update.shipping_rate_id is not None:
            _select_rate(draft, preview, update)
            preview = draft_preview(draft)
        if draft.state != S.CONFIRM:
            preview = _walk(draft, preview, passable=update.steps_given)
        draft.save()
    return StepResult(draft=draft, preview=preview)


def _email(value: str) -> str:
    value = value.strip()
    if flow.email_problem(value) is not None:
        raise EmailInvalid(f"{value!r} is not a valid e-mail address.")
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
        draft.back_to_address()  # new addresses: shipping is chosen again



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
    methods = PaymentMethod.objects.select_related("provider").filter(is_active=True, provider__is_active=True)
    if choice.method_id is None and choice.existing_card_id is not None:
        method = methods.filter(plugin=PluginCode.DUMMY_CREDIT_CARD).order_by("position", "pk").first()
    else:
        method = methods.filter(pk=choice.method_id).first() if _is_id(choice.method_id) else None
    if method is None:
        raise InvalidPaymentMethod(method=str(choice.method_id), field=("payments", 0, "method_id"))
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
            raise PaymentDataInvalid("There is no such card among yours.", field=("payments", 0, "existing_card"))
        return card
    if not isinstance(choice.source, Mapping):
        raise PaymentDataInvalid("Give the card, or an existing card.", field=("payments", 0, "card"))
    owner = draft.customer if draft.customer is not None and not draft.customer.is_guest else None
    # The provider checks and tokenises the card; it is charged (or declined) when the order is placed.
    return credit_card_store(method=method, customer=owner, data=choice.source, field=("payments", 0, "card"))


def _select_rate(draft: CheckoutDraft, preview: DraftPreview, update: CheckoutUpdate) -> None:
    if update.shipment_id is not None and str(update.shipment_id) != str(draft.pk):
        raise CheckoutDataInvalid(f"There is no shipment {update.shipment_id} in this order.",
                                  field=("shipments", 0, "id"))
    rate = next((r for r in preview.rates if str(r.method.pk) == str(update.shipping_rate_id)), None)
    if rate is None:
        raise CheckoutDataInvalid(f"There is no shipping rate {update.shipping_rate_id} for this shipment.",
                                  field=("shipments", 0, "rate_id"))
    draft.shipment_method = rate.method


# --- moving on -------------------------------------------------------------------------------


def draft_next(*, number: str, by: Opener, idempotency_key: str | None = None) -> StepResult:
    """One step (steps nobody needs to fill are passed over); from confirm, placing the order.

    Reads the draft once, with all its showing needs, and prices it once (twice only when
    entering delivery chooses the cheapest method). A placed draft, or an order placed
    without one, is shown as it is: nothing is left to do."""
    with transaction.atomic():
        draft = _draft_to_move(number, by)
        if draft is None or draft.is_placed:
            return _placed(number, by, draft)
        if draft.state != S.CONFIRM:
            preview = _walk(draft, draft_preview(draft), passable=set())
            draft.save()
            return StepResult(draft=draft, preview=preview)
    return _complete(draft, idempotency_key)


def draft_complete(*, number: str, by: Opener, idempotency_key: str | None = None) -> StepResult:
    """Place the draft's order through the engine; a completed draft returns its order again."""
    draft = draft_get(number=number, by=by, act=StaffAct.PLACE_ORDER_FOR_CUSTOMER)
    if draft is None or draft.is_placed:
        return _placed(number, by, draft)
    return _complete(draft, idempotency_key)


def draft_advance(*, number: str, by: Opener) -> StepResult:
    """As far as the rules allow, stopping at confirm."""
    with transaction.atomic():
        draft = draft_for_update(number=number, by=by)
        preview = _walk(draft, draft_preview(draft), passable=set(STEPS), must_move=False)
        draft.save()
    return StepResult(draft=draft, preview=preview)


def _draft_to_move(number: str, by: Opener) -> CheckoutDraft | None:
    """The draft locked, checked for the act its state asks: changing it, or at confirm placing it."""
    draft = draft_read(number=number, lock=True)
    if draft is None:
        return None
    placing = draft.state == S.CONFIRM
    draft_allow(draft, by=by, act=StaffAct.PLACE_ORDER_FOR_CUSTOMER if placing else StaffAct.CHANGE_CARTS)
    if not (placing or draft.is_placed):
        draft_claim_check(draft)
    return draft


def _walk(draft: CheckoutDraft, preview: DraftPreview, *, passable: set[str], must_move: bool = True
          ) -> DraftPreview:
    """One step (raising StepNotReady when it cannot be taken, if ``must_move``), then the passable ones;
    returns the preview of the draft as it ends."""
    _load(draft, preview)
    first = True
    while draft.state in flow.UNMET:
        if not first and draft.state not in passable and not flow.may_pass(draft):
            break
        unmet = flow.UNMET[draft.state](draft)
        if unmet:
            if first and must_move:
                raise StepNotReady(unmet)
            break
        getattr(draft, flow.LEAVE[draft.state])()
        if draft.state == S.DELIVERY and preview.selected_rate is None:
            draft.shipment_method = min(preview.rates, key=lambda r: (r.price, r.method.pk)).method
            preview = draft_preview(draft)
            _load(draft, preview)
        first = False
    return preview


def _load(draft: CheckoutDraft, preview: DraftPreview) -> None:
    """What the rules read, from what is loaded; the stock is checked when the draft leaves the cart."""
    refusal = None
    if draft.state == S.CART and preview.items:
        try:
            stock_check(draft, preview.items)
        except DomainError as error:
            refusal = error
    draft.loaded = flow.Loaded(item_count=len(preview.items), rate_count=len(preview.rates),
                               rate_selected=preview.selected_rate is not None,
                               grand_total=preview.totals.grand_total, stock_refusal=refusal)


# --- complete: the engine places the order ---------------------------------------------------


def _complete(draft: CheckoutDraft, idempotency_key: str | None) -> StepResult:
    """Place the draft's order through the engine.

    No lock is held while the engine runs (it pays outside any transaction); the engine's
    cart claim keeps two completions apart, and a retry after success finds the order. So
    does the loser of two completions at once: the winner's order took the draft's cart away.
    """
    placed = Order.objects.filter(number=draft.number).first()
    if placed is None:
        if draft.state != S.CONFIRM:
            raise StepNotReady([NotConfirmed(f"The order is in the {draft.state} step: it must be confirmed "
                                                  f"first.")])
        try:
            placed = _place(draft, idempotency_key).order
        except CartNotFound:
            placed = Order.objects.filter(number=draft.number).first()
            if placed is None:
                raise
    draft.order = placed
    draft.complete()
    draft.save(update_fields=["order", "state", "updated_at"])
    return StepResult(draft=draft, order=placed)


def _placed(number: str, by: Opener, draft: CheckoutDraft | None) -> StepResult:
    """A placed draft's order, or an order placed without a draft (the caller's, else 401 / 404)."""
    if draft is not None:
        # By id: a row lock that waited for the completion sees the new order_id but not the joined order.
        return StepResult(draft=draft, order=Order.objects.get(pk=draft.order_id))
    return StepResult(draft=None, order=placed_order_get(number=number, by=by))


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
    data = CheckoutData(
        customer=CustomerInput(email=draft.email or (registered.email if registered else ""),
                               first_name=draft.bill_address.first_name if draft.bill_address_id else "",
                               last_name=draft.bill_address.last_name if draft.bill_address_id else ""),
        billing_address=_address_input(draft.bill_address),
        shipments=(ShipmentInput(address=ship_to, method_id=draft.shipment_method_id),),
        payments=payments, number=draft.number, guest_token=draft.token, rental=_rental(draft),
        special_instructions=draft.special_instructions,
    )
    return order_place(cart_uuid=draft.cart_uuid, shopper=shopper, data=data, idempotency_key=idempotency_key)


def _rental(draft: CheckoutDraft) -> RentalInput | None:
    """The zipcode picks the stock locations of every item (checkout.stock_sources); dates go with rented items."""
    rented = draft.cart_id is not None and draft.cart.items.filter(variant__product__is_rentable=True).exists()
    if rented:
        return RentalInput(draft.rental_start_date, draft.rental_end_date, draft.zipcode)
    return RentalInput(None, None, draft.zipcode) if draft.zipcode else None


def _address_input(address: OrderAddress | None) -> AddressInput | None:
    if address is None:
        return None
    return AddressInput(first_name=address.first_name, last_name=address.last_name, company=address.company,
                        address1=address.address1, address2=address.address2, zip_code=address.zip_code,
                        city=address.city, iso2_code=address.country.iso2_code,
                        region_code=address.region.iso2_code if address.region_id else "", phone=address.phone)
