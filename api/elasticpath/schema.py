"""OpenAPI descriptions of the Elastic Path operations (seed 003, under /v2/), applied at import.

Bodies are ``{"data": …}`` JSON; amounts are integer minor units with ``meta.display_price``
(``{amount, currency, formatted}``); errors are ``{"errors": [{status, title, detail, meta}]}``.
Imported by ``api.schema``'s hook only.
"""

from api.elasticpath import views
from api.elasticpath.oauth import AccessTokenView
from api.schema import (
    ANY,
    BOOLEAN,
    IDEMPOTENCY_KEY,
    NULLABLE_STRING,
    OpenApiExample,
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
    array,
    error,
    integer,
    obj,
    operation,
    string,
)

BEARER_OR_NONE = [{"ElasticPathBearer": []}, {}]
NOBODY = [{}]
CUSTOMER_TOKEN = OpenApiParameter("X-Moltin-Customer-Token", str, OpenApiParameter.HEADER, required=False,
                                  description="A customer's token (POST /v2/customers/tokens).")
ACCOUNT_TOKEN = OpenApiParameter("EP-Account-Management-Authentication-Token", str, OpenApiParameter.HEADER,
                                 required=False, description="An account member's token (with an implicit token).")
CURRENCY = OpenApiParameter("X-Moltin-Currency", str, OpenApiParameter.HEADER, required=False,
                            description="The currency of a new cart (else the store's default).")
CART_ID = OpenApiParameter("X-Moltin-Cart-Id", str, OpenApiParameter.HEADER, required=False,
                           description="A guest reads the orders made from this cart.")
CALLER = [CUSTOMER_TOKEN, ACCOUNT_TOKEN]

ADDRESS = obj({name: string() for name in (
    "first_name", "last_name", "company_name", "line_1", "line_2", "city", "postcode", "county", "country",
    "region", "phone_number", "instructions")})
DISPLAY_PRICE = obj({"amount": integer(), "currency": string(example="EUR"), "formatted": string(example="€10.00")})
CART = obj({"id": string(), "type": string(enum=["cart"]), "name": string(), "description": string(),
            "links": obj(), "meta": obj({"display_price": obj(), "timestamps": obj()}), "relationships": obj()},
           required=("id", "type"))
CART_ITEM = obj({"id": string(), "type": string(enum=["cart_item"]), "sku": string(), "name": string(),
                 "quantity": integer(), "unit_price": obj(), "value": obj(), "meta": obj()})
ORDER = obj({
    "type": string(enum=["order"]), "id": string(format="uuid"), "order_number": string(),
    "external_ref": string(), "status": string(enum=["incomplete", "complete", "processing", "cancelled"]),
    "payment": string(enum=["unpaid", "authorized", "paid", "refunded"]),
    "shipping": string(enum=["unfulfilled", "fulfilled"]), "anonymized": BOOLEAN,
    "meta": obj({"display_price": obj(), "timestamps": obj()}), "billing_address": ADDRESS,
    "shipping_address": ADDRESS, "contact": obj({"email": string(), "name": string()}), "relationships": obj(),
}, required=("type", "id", "status"))
TRANSACTION = obj({"id": string(), "type": string(enum=["transaction"]), "reference": string(),
                   "gateway": string(), "amount": integer(), "refunded_amount": integer(), "currency": string(),
                   "transaction_type": string(), "status": string(), "meta": obj(), "relationships": obj()})
SHIPPING_GROUP = obj({"id": string(), "type": string(enum=["shipping_group"]), "relation": string(),
                      "cart_id": string(), "shipping_type": string(), "tracking_reference": NULLABLE_STRING,
                      "address": ADDRESS, "relationships": obj(), "created_at": string(), "updated_at": string()})


def data(schema: dict, *, many: bool = False, meta: bool = False) -> dict:
    properties = {"data": array(schema) if many else schema}
    if meta:
        properties["meta"] = obj()
    return obj(properties, required=("data",))


