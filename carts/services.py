"""Writes to carts: create, items, vouchers, delete, and merging a guest's cart at login.

Every service runs in one transaction and locks the cart row (``select_for_update``)
before it reads what it changes; several carts are locked in primary-key order. The
services take a ``Cart`` already resolved for its owner by ``carts.selectors.cart_get``
and refuse with coded ``DomainError`` subclasses.

Carts do not import checkout: the API layer must refuse writes to a cart that is being
checked out (``checkout.CheckoutClaim``) before it calls these services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from carts.exceptions import (
    MAX_QUANTITY,
    CartAttributeInvalid,
    CartNotFound,
    CartOwnerInvalid,
    ItemNotAvailable,
    ItemNotInCart,
    PriceMissing,
    QuantityInvalid,
    VoucherNotInCart,
)
from carts.models import Cart, CartItem, CartVoucher
from carts.selectors import cart_get_for_update, cart_lock_held
from catalog.models import Price, PriceMode, ProductOptionPrice, Store, Variant
from catalog.selectors import price_amount, variants_for_sale
from core.compiled import CompiledRead
from core.money import CURRENCIES
from discounts.selectors import voucher_check
from shipping.exceptions import InsufficientStock
from shipping.selectors import availability_annotations, availability_of, stock_locations_serving


# --- carts --------------------------------------------------------------------------------


def cart_create(
    *, store: Store, customer=None, anonymous_id: str | None = None, name: str = "",
    currency: str | None = None, price_mode: str | None = None, is_default: bool = False,
) -> Cart:
    """A new, empty cart of a customer or of a guest (exactly one of them).

    ``currency`` None: the first item sets it. ``price_mode`` None: the store's. A new default
    cart makes the owner's other carts non-default.
    """
    anonymous_id = (anonymous_id or "").strip() or None
    if (customer is None) == (anonymous_id is None):
        raise CartOwnerInvalid()
    if currency is not None and currency not in CURRENCIES:
        raise CartAttributeInvalid(f"{currency!r} is not a currency of the shop.",
                                   field=("currency",), meta={"currency": currency})
    if price_mode is not None and price_mode not in PriceMode.values:
        raise CartAttributeInvalid(f"{price_mode!r} is not a price mode.", field=("price_mode",),
                                   meta={"priceMode": price_mode})
    name = (name or "").strip()
    if len(name) > Cart._meta.get_field("name").max_length:
        raise CartAttributeInvalid("The cart name is too long.", field=("name",))
    with transaction.atomic():
        if is_default:
            _owners_carts(customer, anonymous_id).filter(is_default=True).update(is_default=False)
        return Cart.objects.create(
            store=store, customer=customer, anonymous_id=anonymous_id if customer is None else None, name=name,
            currency=currency, price_mode=price_mode or store.price_mode, is_default=is_default,
        )


def cart_edit(
    *, cart: Cart, name: str | None = None, currency: str | None = None, price_mode: str | None = None,
    store: Store | None = None,
) -> Cart:
    """Rename the cart, or change its currency or price mode (None: leave as it is); Glue's PATCH /carts/{uuid}.

    The price mode of a cart with items cannot change; the currency can, when every item
    has a price in the new one. The store is the cart's own: another store is refused.
    """
    with _locked(cart) as locked:
        has_items = locked.items.exists()
        if store is not None and store.pk != locked.store_id:
            raise CartAttributeInvalid(f"The cart belongs to the store {locked.store.code}.",
                                       field=("store",), meta={"store": store.code})
        if currency is not None and currency not in CURRENCIES:
            raise CartAttributeInvalid(f"{currency!r} is not a currency of the shop.",
                                       field=("currency",), meta={"currency": currency})
        if price_mode is not None and price_mode not in PriceMode.values:
            raise CartAttributeInvalid(f"{price_mode!r} is not a price mode.", field=("price_mode",),
                                       meta={"priceMode": price_mode})
        if price_mode is not None and price_mode != locked.price_mode and has_items:
            raise CartAttributeInvalid("The price mode of a cart with items cannot change.",
                                       field=("price_mode",),
                                       meta={"priceMode": price_mode, "reason": "cart_has_items"})
        if name is not None:
            name = name.strip()
            if not name or len(name) > Cart._meta.get_field("name").max_length:
                raise CartAttributeInvalid("The cart name must be 1 to 255 characters.",
                                           field=("name",))
            locked.name = name
        locked.price_mode = price_mode or locked.price_mode
        if currency is not None and currency != locked.currency and has_items:
            for item in locked.items.select_related("variant").prefetch_related("variant__prices"):
                _check_price(locked, item.variant, currency)
        locked.currency = currency or locked.currency
        locked.save(update_fields=["name", "currency", "price_mode", "updated_at"])
    return locked


def cart_delete(*, cart: Cart) -> None:
    with _locked(cart) as locked:
        locked.delete()


def carts_touch(*, cart_ids) -> None:
    """Note that these carts changed now, as every cart service does by saving the cart: a
    placement running on one of them then refuses to place what the shopper no longer has
    (``checkout.placement``). For writes made to a cart's rows without a service (the admin)."""
    Cart.objects.filter(pk__in={pk for pk in cart_ids if pk is not None}).update(updated_at=timezone.now())


