"""Which cart rules a cart gets, and whether a voucher code can be used on it.

A rule applies when it is active and valid now, in the cart's store (or every store),
for the cart's price mode (or both), and has a minimum order value in the cart's
currency that the cart's subtotal reaches; a fixed-amount rule also needs an amount in
that currency. Automatic rules apply by themselves, voucher-only rules with a valid code.
If any applicable rule is exclusive, only the first exclusive one applies.

The result is the pricing pipeline's own input (``pricing.DiscountInput``): the pipeline sits
below this app, and this app does not import checkout (checkout depends on it, not the reverse).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone

from catalog.models import PriceMode, Store
from core.compiled import CompiledRead
from core.money import format_money
from discounts.exceptions import VoucherNotApplicable, VoucherNotFound
from discounts.models import CartRule, CartRuleAmount, CartRuleKind, CartRuleMinimum, Voucher
from pricing import DiscountInput
from shipping.models import ShipmentMethod


@dataclass(frozen=True)
class _Cart:
    """What the rules look at."""

    store_id: int
    currency: str
    price_mode: str
    subtotal: int  # the items with their options, before discounts, in minor units
    at: datetime


@dataclass(frozen=True)
class _Refusal:
    reason: str
    detail: str
    meta: dict


def discounts_for_cart(
    *, store: Store, currency: str, price_mode: str, subtotal: int, voucher_codes: list[str],
    at: datetime | None = None, shipment_methods: dict[int, str] | None = None,
) -> list[DiscountInput]:
    """The discounts the cart gets, in the order checkout applies them.

    Raises VoucherNotFound for an unknown code and VoucherNotApplicable (meta: reason)
    for a code that cannot be used on this cart. ``shipment_methods``: as for
    ``discounts_and_rules_for_cart``.
    """
    discounts, _ = discounts_and_rules_for_cart(store=store, currency=currency, price_mode=price_mode,
                                                subtotal=subtotal, voucher_codes=voucher_codes, at=at,
                                                shipment_methods=shipment_methods)
    return discounts


def discounts_and_rules_for_cart(
    *, store: Store, currency: str, price_mode: str, subtotal: int, voucher_codes: list[str],
    at: datetime | None = None, with_shipment_methods: bool = True, shipment_methods: dict[int, str] | None = None,
) -> tuple[list[DiscountInput], list[CartRule]]:
    """``discounts_for_cart`` and, in the same order, the cart rule behind each discount.

    ``with_shipment_methods`` False: free shipping's ``method_keys`` are not read (None), for
    pricing a cart that has no shipment yet, where they change nothing. ``shipment_methods``
    (pk -> key): the methods the cart ships with; free shipping's ``method_keys`` are then
    those of them the rule names, read with the rules instead of in a query of their own.
    """
    cart = _Cart(store.pk, currency, price_mode, subtotal, at or timezone.now())
    vouchers = _vouchers_for_codes(voucher_codes)
    shape = {"price_mode": price_mode, "voucher_rule_ids": tuple(sorted({v.rule_id for v in vouchers})),
             "method_ids": tuple(shipment_methods or ())}
    rules = {rule.pk: rule for rule in _candidate_rules_read(shape=shape, store_id=store.pk, currency=currency,
                                                             at=cart.at)}
    chosen: dict[int, str | None] = {}  # rule pk -> the voucher code that unlocked it
    for voucher in vouchers:
        refusal = _voucher_refusal(voucher, rules[voucher.rule_id], cart)
        if refusal:
            raise VoucherNotApplicable(refusal.detail, meta=refusal.meta)
        chosen.setdefault(voucher.rule_id, voucher.code)
    for rule in rules.values():
        if not rule.requires_voucher and _rule_refusal(rule, cart, subject="This discount") is None:
            chosen.setdefault(rule.pk, None)
    applied = sorted((rules[pk] for pk in chosen), key=lambda rule: (rule.priority, rule.pk))
    exclusive = [rule for rule in applied if rule.is_exclusive]
    if exclusive:
        applied = exclusive[:1]
    method_keys = _free_shipping_method_keys(applied, with_shipment_methods, shipment_methods)
    return [_applicable(rule, chosen[rule.pk], method_keys.get(rule.pk)) for rule in applied], applied


def _free_shipping_method_keys(rules: list[CartRule], with_shipment_methods: bool,
                               shipment_methods: dict[int, str] | None) -> dict[int, frozenset[str] | None]:
    """The keys of the methods each free shipping rule is limited to, by rule pk (None: every method)."""
    free = [rule for rule in rules if rule.kind == CartRuleKind.FREE_SHIPPING]
    if shipment_methods:  # read with the rules (``_candidate_rules``)
        return {rule.pk: _named_method_keys(rule, list(shipment_methods.values())) for rule in free}
    if not with_shipment_methods:
        return {}
    prefetch_related_objects(free, Prefetch("shipment_methods", queryset=ShipmentMethod.objects.only("pk", "key")))
    return {rule.pk: frozenset(method.key for method in rule.shipment_methods.all()) or None for rule in free}


def _named_method_keys(rule: CartRule, keys: list[str]) -> frozenset[str] | None:
    """Those of the cart's methods (``keys``, numbered as they were read) the rule is limited to; the
    others it names cannot match the cart's shipments. None: it names no method, so it takes every one."""
    if not rule.names_methods:
        return None
    return frozenset(key for n, key in enumerate(keys) if getattr(rule, f"names_method_{n}"))