def ok(schema: dict, description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(response=schema, description=description, examples=list(examples))


def body(schema: dict, *examples: OpenApiExample) -> dict:
    return {"application/json": OpenApiRequest(schema, examples=list(examples))}


def errors(*codes: int) -> dict:
    described = {
        400: "Invalid input (Failed Validation), insufficient stock, or a currency the item has no price in.",
        401: "A token is missing or not valid for this.",
        403: "Not allowed with this token: its staff user lacks the Django permission for this (core.staff_rights).",
        404: "Not found.",
        409: "A conflict with the current state (a cart being checked out).",
        422: "Refused by a rule (e.g. a payment gateway that is not enabled).",
        429: "Too many failed logins for this client id or e-mail, or from this address; the Retry-After "
             "header says how many seconds to wait.",
    }
    return {code: error("ElasticPathErrors", described[code]) for code in codes}


CART_ITEMS = data(CART_ITEM, many=True, meta=True)
ITEM_INPUT = data(obj({"type": string(enum=["cart_item"]), "sku": string(example="066_23294028"),
                       "id": string("A product id, instead of sku."), "quantity": integer(minimum=1)},
                      required=("type", "quantity")))
CHECKOUT_INPUT = data(obj({
    "customer": obj({"id": string(), "name": string(), "email": string(format="email")},
                    description="An existing customer's id, or a guest's name and email."),
    "account": obj({"id": string(), "member_id": string()}),
    "contact": obj({"name": string(), "email": string(format="email")}),
    "billing_address": ADDRESS, "shipping_address": ADDRESS,
    "order_number": string(maxLength=64), "external_ref": string(maxLength=64),
}, required=("billing_address", "shipping_address")))
GROUP_INPUT = data(obj({"type": string(enum=["shipping_group"]), "shipping_type": string(),
                        "tracking_reference": string(), "address": ADDRESS}, required=("type",)))

operation(AccessTokenView, "post", operation_id="ep_oauth_access_token_post", summary="An access token",
          description="grant_type=implicit (a storefront: client_id) or client_credentials (a staff user's "
                      "client_id and client_secret). Form-encoded or JSON.", auth=NOBODY,
          request={media: obj({"grant_type": string(enum=["implicit", "client_credentials"]),
                               "client_id": string(), "client_secret": string()},
                              required=("grant_type", "client_id"))
                   for media in ("application/x-www-form-urlencoded", "multipart/form-data", "application/json")},
          responses={200: ok(obj({"client_id": string(), "access_token": string(), "expires": integer(),
                                  "expires_in": integer(), "identifier": string(), "token_type": string()}),
                             "The token."), **errors(401, 422, 429)})
operation(views.CustomerTokensView, "post", operation_id="ep_customer_tokens_post", summary="A customer's token",
          auth=BEARER_OR_NONE,
          request=body(data(obj({"type": string(enum=["token"]), "email": string(format="email"),
                                 "password": string(format="password")}, required=("type", "email", "password")))),
          responses={200: ok(data(obj({"type": string(), "id": string(), "customer_id": string(),
                                       "token": string(), "expires": integer()})), "The token."),
                     **errors(400, 401, 429)})

CART_PARAMS = [*CALLER, CURRENCY]
operation(views.CartView, "get", operation_id="ep_cart_get", summary="A cart (made on first use)",
          parameters=CART_PARAMS, auth=BEARER_OR_NONE,
          responses={200: ok(data(CART), "The cart."), **errors(400, 401, 403)})
operation(views.CartView, "put", operation_id="ep_cart_put", summary="Rename a cart", parameters=CART_PARAMS,
          auth=BEARER_OR_NONE, request=body(data(obj({"name": string(), "description": string()}))),
          responses={200: ok(data(CART), "The cart."), **errors(400, 401, 403)})
operation(views.CartView, "delete", operation_id="ep_cart_delete", summary="Delete a cart", parameters=CALLER,
          auth=BEARER_OR_NONE, responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404, 409)})
operation(views.CartItemsView, "get", operation_id="ep_cart_items_get", summary="A cart's items",
          parameters=CART_PARAMS, auth=BEARER_OR_NONE,
          responses={200: ok(CART_ITEMS, "Items."), **errors(400, 401, 403)})
