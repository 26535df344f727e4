"""The cart services and selectors every API dialect calls, on the demo shop (seed_demo).

Each refusal is checked for its code and for leaving the database as it was.
"""

from api.glue.errors import glue_pointer
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from carts.exceptions import CartNotFound
from carts.models import Cart, CartItem, CartVoucher
from carts.selectors import cart_get, cart_get_for_update, carts_for
from carts.services import (
    cart_add_item,
    cart_add_voucher,
    cart_create,
    cart_delete,
    cart_merge_guest,
    cart_remove_item,
    cart_remove_voucher,
    cart_set_quantity,
    cart_subtotal,
)
from catalog.models import PriceMode, Product, Store, Variant
from core.errors import DomainError
from customers.models import Customer
from shipping.models import StockItem
from tests.races import postgres_only, run_together

GUEST_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"  # demo-guest-0001: 066 ×1, 078 ×1, voucher SAVE5
MY_CART = "fe6969e9-09aa-5183-b911-0a9218ed21bb"  # spencor's default cart: 136 ×2
GUEST = "demo-guest-0001"
BOTH_CURRENCIES, EUR_ONLY = "066_23294028", "078_24602396"
GIFT_CARD, TWENTY_FIVE_IN_STOCK, RENTABLE = "GC_050", "112_312526171", "ROR-00011"


@pytest.fixture(autouse=True)
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def de():
    return Store.objects.get(code="DE")


@pytest.fixture
def us():
    return Store.objects.get(code="US")


def registered(email: str) -> Customer:
    return Customer.objects.get(email=email, user__isnull=False)


@pytest.fixture
def spencor():
    return registered("spencor.hopkin@spryker.com")


@pytest.fixture
def sonia():
    return registered("sonia@spryker.com")


@pytest.fixture
def guest_cart():
    return cart_get(uuid=GUEST_CART, anonymous_id=GUEST)


@pytest.fixture
def de_cart(de):
    return cart_create(store=de, anonymous_id="guest-de")


@pytest.fixture
def us_cart(us):
    return cart_create(store=us, anonymous_id="guest-us")


def state(cart: Cart | None = None):
    """What a refused service must leave alone: every cart, item and voucher row (and the cart's own fields)."""
    rows = (
        sorted(Cart.objects.values_list("pk", "uuid", "customer_id", "anonymous_id", "currency", "price_mode",
                                        "is_default", "updated_at")),
        sorted(CartItem.objects.values_list("pk", "cart_id", "variant__sku", "quantity", "updated_at")),
        sorted(CartVoucher.objects.values_list("pk", "cart_id", "code")),
    )
    return rows


def lines(cart: Cart) -> dict[str, int]:
    return dict(CartItem.objects.filter(cart_id=cart.pk).values_list("variant__sku", "quantity"))


def refused(error: type[DomainError], code: str, call, /, **kwargs) -> DomainError:
    before = state()
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert state() == before
    return caught.value


# --- selectors ----------------------------------------------------------------------------


def test_a_guest_gets_their_own_cart(guest_cart):
    assert str(guest_cart.uuid) == GUEST_CART and guest_cart.anonymous_id == GUEST


def test_a_customer_gets_their_own_cart(spencor):
    assert cart_get(uuid=uuid.UUID(MY_CART), customer=spencor).customer == spencor


@pytest.mark.parametrize("owner", [
    {"anonymous_id": "someone-else"},
    {"anonymous_id": ""},
    {},
    {"customer": "sonia@spryker.com"},
    {"customer": "spencor.hopkin@spryker.com"},  # a registered customer does not see a guest's cart
])
def test_someone_elses_guest_cart_is_not_found(owner):
    if "customer" in owner:
        owner = {"customer": registered(owner["customer"])}
    error = refused(CartNotFound, "1103", cart_get, uuid=GUEST_CART, **owner)
    assert error.status == 404 and error.detail == "Cart not found."


