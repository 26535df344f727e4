"""The Elastic Path dialect's views: parse, call one service, render. Errors go to ``ep_exception_handler``."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

from api.elasticpath import documents as doc
from api.elasticpath.checkout import ep_checkout
from api.elasticpath.errors import EPError, ep_exception_handler
from api.elasticpath.identity import CART_ID_HEADER, ep_caller, ep_cart, ep_guest_id, valid_cart_id
from api.elasticpath.requests import (
    address_input, cart_item_input, checkout_input, data_object, ep_data, invalid, page_params, quantity, text,
)
from api.parsers import JSONBodyParser
from carts.exceptions import ItemNotInCart
from carts.models import CartItem
from carts.services import (
    cart_add_item, cart_assign_customer, cart_clear, cart_delete, cart_remove_item, cart_set_quantity, cart_update,
)
from carts.shipping_groups import (
    cart_item_ship_with, shipping_group_create, shipping_group_delete, shipping_group_get, shipping_group_update,
    shipping_groups_of,
)
from catalog.models import Variant
from checkout.cart_claims import cart_ensure_unclaimed
from checkout.cart_pricing import cart_price_as_grouped
from checkout.order_payments import order_payment_transact, order_transaction_capture, order_transaction_refund
from checkout.order_reads import order_placed_get, order_visible, orders_visible
from checkout.order_updates import order_update_addresses, order_update_references
from checkout.services import order_apply_staff_transition
from core.staff_rights import StaffAct
from customers.services import customer_authenticate
from payments.models import PaymentTransaction


class EPView(APIView):
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]
    authentication_classes = []
    permission_classes = []

    def get_exception_handler(self):
        return ep_exception_handler

    def enrich_error(self, exc) -> None:
        """Elastic Path names the product in a stock error: ``meta.id`` (the product id) beside ``meta.sku``."""
        if exc.code == "insufficient_stock" and exc.meta.get("sku") and "id" not in exc.meta:
            variant_id = Variant.objects.filter(sku=exc.meta["sku"]).values_list("pk", flat=True).first()
            if variant_id:
                exc.meta = {"id": doc.product_id(variant_id), **exc.meta}


def _cart_body(request, cart) -> dict:
    return {"data": doc.cart_resource(request, cart_price_as_grouped(cart=cart))}


def _items_body(request, cart) -> dict:
    return doc.cart_items_document(request, cart_price_as_grouped(cart=cart))


def _variant_sku(item_input) -> str:
    if item_input.sku:
        return item_input.sku
    variant_id = doc.unframed_id(doc.PRODUCT_PREFIX, item_input.product)
    sku = Variant.objects.filter(pk=variant_id).values_list("sku", flat=True).first() if variant_id else None
    if sku is None:
        raise EPError(f"There is no product {item_input.product!r}.", meta={"id": item_input.product},
                      status=404, title="Product not found")
    return sku


def _item_in(cart, item_id: str) -> CartItem:
    pk = doc.unframed_id(doc.CART_ITEM_PREFIX, item_id)
    item = CartItem.objects.select_related("variant").filter(cart=cart, pk=pk).first() if pk else None
    if item is None:
        raise ItemNotInCart(f"There is no item {item_id!r} in the cart.", meta={"id": item_id[:64]})
    return item


# --- customers -----------------------------------------------------------------------------------


class CustomerTokensView(EPView):
    """POST /v2/customers/tokens: a customer logs in with e-mail and password."""

    def post(self, request):
        data = data_object(request, type_="token")
        customer = customer_authenticate(request=request, username=text(data, "email", required=True),
                                         password=text(data, "password", required=True, max_length=4096))
        token = AccessToken.for_user(customer.user)
        return Response({"data": {"type": "token", "id": str(token["jti"]), "customer_id": customer.reference,
                                  "token": str(token), "expires": int(token["exp"])}})


# --- carts ---------------------------------------------------------------------------------------


class CartView(EPView):
    def get(self, request, cart_id):
        cart = ep_cart(request, ep_caller(request), cart_id, create=True, change=False)
        return Response(_cart_body(request, cart))

    def put(self, request, cart_id):
        data = data_object(request)
        cart = ep_cart(request, ep_caller(request), cart_id, create=True)
        cart = cart_update(cart=cart, name=text(data, "name") if "name" in data else None)
        return Response(_cart_body(request, cart))

    def delete(self, request, cart_id):
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        cart_delete(cart=cart)
        return Response(status=204)


class CartItemsView(EPView):
    def get(self, request, cart_id):
        cart = ep_cart(request, ep_caller(request), cart_id, create=True, change=False)
        return Response(_items_body(request, cart))

    def post(self, request, cart_id):
        given = cart_item_input(request)
        cart = ep_cart(request, ep_caller(request), cart_id, create=True)
        cart_ensure_unclaimed(cart=cart)
        item = cart_add_item(cart=cart, sku=_variant_sku(given), quantity=given.quantity)
        return Response(_items_body(request, item.cart), status=201)

    def put(self, request, cart_id):
        """Several items at once: ``{"data": [{"id": <cart item id>, "quantity": n}, …]}``."""
        data = ep_data(request)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise invalid("data", "data must be a list of cart items.")
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        changes = [(_item_in(cart, text(d, "id", field=f"data.{n}.id", required=True)),
                    quantity(d, field=f"data.{n}.quantity")) for n, d in enumerate(data)]
        for item, wanted in changes:
            cart_set_quantity(cart=cart, sku=item.variant.sku, quantity=wanted)
        return Response(_items_body(request, cart))

    def delete(self, request, cart_id):
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        cart_clear(cart=cart)
        return Response(status=204)


class CartItemView(EPView):
    def put(self, request, cart_id, item_id):
        data = data_object(request)
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        item = _item_in(cart, item_id)
        if "shipping_group_id" in data:
            cart_item_ship_with(cart=cart, item_id=item.pk, group_id=text(data, "shipping_group_id") or None)
        if "quantity" in data:
            cart_set_quantity(cart=cart, sku=item.variant.sku, quantity=quantity(data))
        return Response(_items_body(request, cart))

    def delete(self, request, cart_id, item_id):
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        cart_remove_item(cart=cart, sku=_item_in(cart, item_id).variant.sku)
        return Response(_items_body(request, cart))


class CartCustomersView(EPView):
    """POST /v2/carts/:cartID/relationships/customers: associate the cart with the token's customer."""

    def post(self, request, cart_id):
        caller = ep_caller(request)
        data = ep_data(request)
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            raise invalid("data", 'data must be [{"type": "customer", "id": <customer id>}].')
        if caller.customer is None or text(data[0], "id", field="data.0.id") != caller.customer.reference:
            raise EPError("Associating a cart needs the customer's own token.", status=401, title="Unauthorized")
        cart_assign_customer(cart=ep_cart(request, caller, cart_id, create=True), customer=caller.customer)
        return Response({"data": [{"type": "customer", "id": caller.customer.reference}]})