operation(views.CartItemsView, "post", operation_id="ep_cart_items_post", summary="Add an item (by sku or product id)",
          parameters=CART_PARAMS, auth=BEARER_OR_NONE,
          request=body(ITEM_INPUT, OpenApiExample("By sku", value={"data": {
              "type": "cart_item", "sku": "066_23294028", "quantity": 1}})),
          responses={201: ok(CART_ITEMS, "The cart's items."), **errors(400, 401, 403, 404, 409)})
operation(views.CartItemsView, "put", operation_id="ep_cart_items_put", summary="Change several items' quantities",
          parameters=CALLER, auth=BEARER_OR_NONE,
          request=body(obj({"data": array(obj({"id": string(), "quantity": integer(minimum=0)},
                                              required=("id", "quantity")))}, required=("data",))),
          responses={200: ok(CART_ITEMS, "The cart's items."), **errors(400, 401, 403, 404, 409)})
operation(views.CartItemsView, "delete", operation_id="ep_cart_items_delete", summary="Empty a cart",
          parameters=CALLER, auth=BEARER_OR_NONE,
          responses={204: OpenApiResponse(description="Emptied."), **errors(401, 403, 404, 409)})
operation(views.CartItemView, "put", operation_id="ep_cart_item_put",
          summary="Change an item's quantity or shipping group", parameters=CALLER, auth=BEARER_OR_NONE,
          request=body(data(obj({"quantity": integer(minimum=0), "shipping_group_id": NULLABLE_STRING}))),
          responses={200: ok(CART_ITEMS, "The cart's items."), **errors(400, 401, 403, 404, 409)})
operation(views.CartItemView, "delete", operation_id="ep_cart_item_delete", summary="Remove an item",
          parameters=CALLER, auth=BEARER_OR_NONE,
          responses={200: ok(CART_ITEMS, "The cart's items."), **errors(401, 403, 404, 409)})
operation(views.CartCustomersView, "post", operation_id="ep_cart_customers_post",
          summary="Associate a cart with the token's customer", parameters=CALLER, auth=BEARER_OR_NONE,
          request=body(obj({"data": array(obj({"type": string(enum=["customer"]), "id": string()},
                                              required=("type", "id")))}, required=("data",))),
          responses={200: ok(obj({"data": array(obj())}), "Associated."), **errors(400, 401, 403, 404)})
operation(views.CheckoutView, "post", operation_id="ep_checkout_post", summary="Check a cart out (the cart stays)",
          description="With a customer id, a customer object (guest), or an account; order_number and "
                      "external_ref (≤ 64 characters) are kept. Idempotency-Key makes a retry return the first order.",
          parameters=[*CALLER, IDEMPOTENCY_KEY], auth=BEARER_OR_NONE,
          request=body(CHECKOUT_INPUT, OpenApiExample("Guest checkout (seed 003)", value={"data": {
              "customer": {"name": "Ron Swanson", "email": "ron@swanson.com"},
              "billing_address": {"first_name": "Ron", "last_name": "Swanson", "line_1": "1 Sunny Street",
                                  "city": "Berlin", "postcode": "10115", "country": "DE"},
              "shipping_address": {"first_name": "Ron", "last_name": "Swanson", "line_1": "1 Sunny Street",
                                   "city": "Berlin", "postcode": "10115", "country": "DE"}}})),
          responses={200: ok(data(ORDER), "The order."), **errors(400, 401, 403, 404, 409, 422)})
operation(views.ShippingGroupsView, "get", operation_id="ep_shipping_groups_get", summary="A cart's shipping groups",
          parameters=CALLER, auth=BEARER_OR_NONE,
          responses={200: ok(data(SHIPPING_GROUP, many=True), "Groups."), **errors(401, 403, 404)})