def test_a_customers_cart_is_not_found_by_another_customer_or_a_guest(sonia):
    refused(CartNotFound, "1103", cart_get, uuid=MY_CART, customer=sonia)
    refused(CartNotFound, "1103", cart_get, uuid=MY_CART, anonymous_id=GUEST)


@pytest.mark.parametrize("bad", ["not-a-uuid", "", None, 42, GUEST_CART + "0", str(uuid.uuid4())])
def test_a_malformed_or_unknown_uuid_is_not_found(bad):
    refused(CartNotFound, "1103", cart_get, uuid=bad, anonymous_id=GUEST)


def test_a_guest_id_does_not_reach_a_customers_carts_even_if_a_customer_had_it(spencor):
    Cart.objects.filter(uuid=MY_CART).update(anonymous_id=None)
    assert list(carts_for(anonymous_id=GUEST).values_list("uuid", flat=True)) == [uuid.UUID(GUEST_CART)]
    assert list(carts_for(customer=spencor).values_list("uuid", flat=True)) == [uuid.UUID(MY_CART)]
    assert not carts_for().exists()


def test_carts_for_prefetches_items_variants_and_vouchers(django_assert_num_queries, spencor):
    cart_add_item(cart=cart_get(uuid=MY_CART, customer=spencor), sku=BOTH_CURRENCIES, quantity=1)
    # Five a call, however many items: carts+store, items+variant+product, prices, options, vouchers.
    with django_assert_num_queries(10):
        carts = list(carts_for(anonymous_id=GUEST)) + list(carts_for(customer=spencor))
        seen = [(i.variant.sku, i.variant.product.name, len(i.variant.prices.all()), list(i.options.all()))
                for c in carts for i in c.items.all()]
        codes = [v.code for c in carts for v in c.vouchers.all()]
    assert len(seen) == 4 and codes == ["SAVE5"]


def test_cart_get_for_update_of_a_deleted_cart_is_not_found(guest_cart):
    pk = guest_cart.pk
    guest_cart.delete()
    refused(CartNotFound, "1103", cart_get_for_update, pk=pk)


# --- creating and deleting ----------------------------------------------------------------


def test_a_new_cart_has_no_currency_and_the_stores_price_mode(de, us, sonia):
    de_cart = cart_create(store=de, customer=sonia, name=" Wishlist ")
    us_cart = cart_create(store=us, anonymous_id=" guest-9 ")
    assert (de_cart.currency, de_cart.price_mode, de_cart.name, de_cart.customer) == (None, PriceMode.GROSS,
                                                                                    "Wishlist", sonia)
    assert (us_cart.currency, us_cart.price_mode, us_cart.anonymous_id, us_cart.customer) == (None, PriceMode.NET,
                                                                                            "guest-9", None)


def test_a_cart_may_be_created_with_a_currency_and_a_price_mode(de):
    cart = cart_create(store=de, anonymous_id="g", currency="USD", price_mode=PriceMode.NET)
    assert (cart.currency, cart.price_mode) == ("USD", PriceMode.NET)


@pytest.mark.parametrize("owner", [{}, {"anonymous_id": "  "}, {"anonymous_id": "g", "customer": "sonia"}])
def test_a_cart_needs_exactly_one_owner(de, sonia, owner):
    if "customer" in owner:
        owner = {**owner, "customer": sonia}
    error = refused(DomainError, "cart_owner_invalid", cart_create, store=de, **owner)
    assert error.status == 400


@pytest.mark.parametrize(("field", "value", "pointer"), [
    ("currency", "XXX", "/data/attributes/currency"),
    ("price_mode", "GROSS", "/data/attributes/priceMode"),
    ("name", "x" * 256, "/data/attributes/name"),
])
def test_a_cart_with_an_unusable_attribute_is_refused(de, field, value, pointer):
    error = refused(DomainError, "cart_attribute_invalid", cart_create, store=de, anonymous_id="g", **{field: value})
    assert glue_pointer(error.field) == pointer and error.status == 422