def voucher_check(
    *, code: str, store: Store, currency: str, price_mode: str, subtotal: int, at: datetime | None = None,
) -> Voucher:
    """The voucher with ``code`` (any case), if it can be used on a cart like this one.

    Raises VoucherNotFound or VoucherNotApplicable (meta: reason), as when the cart is priced.
    """
    cart = _Cart(store.pk, currency, price_mode, subtotal, at or timezone.now())
    (voucher,) = _vouchers_for_codes([code])
    (rule,) = _candidate_rules(cart, voucher_rule_ids={voucher.rule_id}).filter(pk=voucher.rule_id)
    refusal = _voucher_refusal(voucher, rule, cart)
    if refusal:
        raise VoucherNotApplicable(refusal.detail, meta=refusal.meta)
    return voucher


def vouchers_by_code(*, codes: list[str]) -> QuerySet[Voucher]:
    """The vouchers with these codes, matched ignoring case (as the unique constraint does)."""
    return Voucher.objects.alias(code_lower=Lower("code")).filter(code_lower__in={_key(code) for code in codes})


def _key(code: str) -> str:
    return code.strip().lower()


def _vouchers_for_codes(codes: list[str]) -> list[Voucher]:
    """One voucher per distinct code, in the order given; VoucherNotFound for the first unknown one."""
    if not codes:
        return []
    found = {_key(voucher.code): voucher for voucher in vouchers_by_code(codes=codes)}
    result: dict[str, Voucher] = {}
    for code in codes:
        voucher = found.get(_key(code))
        if voucher is None:
            raise VoucherNotFound(
                f"There is no voucher with the code {code.strip()!r}. Check the spelling and try again.",
                meta={"code": code},
            )
        result.setdefault(_key(code), voucher)
    return list(result.values())


def _candidate_rules(cart: _Cart, *, voucher_rule_ids: set[int], method_ids: Sequence[int] = ()) -> QuerySet[CartRule]:
    """The automatic rules that may apply, and the rules of the given vouchers whatever their state.

    The cheap conditions are filtered here; ``_rule_refusal`` checks them all again on the
    rows, so that a voucher's rule can say why it does not apply. What a rule holds for the
    cart's store and currency comes as annotations, in the same query; with ``method_ids``,
    also whether it names any shipment method (``names_methods``) and each of these
    (``names_method_<n>``, numbered like ``method_ids``).
    """
    automatic = (
        Q(requires_voucher=False, is_active=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=cart.at))
        & (Q(valid_to__isnull=True) | Q(valid_to__gt=cart.at))
        & Q(price_mode__in=["", cart.price_mode])
    )
    stores = CartRule.stores.through.objects.filter(cartrule_id=OuterRef("pk"))
    in_currency = {"rule_id": OuterRef("pk"), "currency": cart.currency}
    return CartRule.objects.filter(automatic | Q(pk__in=voucher_rule_ids)).annotate(
        has_stores=Exists(stores),
        in_store=Exists(stores.filter(store_id=cart.store_id)),
        minimum_here=Subquery(CartRuleMinimum.objects.filter(**in_currency).order_by().values("min_subtotal")[:1]),
        amount_here=Subquery(CartRuleAmount.objects.filter(**in_currency).order_by().values("amount")[:1]),
        **_shipment_method_annotations(method_ids),
    )