def cart_get_or_create_by_reference(
    *, reference: str, store: Store, anonymous_id: str, currency: str | None = None,
) -> tuple[Cart, bool]:
    """The cart with this client-chosen id (Elastic Path's :cartID), created as a guest cart when new.

    Two requests creating the same reference at once get the same cart (the unique
    reference decides). Returns the cart and whether it was created.
    """
    cart = Cart.objects.select_related("store").filter(reference=reference).first()
    if cart is not None:
        return cart, False
    try:
        with transaction.atomic():
            cart = cart_create(store=store, anonymous_id=anonymous_id, currency=currency)
            cart.reference = reference
            cart.save(update_fields=["reference"])
        return cart, True
    except IntegrityError:
        return Cart.objects.select_related("store").get(reference=reference), False


def cart_update(*, cart: Cart, name: str | None = None) -> Cart:
    """Rename a cart."""
    with _locked(cart) as locked:
        if name is not None:
            name = name.strip()
            if len(name) > Cart._meta.get_field("name").max_length:
                raise CartAttributeInvalid("The cart name is too long.", field=("name",))
            locked.name = name
        locked.save(update_fields=["name", "updated_at"])
    return locked


def cart_assign_customer(*, cart: Cart, customer) -> Cart:
    """Associate a guest cart with a registered customer (Elastic Path's cart-customer association).

    From then on only that customer may use it. A cart of another customer is refused as not found.
    """
    with _locked(cart) as locked:
        if locked.customer_id not in (None, customer.pk):
            raise CartNotFound(meta={"id": locked.reference or str(locked.uuid)})
        if locked.customer_id is None:
            locked.customer, locked.anonymous_id, locked.is_default = customer, None, False
            locked.save(update_fields=["customer", "anonymous_id", "is_default", "updated_at"])
    return locked


def cart_clear(*, cart: Cart) -> None:
    """Remove every item (the cart itself, its currency and vouchers stay)."""
    with _locked(cart) as locked:
        locked.items.all().delete()
        locked.save(update_fields=["updated_at"])


# --- items --------------------------------------------------------------------------------


def cart_add_item(*, cart: Cart, sku: str, quantity: int) -> CartItem:
    """Put ``quantity`` of ``sku`` in the cart, added to what is there already.

    The first item sets the cart's currency (the store's default when the cart has none).
    Refuses a quantity outside 1..10000 (also in total), a sku that is not sold, an item
    without a price in the cart's currency and price mode, and more than the cart store's
    locations hold (unless never out of stock, backorderable or rented).
    The returned item's ``cart`` is the locked, updated cart.
    """
    _check_quantity(quantity)
    with _locked(cart) as locked:
        currency = locked.currency or locked.store.default_currency
        variant = _variant_for_cart(locked, sku=sku, currency=currency, with_quantity_in_cart=True)
        item = locked.items.filter(variant=variant).first() if variant.in_cart is not None else None
        total = quantity + (item.quantity if item else 0)
        if total > MAX_QUANTITY:
            raise QuantityInvalid(
                f"The cart would hold {total} of {variant.sku}; at most {MAX_QUANTITY} are allowed.",
                meta={"sku": variant.sku, "requested": total, "max": MAX_QUANTITY},
            )
        _check_stock(variant, total)
        if item is None:
            item = CartItem.objects.create(cart=locked, variant=variant, quantity=total)
        else:
            item.quantity = total
            item.save(update_fields=["quantity", "updated_at"])
        locked.currency = currency
        locked.save(update_fields=["currency", "updated_at"])
    item.cart = locked
    return item