def test_a_new_default_cart_makes_the_owners_other_carts_non_default(de, spencor, sonia):
    sonias = cart_create(store=de, customer=sonia, is_default=True)
    new = cart_create(store=de, customer=spencor, is_default=True)
    assert set(Cart.objects.filter(is_default=True).values_list("pk", flat=True)) == {
        sonias.pk, new.pk, Cart.objects.get(uuid=GUEST_CART).pk}


def test_deleting_a_cart_deletes_its_items_and_vouchers(guest_cart):
    cart_delete(cart=guest_cart)
    assert not Cart.objects.filter(uuid=GUEST_CART).exists()
    assert not CartItem.objects.filter(cart_id=guest_cart.pk).exists()
    assert not CartVoucher.objects.filter(cart_id=guest_cart.pk).exists()


# --- adding items -------------------------------------------------------------------------


def test_the_first_item_sets_the_currency_to_the_stores(de_cart, us_cart):
    item = cart_add_item(cart=de_cart, sku=BOTH_CURRENCIES, quantity=2)
    assert (item.quantity, item.variant.sku, item.cart.currency) == (2, BOTH_CURRENCIES, "EUR")
    assert Cart.objects.get(pk=de_cart.pk).currency == "EUR"
    cart_add_item(cart=us_cart, sku=BOTH_CURRENCIES, quantity=1)
    assert Cart.objects.get(pk=us_cart.pk).currency == "USD"


def test_adding_an_item_touches_the_cart(de_cart):
    before = Cart.objects.get(pk=de_cart.pk).updated_at
    cart_add_item(cart=de_cart, sku=BOTH_CURRENCIES, quantity=1)
    assert Cart.objects.get(pk=de_cart.pk).updated_at > before


def test_an_item_without_a_price_in_the_carts_currency_is_refused(us_cart):
    error = refused(DomainError, "currency_mismatch", cart_add_item, cart=us_cart, sku=EUR_ONLY, quantity=1)
    assert error.meta == {"sku": EUR_ONLY, "currency": "USD"} and error.status == 422
    assert Cart.objects.get(pk=us_cart.pk).currency is None


def test_a_cart_keeps_the_currency_it_was_created_with(de):
    cart = cart_create(store=de, anonymous_id="g", currency="USD")
    refused(DomainError, "currency_mismatch", cart_add_item, cart=cart, sku=EUR_ONLY, quantity=1)
    assert cart_add_item(cart=cart, sku=BOTH_CURRENCIES, quantity=1).cart.currency == "USD"


def test_an_item_without_an_amount_in_the_carts_price_mode_is_refused(de_cart):
    Variant.objects.get(sku=BOTH_CURRENCIES).prices.filter(currency="EUR").update(gross_amount=None)
    refused(DomainError, "currency_mismatch", cart_add_item, cart=de_cart, sku=BOTH_CURRENCIES, quantity=1)


def test_adding_a_sku_already_in_the_cart_adds_to_its_quantity(guest_cart):
    item = cart_add_item(cart=guest_cart, sku=BOTH_CURRENCIES, quantity=3)
    assert item.quantity == 4
    assert lines(guest_cart) == {BOTH_CURRENCIES: 4, EUR_ONLY: 1}


@pytest.mark.parametrize("quantity", [0, -1, 10001, True, False, "3", 2.0, None])
def test_a_quantity_outside_1_to_10000_or_not_an_int_is_refused(guest_cart, quantity):
    error = refused(DomainError, "quantity_invalid", cart_add_item, cart=guest_cart, sku=GIFT_CARD, quantity=quantity)
    assert glue_pointer(error.field) == "/data/attributes/quantity" and error.status == 422


def test_10000_is_the_most_and_also_in_total(de_cart):
    assert cart_add_item(cart=de_cart, sku=GIFT_CARD, quantity=10000).quantity == 10000
    error = refused(DomainError, "quantity_invalid", cart_add_item, cart=de_cart, sku=GIFT_CARD, quantity=1)
    assert error.meta["requested"] == 10001