def _candidate_rules_of(*, store_id: int, currency: str, price_mode: str, at: datetime,
                        voucher_rule_ids: tuple[int, ...], method_ids: tuple[int, ...]) -> QuerySet[CartRule]:
    cart = _Cart(store_id=store_id, currency=currency, price_mode=price_mode, subtotal=0, at=at)
    return _candidate_rules(cart, voucher_rule_ids=set(voucher_rule_ids), method_ids=method_ids)


# Read on every cart request: compiled once per shape (core.compiled).
_candidate_rules_read = CompiledRead(_candidate_rules_of)


def _shipment_method_annotations(method_ids: Sequence[int]) -> dict:
    if not method_ids:
        return {}
    methods = CartRule.shipment_methods.through.objects.filter(cartrule_id=OuterRef("pk"))
    return {"names_methods": Exists(methods),
            **{f"names_method_{n}": Exists(methods.filter(shipmentmethod_id=pk)) for n, pk in enumerate(method_ids)}}


def _window_refusal(obj: CartRule | Voucher, at: datetime, subject: str) -> _Refusal | None:
    if not obj.is_active:
        return _Refusal("inactive", f"{subject} can no longer be used.", {})
    if obj.valid_from is not None and at < obj.valid_from:
        starts = timezone.localtime(obj.valid_from)
        return _Refusal("not_yet_valid", f"{subject} can be used from {starts:%Y-%m-%d %H:%M}.",
                        {"validFrom": obj.valid_from.isoformat()})
    if obj.valid_to is not None and at >= obj.valid_to:
        ended = timezone.localtime(obj.valid_to)
        return _Refusal("expired", f"{subject} expired on {ended:%Y-%m-%d %H:%M}.",
                        {"validTo": obj.valid_to.isoformat()})
    return None


def _rule_refusal(rule: CartRule, cart: _Cart, *, subject: str) -> _Refusal | None:
    """Why ``rule`` does not apply to ``cart`` (None: it applies). Uses only what the rule row carries."""
    refusal = _window_refusal(rule, cart.at, subject)
    if refusal:
        return refusal
    if rule.has_stores and not rule.in_store:
        return _Refusal("wrong_store", f"{subject} cannot be used in this store.", {})
    if rule.price_mode and rule.price_mode != cart.price_mode:
        mode = "gross" if rule.price_mode == PriceMode.GROSS else "net"
        return _Refusal("wrong_price_mode", f"{subject} is only for carts with {mode} prices.",
                        {"priceMode": rule.price_mode})
    minimum = rule.minimum_here
    if minimum is None or (rule.kind == CartRuleKind.FIXED and rule.amount_here is None):
        return _Refusal("wrong_currency", f"{subject} cannot be used when paying in {cart.currency}.",
                        {"currency": cart.currency})
    if cart.subtotal < minimum:
        missing = minimum - cart.subtotal
        return _Refusal(
            "minimum_not_reached",
            f"{subject} applies to orders of {format_money(minimum, cart.currency)} or more: "
            f"add {format_money(missing, cart.currency)} to your cart to use it.",
            {"minimum": minimum, "currency": cart.currency, "missing": missing},
        )
    return None


def _voucher_refusal(voucher: Voucher, rule: CartRule, cart: _Cart) -> _Refusal | None:
    subject = f"Voucher {voucher.code}"
    refusal = _window_refusal(voucher, cart.at, subject)
    if refusal is None and voucher.is_used_up:
        refusal = _Refusal("used_up", f"{subject} has been used up.", {"maxUses": voucher.max_uses})
    refusal = refusal or _rule_refusal(rule, cart, subject=subject)
    if refusal is None:
        return None
    return _Refusal(refusal.reason, refusal.detail, {"code": voucher.code, "reason": refusal.reason, **refusal.meta})


def _applicable(rule: CartRule, voucher_code: str | None, method_keys: frozenset[str] | None) -> DiscountInput:
    value: Decimal | int = 0
    if rule.kind == CartRuleKind.PERCENTAGE:
        value = rule.percentage
    elif rule.kind == CartRuleKind.FIXED:
        value = rule.amount_here
    return DiscountInput(
        name=rule.name, kind=rule.kind, value=value, description=rule.description,
        voucher_code=voucher_code, method_keys=method_keys,
    )