def cart_start_with_item(*, store: Store, anonymous_id: str, name: str, sku: str, quantity: int) -> CartItem:
    """A guest's first cart, made with its first item: the default cart, in the store's currency.

    The caller knows the guest has no cart (it looked under a lock on the guest), so no other
    cart needs to stop being the default. The same checks as ``cart_add_item``, made before
    anything is written; the returned item's ``cart`` is the new cart.
    """
    _check_quantity(quantity)
    cart = Cart(store=store, anonymous_id=anonymous_id, name=name, currency=store.default_currency,
                price_mode=store.price_mode, is_default=True)
    variant = _variant_for_cart(cart, sku=sku, currency=cart.currency)
    _check_stock(variant, quantity)
    with transaction.atomic(savepoint=False):  # two INSERTs: a failure fails the caller's transaction too
        cart.save(force_insert=True)
        item = CartItem.objects.create(cart=cart, variant=variant, quantity=quantity)
    cart.has_vouchers = False
    item.cart = cart
    return item


def cart_set_quantity(*, cart: Cart, sku: str, quantity: int) -> CartItem:
    """Set the quantity of an item in the cart, with the same checks as ``cart_add_item``."""
    _check_quantity(quantity)
    with _locked(cart) as locked:
        item = _item_in_cart(locked, sku)
        currency = locked.currency or locked.store.default_currency
        variant = _variant_for_cart(locked, sku=item.variant.sku, currency=currency)
        _check_stock(variant, quantity)
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
        locked.save(update_fields=["updated_at"])
    item.cart = locked
    return item


def cart_remove_item(*, cart: Cart, sku: str) -> None:
    with _locked(cart) as locked:
        _item_in_cart(locked, sku).delete()
        locked.save(update_fields=["updated_at"])


# --- vouchers -----------------------------------------------------------------------------


def cart_add_voucher(*, cart: Cart, code: str) -> CartVoucher:
    """Apply a voucher code, if ``discounts`` says it can be used on the cart as it is now.

    Applying a code already on the cart (in any case) returns it unchanged. Raises
    VoucherNotFound or VoucherNotApplicable from ``discounts``.
    """
    code = (code or "").strip()
    with _locked(cart) as locked:
        applied = _voucher_in_cart(locked, code)
        if applied is not None:
            return applied
        currency = locked.currency or locked.store.default_currency
        voucher = voucher_check(code=code, store=locked.store, currency=currency, price_mode=locked.price_mode,
                                subtotal=cart_subtotal(cart=locked, currency=currency))
        applied = CartVoucher.objects.create(cart=locked, code=voucher.code)
        locked.has_vouchers = True
        locked.save(update_fields=["updated_at"])
    applied.cart = locked
    return applied


def cart_remove_voucher(*, cart: Cart, code: str) -> None:
    with _locked(cart) as locked:
        applied = _voucher_in_cart(locked, (code or "").strip())
        if applied is None:
            raise VoucherNotInCart(meta={"code": code})
        applied.delete()
        locked.save(update_fields=["updated_at"])