@pytest.mark.parametrize(("sku", "retired"), [
    ("NO_SUCH_SKU", None),
    ("", None),
    (BOTH_CURRENCIES, "variant"),
    (EUR_ONLY, "product"),
])
def test_an_unknown_or_inactive_sku_is_not_available(de_cart, sku, retired):
    if retired == "variant":
        Variant.objects.filter(sku=sku).update(is_active=False)
    elif retired == "product":
        Product.objects.filter(variants__sku=sku).update(is_active=False)
    error = refused(DomainError, "item_not_available", cart_add_item, cart=de_cart, sku=sku, quantity=1)
    assert error.meta == {"sku": sku} and glue_pointer(error.field) == "/data/attributes/sku" and error.status == 422


def test_no_more_than_the_stores_locations_hold(de_cart):
    assert cart_add_item(cart=de_cart, sku=TWENTY_FIVE_IN_STOCK, quantity=20).quantity == 20
    error = refused(DomainError, "insufficient_stock", cart_add_item, cart=de_cart, sku=TWENTY_FIVE_IN_STOCK,
                    quantity=6)
    assert error.meta == {"sku": TWENTY_FIVE_IN_STOCK, "requested": 26, "available": 25}
    assert cart_add_item(cart=de_cart, sku=TWENTY_FIVE_IN_STOCK, quantity=5).quantity == 25


def test_stock_of_another_stores_locations_does_not_count(us_cart):
    # 066 has 100 in Berlin (DE) and 20 in Los Angeles (US).
    error = refused(DomainError, "insufficient_stock", cart_add_item, cart=us_cart, sku=BOTH_CURRENCIES, quantity=21)
    assert error.meta["available"] == 20


def test_never_out_of_stock_backorderable_and_rentable_items_are_not_limited(de_cart):
    assert cart_add_item(cart=de_cart, sku=GIFT_CARD, quantity=5000).quantity == 5000
    StockItem.objects.filter(variant__sku=TWENTY_FIVE_IN_STOCK).update(backorderable=True)
    assert cart_add_item(cart=de_cart, sku=TWENTY_FIVE_IN_STOCK, quantity=500).quantity == 500
    assert cart_add_item(cart=de_cart, sku=RENTABLE, quantity=50).quantity == 50  # no stock in Berlin at all


# --- changing and removing items ----------------------------------------------------------


def test_setting_the_quantity_replaces_it(guest_cart):
    before = Cart.objects.get(pk=guest_cart.pk).updated_at
    assert cart_set_quantity(cart=guest_cart, sku=BOTH_CURRENCIES, quantity=7).quantity == 7
    assert lines(guest_cart) == {BOTH_CURRENCIES: 7, EUR_ONLY: 1}
    assert Cart.objects.get(pk=guest_cart.pk).updated_at > before


@pytest.mark.parametrize("sku", [GIFT_CARD, "NO_SUCH_SKU"])
def test_setting_the_quantity_of_an_item_not_in_the_cart_is_refused(guest_cart, sku):
    error = refused(DomainError, "item_not_in_cart", cart_set_quantity, cart=guest_cart, sku=sku, quantity=1)
    assert error.status == 404 and error.meta == {"sku": sku}


@pytest.mark.parametrize("quantity", [0, -1, 10001, True, "3"])
def test_setting_a_quantity_outside_1_to_10000_is_refused(guest_cart, quantity):
    refused(DomainError, "quantity_invalid", cart_set_quantity, cart=guest_cart, sku=BOTH_CURRENCIES, quantity=quantity)


def test_setting_more_than_in_stock_is_refused(guest_cart):
    error = refused(DomainError, "insufficient_stock", cart_set_quantity, cart=guest_cart, sku=EUR_ONLY, quantity=41)
    assert error.meta == {"sku": EUR_ONLY, "requested": 41, "available": 40}


def test_setting_the_quantity_of_an_item_no_longer_sold_is_refused(guest_cart):
    Variant.objects.filter(sku=EUR_ONLY).update(is_active=False)
    refused(DomainError, "item_not_available", cart_set_quantity, cart=guest_cart, sku=EUR_ONLY, quantity=2)