class CheckoutView(EPView):
    def post(self, request, cart_id):
        given = checkout_input(request)
        caller = ep_caller(request)
        cart = ep_cart(request, caller, cart_id)
        result = ep_checkout(caller=caller, cart=cart, given=given,
                             idempotency_key=request.headers.get("Idempotency-Key"))
        order = order_placed_get(order_id=result.order.uuid)
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response({"data": doc.order_resource(request, order)}, headers=headers)


# --- shipping groups -------------------------------------------------------------------------------


def _group_input(request, *, partial: bool) -> dict:
    data = data_object(request, type_="shipping_group")
    out = {}
    if not partial or "shipping_type" in data:
        out["shipping_type"] = text(data, "shipping_type", required=True, max_length=100)
    if not partial or "address" in data:
        given = address_input(data, "address")
        out["address"] = {
            "first_name": given.first_name, "last_name": given.last_name, "phone_number": given.phone,
            "company_name": given.company, "line_1": given.address1, "line_2": given.address2, "city": given.city,
            "postcode": given.zip_code, "county": given.county, "country": given.iso2_code.upper()[:2],
            "region": given.region_code, "instructions": given.instructions,
        }
        for name in ("first_name", "last_name", "line_1", "city", "country"):
            if not out["address"][name]:
                raise invalid(f"data.address.{name}", f"data.address.{name} is required.")
    if "tracking_reference" in data:
        out["tracking_reference"] = text(data, "tracking_reference", max_length=100)
    return out


class ShippingGroupsView(EPView):
    def get(self, request, cart_id):
        cart = ep_cart(request, ep_caller(request), cart_id, change=False)
        return Response({"data": [doc.shipping_group_resource(cart, g) for g in shipping_groups_of(cart=cart)]})

    def post(self, request, cart_id):
        given = _group_input(request, partial=False)
        cart = ep_cart(request, ep_caller(request), cart_id, create=True)
        cart_ensure_unclaimed(cart=cart)
        group = shipping_group_create(cart=cart, **given)
        return Response({"data": doc.shipping_group_resource(cart, shipping_group_get(cart=cart, group_id=group.uuid))},
                        status=201)


class ShippingGroupView(EPView):
    def get(self, request, cart_id, group_id):
        cart = ep_cart(request, ep_caller(request), cart_id, change=False)
        return Response({"data": doc.shipping_group_resource(cart, shipping_group_get(cart=cart, group_id=group_id))})

    def put(self, request, cart_id, group_id):
        given = _group_input(request, partial=True)
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        shipping_group_update(cart=cart, group_id=group_id, **given)
        return Response({"data": doc.shipping_group_resource(cart, shipping_group_get(cart=cart, group_id=group_id))})

    def delete(self, request, cart_id, group_id):
        cart = ep_cart(request, ep_caller(request), cart_id)
        cart_ensure_unclaimed(cart=cart)
        shipping_group_delete(cart=cart, group_id=group_id)
        return Response(status=204)


