"""Glue carts: guest carts (X-Anonymous-Customer-Unique-Id), customers' carts (Authorization: Bearer),
their items and vouchers.

Each view reads the request, resolves the caller's own cart (someone else's is "not
found", never "forbidden"), refuses a write while the cart is being checked out
(``editable_cart_locked``, the cart read locked once for the service), calls one cart service and renders the cart as Spryker does.
Guest and customer endpoints are the same views; ``guest`` says which owner and which
resource names. Errors are rendered in Glue's cart codes by ``glue_cart_error``.
"""

from django.conf import settings
from rest_framework.response import Response

from api.glue.cart_errors import cart_customer, cart_guest_id, glue_cart_error
from api.glue.carts import (
    cart_document,
    cart_includes,
    cart_input,
    carts_document,
    item_input,
    item_type,
    quantity_input,
    voucher_code_input,
)
from api.glue.views.auth import GlueView
from carts.models import Cart
from carts.selectors import cart_get, carts_for
from carts.services import (
    cart_add_item,
    cart_add_voucher,
    cart_create,
    cart_delete,
    cart_remove_item,
    cart_remove_voucher,
    cart_set_quantity,
    cart_edit,
)
from catalog.selectors import store_by_code
from checkout.cart_editing import editable_cart_locked, guest_cart_add_item
from checkout.cart_pricing import cart_price


class CartEndpoint(GlueView):
    guest = False  # a guest's cart (guest-carts) or a customer's (carts)
    vouchers = False  # a voucher endpoint: Glue answers its own codes there

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.includes = cart_includes(request)  # a bad ?include= is refused before anything changes

    def handle_exception(self, exc):
        return super().handle_exception(glue_cart_error(exc, vouchers=self.vouchers))

    def owner(self, request) -> dict:
        return {"anonymous_id": cart_guest_id(request)} if self.guest else {"customer": cart_customer(request)}

    def cart(self, request, uuid) -> Cart:
        return cart_get(uuid=uuid, **self.owner(request))

    def editable_cart(self, request, uuid):
        """``with self.editable_cart(request, uuid) as cart:`` the cart, locked, for the service the block calls."""
        return editable_cart_locked(uuid=uuid, **self.owner(request))

    def render(self, request, cart: Cart, *, status: int = 200, with_items: bool = False) -> Response:
        includes = self.includes | ({"items"} if with_items else set())
        return Response(cart_document(request, cart_price(cart=cart), guest=self.guest, includes=includes),
                        status=status)


# --- carts --------------------------------------------------------------------------------


class CartsView(CartEndpoint):
    """GET /carts, POST /carts (a customer's); GET /guest-carts (a guest's)."""

    def get(self, request):
        carts = [cart_price(cart=cart) for cart in carts_for(**self.owner(request))]
        return Response(carts_document(request, carts, guest=self.guest, includes=self.includes))

    def post(self, request):
        customer = cart_customer(request)
        cart = cart_create(store=store_by_code(code=settings.GLUE_STORE), customer=customer, is_default=True,
                           **cart_input(request, creating=True))
        return self.render(request, cart, status=201)


class CartView(CartEndpoint):
    """GET, PATCH, DELETE /carts/{uuid}; GET /guest-carts/{uuid}."""

    def get(self, request, uuid):
        return self.render(request, self.cart(request, uuid))

    def patch(self, request, uuid):
        with self.editable_cart(request, uuid) as cart:
            edited = cart_edit(cart=cart, **cart_input(request, creating=False))
        return self.render(request, edited)

    def delete(self, request, uuid):
        with self.editable_cart(request, uuid) as cart:
            cart_delete(cart=cart)
        return Response(status=204)


# --- items --------------------------------------------------------------------------------


class GuestCartItemsView(CartEndpoint):
    """POST /guest-cart-items: the guest's cart, created with its first item as Spryker does."""

    guest = True

    def post(self, request):
        guest_id = cart_guest_id(request)
        sku, quantity = item_input(request, item_type(guest=True))
        item = guest_cart_add_item(anonymous_id=guest_id, store=store_by_code(code=settings.GLUE_STORE), sku=sku,
                                   quantity=quantity)
        return self.render(request, item.cart, status=201, with_items=True)


class CartItemsView(CartEndpoint):
    """POST /carts/{uuid}/items; POST /guest-carts/{uuid}/guest-cart-items."""

    def post(self, request, uuid):
        with self.editable_cart(request, uuid) as cart:
            sku, quantity = item_input(request, item_type(self.guest))
            item = cart_add_item(cart=cart, sku=sku, quantity=quantity)
        return self.render(request, item.cart, status=201, with_items=True)


class CartItemView(CartEndpoint):
    """PATCH, DELETE /carts/{uuid}/items/{sku}; the same under /guest-carts/{uuid}/guest-cart-items/{sku}."""

    def patch(self, request, uuid, sku):
        with self.editable_cart(request, uuid) as cart:
            item = cart_set_quantity(cart=cart, sku=sku, quantity=quantity_input(request, item_type(self.guest)))
        return self.render(request, item.cart, with_items=True)

    def delete(self, request, uuid, sku):
        with self.editable_cart(request, uuid) as cart:
            cart_remove_item(cart=cart, sku=sku)
        return Response(status=204)


# --- vouchers -----------------------------------------------------------------------------


class CartVouchersView(CartEndpoint):
    """POST /carts/{uuid}/vouchers (or /cart-codes, Spryker's earlier name); the same for guest carts."""

    vouchers = True
    resource_type = "vouchers"

    def post(self, request, uuid):
        with self.editable_cart(request, uuid) as cart:
            applied = cart_add_voucher(cart=cart, code=voucher_code_input(request, self.resource_type))
        return self.render(request, applied.cart, status=201)


class CartVoucherView(CartEndpoint):
    """DELETE /carts/{uuid}/vouchers/{code} (or /cart-codes/{code}); the same for guest carts."""

    vouchers = True

    def delete(self, request, uuid, code):
        with self.editable_cart(request, uuid) as cart:
            cart_remove_voucher(cart=cart, code=code)
        return Response(status=204)