def test_removing_an_item(guest_cart):
    cart_remove_item(cart=guest_cart, sku=EUR_ONLY)
    assert lines(guest_cart) == {BOTH_CURRENCIES: 1}
    refused(DomainError, "item_not_in_cart", cart_remove_item, cart=guest_cart, sku=EUR_ONLY)


# --- vouchers -----------------------------------------------------------------------------


def test_the_subtotal_is_the_items_in_the_carts_currency_and_price_mode(guest_cart, de):
    assert cart_subtotal(cart=guest_cart, currency="EUR") == 39353 + 25584
    net = cart_create(store=de, anonymous_id="g", price_mode=PriceMode.NET)
    cart_add_item(cart=net, sku=BOTH_CURRENCIES, quantity=2)
    assert cart_subtotal(cart=net, currency="EUR") == 2 * 33070


def test_applying_a_voucher_is_idempotent_whatever_the_case(de_cart):
    cart_add_item(cart=de_cart, sku=BOTH_CURRENCIES, quantity=1)
    first = cart_add_voucher(cart=de_cart, code=" save5 ")
    again = cart_add_voucher(cart=de_cart, code="SAVE5")
    assert first.pk == again.pk and first.code == "SAVE5"
    assert list(CartVoucher.objects.filter(cart_id=de_cart.pk).values_list("code", flat=True)) == ["SAVE5"]


def test_an_unknown_voucher_is_refused(de_cart):
    error = refused(DomainError, "voucher_not_found", cart_add_voucher, cart=de_cart, code="NOPE")
    assert error.meta == {"code": "NOPE"}


def test_a_voucher_that_cannot_be_used_on_the_cart_is_refused(us_cart):
    cart_add_item(cart=us_cart, sku=BOTH_CURRENCIES, quantity=1)
    error = refused(DomainError, "voucher_not_applicable", cart_add_voucher, cart=us_cart, code="SAVE5")
    assert error.meta["code"] == "SAVE5" and error.meta["reason"]


def test_removing_a_voucher(guest_cart):
    cart_remove_voucher(cart=guest_cart, code="save5")
    assert not CartVoucher.objects.filter(cart_id=guest_cart.pk).exists()
    error = refused(DomainError, "voucher_not_in_cart", cart_remove_voucher, cart=guest_cart, code="SAVE5")
    assert error.status == 404


# --- a guest logs in ----------------------------------------------------------------------


def test_merging_into_a_customer_without_a_cart_creates_their_default_cart(sonia, de):
    merged = cart_merge_guest(guest_anonymous_id=GUEST, customer=sonia)
    assert (merged.customer, merged.is_default, merged.store, merged.currency) == (sonia, True, de, "EUR")
    assert lines(merged) == {BOTH_CURRENCIES: 1, EUR_ONLY: 1}
    assert list(merged.vouchers.values_list("code", flat=True)) == ["SAVE5"]
    assert not Cart.objects.filter(uuid=GUEST_CART).exists()


def test_merging_sums_quantities_per_sku_up_to_10000_and_carries_vouchers_once(spencor):
    mine = cart_get(uuid=MY_CART, customer=spencor)
    CartItem.objects.create(cart=mine, variant=Variant.objects.get(sku=BOTH_CURRENCIES), quantity=9999)
    CartItem.objects.create(cart=cart_get(uuid=GUEST_CART, anonymous_id=GUEST),
                            variant=Variant.objects.get(sku=GIFT_CARD), quantity=3)
    CartVoucher.objects.create(cart=mine, code="save5")
    merged = cart_merge_guest(guest_anonymous_id=GUEST, customer=spencor)
    assert merged.pk == mine.pk
    assert lines(mine) == {"136_24425591": 2, BOTH_CURRENCIES: 10000, EUR_ONLY: 1, GIFT_CARD: 3}
    assert list(mine.vouchers.values_list("code", flat=True)) == ["save5"]
    assert not Cart.objects.filter(anonymous_id=GUEST).exists()