# --- orders --------------------------------------------------------------------------------------


def _guest_ids(request) -> tuple[str, ...]:
    cart_id = request.headers.get(CART_ID_HEADER)
    if not cart_id:
        return ()
    try:
        return (ep_guest_id(valid_cart_id(cart_id)),)
    except Exception:  # noqa: BLE001 - a malformed cart id simply opens nothing
        return ()


def _order_for(request, order_id, act: StaffAct = StaffAct.READ_ORDERS):
    """The caller and the order, if it is theirs or they are staff who may do ``act`` with it."""
    caller = ep_caller(request)
    return caller, order_visible(order_id=order_id, customer=caller.customer, guest_ids=_guest_ids(request),
                                 staff=caller.staff, act=act)


class OrdersView(EPView):
    def get(self, request):
        caller = ep_caller(request)
        if caller.customer is None and not caller.is_backend:
            raise EPError("Listing orders needs a customer token or a client-credentials token.", status=401,
                          title="Unauthorized")
        limit, offset = page_params(request)
        orders = orders_visible(customer=caller.customer, staff=caller.staff)
        total = orders.count()
        page = list(orders[offset:offset + limit])
        return Response({"data": [doc.order_resource(request, o) for o in page],
                         "meta": {"page": {"limit": limit, "offset": offset, "current": offset // limit + 1,
                                           "total": max(-(-total // limit), 1)},
                                  "results": {"total": total}}})


class OrderView(EPView):
    def get(self, request, order_id):
        _, order = _order_for(request, order_id)
        return Response({"data": doc.order_resource(request, order)})

    def put(self, request, order_id):
        data = data_object(request, type_="order")
        caller, order = _order_for(request, order_id, StaffAct.EDIT_ORDERS)
        if "status" in data:
            if text(data, "status") != "cancelled":
                raise invalid("data.status", 'The only status an order can be given is "cancelled".')
            order_apply_staff_transition(order_id=order.pk, transition="cancel", by=caller.staff)
        if "billing_address" in data or "shipping_address" in data:
            order_update_addresses(
                order_id=order.pk,
                billing=address_input(data, "billing_address") if "billing_address" in data else None,
                shipping=address_input(data, "shipping_address") if "shipping_address" in data else None,
            )
        order_update_references(
            order_id=order.pk,
            order_number=text(data, "order_number", max_length=64) if "order_number" in data else None,
            external_ref=text(data, "external_ref", max_length=64) if "external_ref" in data else None,
        )
        return Response({"data": doc.order_resource(request, order_placed_get(order_id=order.uuid))})


class OrderItemsView(EPView):
    def get(self, request, order_id):
        _, order = _order_for(request, order_id)
        return Response({"data": [doc.order_item_resource(order, item) for item in order.line_items.all()]})


class OrderPaymentsView(EPView):
    """POST /v2/orders/:id/payments with the manual gateway: ``authorize`` (the shopper will pay offline;
    the order's owner may say so) or ``purchase`` (the money arrived: staff who may record it)."""

    def post(self, request, order_id):
        data = data_object(request)
        gateway = text(data, "gateway", required=True)
        if gateway != "manual":
            raise EPError(f"The gateway {gateway!r} is not enabled; use \"manual\".", meta={"gateway": gateway[:40]},
                          status=422, title="Gateway not enabled")
        caller, order = _order_for(request, order_id, StaffAct.EDIT_ORDERS)
        made = order_payment_transact(order_id=order.pk, action=text(data, "method", required=True), by=caller.staff)
        return Response({"data": doc.transaction_resource(order, _transaction(made))})


def _transaction(made) -> PaymentTransaction:
    return PaymentTransaction.objects.select_related("payment").prefetch_related("children").get(pk=made.pk)


class OrderTransactionsView(EPView):
    def get(self, request, order_id):
        _, order = _order_for(request, order_id)
        return Response({"data": [doc.transaction_resource(order, t)
                                  for p in order.payments.all() for t in p.transactions.all()]})


class TransactionCaptureView(EPView):
    def post(self, request, order_id, transaction_id):
        caller, order = _order_for(request, order_id, StaffAct.EDIT_ORDERS)
        made = order_transaction_capture(order_id=order.pk, transaction_uuid=transaction_id, by=caller.staff)
        return Response({"data": doc.transaction_resource(order, _transaction(made))})


class TransactionRefundView(EPView):
    def post(self, request, order_id, transaction_id):
        caller, order = _order_for(request, order_id, StaffAct.EDIT_ORDERS)
        made = order_transaction_refund(order_id=order.pk, transaction_uuid=transaction_id, by=caller.staff)
        return Response({"data": doc.transaction_resource(order, _transaction(made))})