operation(views.ShippingGroupsView, "post", operation_id="ep_shipping_groups_post", summary="Add a shipping group",
          parameters=CALLER, auth=BEARER_OR_NONE, request=body(GROUP_INPUT),
          responses={201: ok(data(SHIPPING_GROUP), "The group."), **errors(400, 401, 403, 404, 409)})
operation(views.ShippingGroupView, "get", operation_id="ep_shipping_group_get", summary="A shipping group",
          parameters=CALLER, auth=BEARER_OR_NONE,
          responses={200: ok(data(SHIPPING_GROUP), "The group."), **errors(401, 403, 404)})
operation(views.ShippingGroupView, "put", operation_id="ep_shipping_group_put", summary="Change a shipping group",
          parameters=CALLER, auth=BEARER_OR_NONE, request=body(GROUP_INPUT),
          responses={200: ok(data(SHIPPING_GROUP), "The group."), **errors(400, 401, 403, 404, 409)})
operation(views.ShippingGroupView, "delete", operation_id="ep_shipping_group_delete",
          summary="Delete a shipping group", parameters=CALLER, auth=BEARER_OR_NONE,
          responses={204: OpenApiResponse(description="Deleted."), **errors(400, 401, 403, 404, 409)})

ORDER_PARAMS = [*CALLER, CART_ID]
operation(views.OrdersView, "get", operation_id="ep_orders_get",
          summary="Orders (a customer's, or all for staff who may read orders)",
          parameters=CALLER, auth=BEARER_OR_NONE,
          responses={200: ok(data(ORDER, many=True, meta=True), "Orders."), **errors(401, 403)})
operation(views.OrderView, "get", operation_id="ep_order_get", summary="An order", parameters=ORDER_PARAMS,
          auth=BEARER_OR_NONE, responses={200: ok(data(ORDER), "The order."), **errors(401, 403, 404)})
operation(views.OrderView, "put", operation_id="ep_order_put",
          summary="Change an order's order_number, external_ref, or cancel it (staff)", parameters=ORDER_PARAMS,
          auth=BEARER_OR_NONE,
          request=body(data(obj({"type": string(enum=["order"]), "order_number": string(maxLength=64),
                                 "external_ref": string(maxLength=64), "status": string(enum=["cancelled"])},
                                required=("type",)))),
          responses={200: ok(data(ORDER), "The order."), **errors(400, 401, 403, 404, 409, 422)})
operation(views.OrderItemsView, "get", operation_id="ep_order_items_get", summary="An order's items",
          parameters=ORDER_PARAMS, auth=BEARER_OR_NONE,
          responses={200: ok(data(obj(), many=True), "Items."), **errors(401, 403, 404)})
operation(views.OrderPaymentsView, "post", operation_id="ep_order_payments_post",
          summary="Pay for an order with the manual gateway", parameters=ORDER_PARAMS, auth=BEARER_OR_NONE,
          request=body(data(obj({"gateway": string(enum=["manual"]), "method": string(enum=["authorize", "purchase"])},
                                required=("gateway", "method"))),
                       OpenApiExample("Authorize", value={"data": {"gateway": "manual", "method": "authorize"}})),
          responses={200: ok(data(TRANSACTION), "The transaction."), **errors(400, 401, 403, 404, 409, 422)})
operation(views.OrderTransactionsView, "get", operation_id="ep_order_transactions_get",
          summary="An order's transactions", parameters=ORDER_PARAMS, auth=BEARER_OR_NONE,
          responses={200: ok(data(TRANSACTION, many=True), "Transactions."), **errors(401, 403, 404)})
for view, op_id, summary in ((views.TransactionCaptureView, "ep_transaction_capture_post", "Capture a transaction"),
                             (views.TransactionRefundView, "ep_transaction_refund_post", "Refund a transaction")):
    operation(view, "post", operation_id=op_id, summary=summary + " (client-credentials token)",
              auth=[{"ElasticPathBearer": []}],
              request=body(obj({"data": obj({"gateway": string(enum=["manual"]), "amount": integer()})})),
              responses={200: ok(data(TRANSACTION), "The transaction."), **errors(400, 401, 403, 404, 409, 422)})

__all__ = ["ANY"]