def test_merging_twice_merges_once(spencor):
    cart_merge_guest(guest_anonymous_id=GUEST, customer=spencor)
    after = state()
    assert cart_merge_guest(guest_anonymous_id=GUEST, customer=spencor) is None
    assert state() == after
    assert lines(Cart.objects.get(uuid=MY_CART)) == {"136_24425591": 2, BOTH_CURRENCIES: 1, EUR_ONLY: 1}


@pytest.mark.parametrize("guest", ["nobody-here", "", "  "])
def test_nothing_to_merge_changes_nothing(spencor, guest):
    before = state()
    assert cart_merge_guest(guest_anonymous_id=guest, customer=spencor) is None
    assert state() == before


def test_merging_leaves_other_guests_carts_alone(spencor, de):
    other = cart_create(store=de, anonymous_id="another-guest")
    cart_add_item(cart=other, sku=GIFT_CARD, quantity=1)
    cart_merge_guest(guest_anonymous_id=GUEST, customer=spencor)
    assert lines(other) == {GIFT_CARD: 1} and Cart.objects.get(pk=other.pk).anonymous_id == "another-guest"


def test_a_guest_cart_of_another_store_or_currency_is_handed_over_whole(spencor, us, de):
    in_us = cart_create(store=us, anonymous_id="traveller")
    cart_add_item(cart=in_us, sku=BOTH_CURRENCIES, quantity=2)
    in_usd = cart_create(store=de, anonymous_id="traveller", currency="USD")
    cart_add_item(cart=in_usd, sku=GIFT_CARD, quantity=1)
    cart_merge_guest(guest_anonymous_id="traveller", customer=spencor)
    for handed in (in_us, in_usd):
        handed = Cart.objects.get(pk=handed.pk)
        assert (handed.customer, handed.anonymous_id, handed.is_default) == (spencor, None, False)
    assert lines(in_us) == {BOTH_CURRENCIES: 2} and lines(in_usd) == {GIFT_CARD: 1}
    assert lines(Cart.objects.get(uuid=MY_CART)) == {"136_24425591": 2}


def test_several_guest_carts_of_one_store_end_up_in_one_default_cart(sonia, de):
    second = cart_create(store=de, anonymous_id=GUEST)
    cart_add_item(cart=second, sku=BOTH_CURRENCIES, quantity=2)
    merged = cart_merge_guest(guest_anonymous_id=GUEST, customer=sonia)
    assert lines(merged) == {BOTH_CURRENCIES: 3, EUR_ONLY: 1}
    assert list(Cart.objects.filter(customer=sonia).values_list("pk", flat=True)) == [merged.pk]


# --- races (PostgreSQL: SQLite ignores row locks) -----------------------------------------


def postgres_race(test):
    for mark in postgres_only:
        test = mark(test)
    return test


@postgres_race
def test_concurrent_adds_of_one_sku_are_all_counted(de):
    cart = cart_create(store=de, anonymous_id="racer")
    results = run_together([lambda: cart_add_item(cart=cart, sku=GIFT_CARD, quantity=1)] * 6)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert lines(cart) == {GIFT_CARD: 6}


@postgres_race
def test_concurrent_adds_never_exceed_the_stock(de):
    cart = cart_create(store=de, anonymous_id="racer")
    results = run_together([lambda: cart_add_item(cart=cart, sku=TWENTY_FIVE_IN_STOCK, quantity=10)] * 4)
    assert sorted(type(r).__name__ for r in results) == ["CartItem", "CartItem", "InsufficientStock",
                                                         "InsufficientStock"]
    assert lines(cart) == {TWENTY_FIVE_IN_STOCK: 20}


@postgres_race
def test_concurrent_merges_of_one_guest_merge_once(sonia):
    results = run_together([lambda: cart_merge_guest(guest_anonymous_id=GUEST, customer=sonia)] * 4)
    merged = [r for r in results if isinstance(r, Cart)]
    assert len(merged) == 1 and results.count(None) == 3
    assert list(Cart.objects.filter(customer=sonia).values_list("pk", flat=True)) == [merged[0].pk]
    assert lines(merged[0]) == {BOTH_CURRENCIES: 1, EUR_ONLY: 1}
