"""A cart's items with their prices in one currency: the read shared by cart totals and placement."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import (
    CharField, DecimalField, Exists, OuterRef, Prefetch, QuerySet, Subquery, Value, prefetch_related_objects,
)

from carts.models import Cart, CartItem
from catalog.models import ProductOption, ProductOptionPrice, ProductTranslation
from catalog.selectors import price_amount, tax_rate_in
from core.compiled import CompiledRead
from shipping.selectors import availability_annotations, stock_locations_serving


def priced_cart_items(
    *, cart: Cart, currency: str, order_by: str = "id", locale: str = "", taxed: bool = False,
    tax_country_id: int | None = None, tax_countries: Iterable[int] = (), stock_of_store: int | None = None,
) -> list[CartItem]:
    """The cart's items with variant and product, each with ``unit_price_here`` (its
    price in ``currency`` and the cart's price mode; None: it has none) and ``options_here``
    (its options, each with ``prices_here`` in ``currency``), and ``translated_name`` (the
    product's name in ``locale``; None: no translation). With ``taxed``, also
    ``tax_rate_here``: the rate of the product's tax set in ``tax_country_id``, else its fallback
    rate (None: neither). ``tax_rates_here``: the same by country pk, for each of ``tax_countries``.
    With ``stock_of_store`` (a store pk), what the locations serving the store hold of the
    variant, for ``shipping.selectors.availability_of``. One query (compiled once per shape:
    ``core.compiled``), and one more only when an item has options."""
    shape = {"price_mode": cart.price_mode, "order_by": order_by, "locale": locale, "taxed": taxed,
             "tax_country_id": tax_country_id, "tax_countries": tuple(dict.fromkeys(tax_countries)),
             "with_stock": stock_of_store is not None}
    stock = {"store_id": stock_of_store} if stock_of_store is not None else {}
    items = _priced_items_read(shape=shape, cart_id=cart.pk, currency=currency, **stock)
    prefetch_related_objects(
        [item for item in items if item.has_options],
        Prefetch("options", to_attr="options_here", queryset=ProductOption.objects.prefetch_related(
            Prefetch("prices", queryset=ProductOptionPrice.objects.filter(currency=currency), to_attr="prices_here"))),
    )
    for item in items:
        item.tax_rates_here = {c: getattr(item, f"tax_rate_in_{n}") for n, c in enumerate(shape["tax_countries"])}
        if not item.has_options:
            item.options_here = []
    return items


def _priced_items(*, cart_id: int, currency: str, price_mode: str, order_by: str, locale: str, taxed: bool,
                  tax_country_id: int | None, tax_countries: tuple[int, ...], with_stock: bool,
                  store_id: int | None = None) -> QuerySet[CartItem]:
    tax_set = OuterRef("variant__product__tax_set_id")
    return (
        CartItem.objects.filter(cart_id=cart_id).select_related("variant__product")
        .annotate(
            unit_price_here=price_amount(variant=OuterRef("variant_id"), currency=currency, price_mode=price_mode),
            has_options=Exists(CartItem.options.through.objects.filter(cartitem_id=OuterRef("pk"))),
            translated_name=_translated_name(locale),
            tax_rate_here=(tax_rate_in(tax_set=tax_set, country_id=tax_country_id) if taxed
                           else Value(None, output_field=DecimalField())),
            **{f"tax_rate_in_{n}": tax_rate_in(tax_set=tax_set, country_id=c) for n, c in enumerate(tax_countries)},
            **(availability_annotations(variant=OuterRef("variant_id"),
                                        location_ids=stock_locations_serving(store=store_id))
               if with_stock else {}),
        )
        .order_by(order_by)
    )


# Read on every cart request and by placement: compiled once per shape.
_priced_items_read = CompiledRead(_priced_items)


def _translated_name(locale: str):
    if not locale:
        return Value(None, output_field=CharField())
    names = ProductTranslation.objects.filter(product_id=OuterRef("variant__product_id"), locale=locale)
    return Subquery(names.order_by().values("name")[:1])


def option_price(option: ProductOption, price_mode: str) -> int | None:
    return option.prices_here[0].amount_for(price_mode) if option.prices_here else None