def cart_subtotal(*, cart: Cart, currency: str) -> int:
    """The items with their options, in ``currency`` and the cart's price mode (unpriced counts 0).

    What the discounts' minimum order value is compared with; checkout prices the cart itself.
    """
    items = cart.items.select_related("variant").prefetch_related(
        Prefetch("variant__prices", queryset=Price.objects.filter(currency=currency), to_attr="prices_here"),
        Prefetch("options__prices", queryset=ProductOptionPrice.objects.filter(currency=currency),
                 to_attr="prices_here"),
    )
    total = 0
    for item in items:
        unit = _amount(item.variant.prices_here, cart.price_mode)
        unit += sum(_amount(option.prices_here, cart.price_mode) for option in item.options.all())
        total += unit * item.quantity
    return total


# --- a guest logs in ----------------------------------------------------------------------


def cart_merge_guest(*, guest_anonymous_id: str, customer) -> Cart | None:
    """Move a guest's carts into the customer's default cart; None when there is nothing to merge.

    Quantities of the same sku are summed (at most 10000), voucher codes carried over (checkout
    checks them again when it prices the cart) and the guest cart is deleted. The default
    cart is created in the guest cart's store, with its currency and price mode, when the
    customer has none. A guest cart of another store or currency than the default cart is
    handed over whole instead (it becomes one more cart of the customer), so that no item is
    priced in a currency or stocked from a store it was not chosen in. Stock is not checked
    here; checkout checks it. Returns the cart that received the most recently updated guest cart.
    """
    guest_anonymous_id = (guest_anonymous_id or "").strip()
    if not guest_anonymous_id or customer is None:
        return None
    guests_of = {"anonymous_id": guest_anonymous_id, "customer__isnull": True}
    with transaction.atomic():
        guest_ids = list(Cart.objects.filter(**guests_of).values_list("pk", flat=True))
        if not guest_ids:
            return None
        target_id = _default_cart_id(customer)
        # Every cart involved, locked in primary-key order; then checked again under the lock.
        locked = list(Cart.objects.select_for_update(of=("self",)).select_related("store")
                      .filter(pk__in=[*guest_ids, target_id]).order_by("pk"))
        guests = sorted((c for c in locked if c.customer_id is None and c.anonymous_id == guest_anonymous_id),
                        key=lambda c: (c.updated_at, c.pk))
        target = next((cart for cart in locked if cart.pk == target_id and cart.customer_id == customer.pk
                       and cart.is_default), None)
        received = None
        for guest in guests:
            if target is None:
                target = cart_create(store=guest.store, customer=customer, name=guest.name, currency=guest.currency,
                                     price_mode=guest.price_mode, is_default=True)
            received = _merge_one(guest, into=target, customer=customer)
        return received


def _default_cart_id(customer) -> int | None:
    return (Cart.objects.filter(customer=customer, is_default=True).order_by("pk")
            .values_list("pk", flat=True).first())


def _merge_one(guest: Cart, *, into: Cart, customer) -> Cart:
    """Both carts are locked by the caller."""
    target = into
    if guest.store_id != target.store_id or (guest.currency and target.currency and guest.currency != target.currency):
        guest.customer, guest.anonymous_id, guest.is_default = customer, None, False
        guest.save(update_fields=["customer", "anonymous_id", "is_default", "updated_at"])
        return guest
    have = {item.variant_id: item for item in target.items.all()}
    for item in guest.items.all():
        mine = have.get(item.variant_id)
        if mine is None:
            item.cart = target
            item.save(update_fields=["cart", "updated_at"])
            have[item.variant_id] = item
        else:
            mine.quantity = min(mine.quantity + item.quantity, MAX_QUANTITY)
            mine.save(update_fields=["quantity", "updated_at"])
    applied = {code.lower() for code in target.vouchers.values_list("code", flat=True)}
    for voucher in guest.vouchers.order_by("pk"):
        if voucher.code.lower() not in applied:
            CartVoucher.objects.create(cart=target, code=voucher.code)
            applied.add(voucher.code.lower())
    target.currency = target.currency or guest.currency
    target.save(update_fields=["currency", "updated_at"])
    guest.delete()
    return target


# --- the rules ----------------------------------------------------------------------------


@contextmanager
def _locked(cart: Cart) -> Iterator[Cart]:
    """The cart, locked, in the transaction the service writes in: the caller's, when the caller
    read it locked in it (``owned_carts(lock=True)``, ``cart_mark_locked``; no savepoint: a refusal fails the caller's
    transaction whole), else one of its own (a savepoint inside the caller's)."""
    held = cart_lock_held(cart)
    with transaction.atomic(savepoint=not held):
        yield cart if held else cart_get_for_update(pk=cart.pk)



def _check_quantity(quantity) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        shown = quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else str(quantity)
        raise QuantityInvalid(meta={"quantity": shown, "max": MAX_QUANTITY})


def _variant_for_cart(cart: Cart, *, sku: str, currency: str, with_quantity_in_cart: bool = False) -> Variant:
    """The variant on sale, if it has a price in ``currency`` and the cart's price mode, with what
    the cart store's locations hold of it (for ``_check_stock``) and, ``with_quantity_in_cart``,
    ``in_cart``: the quantity the cart holds of it (None: none). One query, compiled once."""
    cart_id = {"cart_id": cart.pk} if with_quantity_in_cart else {}
    found = _variants_for_cart(shape={"price_mode": cart.price_mode, "with_quantity_in_cart": with_quantity_in_cart},
                               sku=sku, currency=currency, store_id=cart.store_id, **cart_id)
    if not found:
        raise ItemNotAvailable(f"The product {sku!r} is not available.", meta={"sku": sku})
    variant = found[0]
    if variant.price_here is None:
        raise _price_missing(variant, currency)
    return variant


def _variants_query(*, sku: str, currency: str, price_mode: str, store_id: int, with_quantity_in_cart: bool,
                    cart_id: int | None = None) -> QuerySet[Variant]:
    variant = OuterRef("pk")
    annotations = {
        "price_here": price_amount(variant=variant, currency=currency, price_mode=price_mode),
        **availability_annotations(variant=variant, location_ids=stock_locations_serving(store=store_id)),
    }
    if with_quantity_in_cart:
        in_cart = CartItem.objects.filter(cart_id=cart_id, variant=variant).order_by().values("quantity")[:1]
        annotations["in_cart"] = Subquery(in_cart)
    return variants_for_sale(sku=sku).annotate(**annotations).order_by("pk")[:1]


_variants_for_cart = CompiledRead(_variants_query)


def _check_price(cart: Cart, variant: Variant, currency: str) -> None:
    price = next((p for p in variant.prices.all() if p.currency == currency), None)
    if price is None or price.amount_for(cart.price_mode) is None:
        raise _price_missing(variant, currency)


def _price_missing(variant: Variant, currency: str) -> PriceMissing:
    return PriceMissing(f"{variant.sku} has no price in {currency}.", meta={"sku": variant.sku, "currency": currency})


def _check_stock(variant: Variant, quantity: int) -> None:
    """Refuse more than the cart store's locations hold (read by ``_variant_for_cart``); rentals are checked for their dates at checkout."""
    if variant.product.is_rentable:
        return
    stock = availability_of(variant)
    if not (stock.is_never_out_of_stock or stock.backorderable) and stock.quantity < quantity:
        raise InsufficientStock(
            f"There is not enough stock of {variant.sku}: {stock.quantity} available, {quantity} wanted.",
            meta={"sku": variant.sku, "requested": quantity, "available": stock.quantity},
        )


def _item_in_cart(cart: Cart, sku: str) -> CartItem:
    item = cart.items.select_related("variant").filter(variant__sku=sku).first()
    if item is None:
        raise ItemNotInCart(f"{sku!r} is not in the cart.", meta={"sku": sku})
    return item


def _voucher_in_cart(cart: Cart, code: str) -> CartVoucher | None:
    return cart.vouchers.alias(code_lower=Lower("code")).filter(code_lower=code.lower()).first()


def _amount(prices_here: list, price_mode: str) -> int:
    return (prices_here[0].amount_for(price_mode) or 0) if prices_here else 0


def _owners_carts(customer, anonymous_id: str | None):
    if customer is not None:
        return Cart.objects.filter(customer=customer)
    return Cart.objects.filter(anonymous_id=anonymous_id, customer__isnull=True)
