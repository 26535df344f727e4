"""OpenAPI descriptions of the Glue (Spryker JSON:API) operations, applied to the views at import.

Bodies are JSON:API documents, ``{"data": {"type": …, "attributes": {…}}}``; the samples are
the seeds' (000-002). Amounts are integer minor units. Imported by ``api.schema``'s hook only.
"""

from api.glue.views.addresses import AddressesView, AddressView
from api.glue.views.auth import AccessTokensView, RefreshTokensView, RefreshTokenView
from api.glue.views.carts import (
    CartItemsView,
    CartItemView,
    CartsView,
    CartView,
    CartVouchersView,
    CartVoucherView,
    GuestCartItemsView,
)
from api.glue.views.checkout import CheckoutDataView, CheckoutView, OrderPaymentsView
from api.glue.views.customers import CustomerPasswordView, CustomersView, CustomerView
from api.glue.views.orders import OrderShipmentView, OrdersView, OrderView
from api.glue.views.products import ConcreteProductAvailabilitiesView, ConcreteProductView
from api.schema import (
    ACCEPT_LANGUAGE,
    ANY,
    BOOLEAN,
    GUEST_HEADER,
    IDEMPOTENCY_KEY,
    NULLABLE_STRING,
    OpenApiExample,
    OpenApiRequest,
    OpenApiResponse,
    array,
    error,
    include_parameter,
    integer,
    obj,
    operation,
    string,
)

MEDIA_TYPES = ("application/vnd.api+json", "application/json")
GUEST_OR_CUSTOMER = [{"GlueBearer": []}, {}]  # a bearer token, or X-Anonymous-Customer-Unique-Id
CUSTOMER = [{"GlueBearer": []}]
NOBODY = [{}]

GUEST_ID = "demo-guest-0001"
DEMO_CART = "033ee1ad-c3e9-5d2e-816f-23ff38a58d6d"


# --- documents -----------------------------------------------------------------------------------


def request_document(type_: str, attributes: dict, *examples: OpenApiExample) -> dict:
    """A request body: a JSON:API document of ``type_``, sent as application/vnd.api+json or application/json."""
    schema = obj({"data": obj({"type": string(enum=[type_]), "attributes": attributes}, required=("type",))},
                 required=("data",))
    return {media_type: OpenApiRequest(schema, examples=list(examples)) for media_type in MEDIA_TYPES}


def resource_object(type_: str, attributes: dict, *, with_id: bool = True) -> dict:
    return obj({
        "type": string(enum=[type_]),
        "id": string() if with_id else NULLABLE_STRING,
        "attributes": attributes,
        "relationships": obj(),
        "links": obj({"self": string(format="uri")}),
    }, required=("type", "attributes"))


def document(type_: str, attributes: dict, *, many: bool = False, with_id: bool = True) -> dict:
    data = resource_object(type_, attributes, with_id=with_id)
    return obj({"data": array(data) if many else data, "included": array(obj()), "links": obj()},
               required=("data",))


def ok(schema: dict, description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(response=schema, description=description, examples=list(examples))


def errors(*codes: int) -> dict:
    """The error responses of an operation: JSON:API error objects."""
    described = {
        400: "Malformed document or invalid input (`source.pointer` names the member).",
        401: "Missing or invalid token (001, 002, 003), or the order's owner does not match.",
        403: "Not allowed for this caller (no bearer token: 002).",
        404: "Not found, or not the caller's own.",
        409: "Wrong resource type, or a conflict with the current state (a cart being checked out).",
        415: "Unsupported media type: send application/vnd.api+json or application/json.",
        422: "A business rule refused it (Spryker's codes 1101-1108 at checkout).",
        429: "Too many failed logins for this username or from this address (too_many_login_attempts); "
             "the Retry-After header says how many seconds to wait.",
    }
    return {code: error("GlueErrors", described[code]) for code in (*codes, 415) if code in described}


ADDRESS = obj({
    "id": string("An address of the customer's book (uuid), instead of the fields."),
    "idCompanyBusinessUnitAddress": string("A business unit's shared address (uuid), instead of the fields."),
    "salutation": string(example="Mr"), "firstName": string(example="Spencor"),
    "middleName": NULLABLE_STRING, "lastName": string(example="Hopkin"),
    "address1": string(example="West road"), "address2": string(example="212"), "address3": NULLABLE_STRING,
    "zipCode": string(example="61000"), "city": string(example="Berlin"),
    "iso2Code": string("ISO 3166-1 alpha-2 country code.", example="DE"),
    "company": NULLABLE_STRING, "phone": NULLABLE_STRING, "email": NULLABLE_STRING, "region": NULLABLE_STRING,
    "isDefaultBilling": BOOLEAN, "isDefaultShipping": BOOLEAN,
}, description="An address by value, by `id`, or by `idCompanyBusinessUnitAddress`.")

PAYMENT = obj({
    "paymentProviderName": string(example="DummyPayment"),
    "paymentMethodName": string(example="invoice"),
    "paymentSelection": string(example="dummyPaymentInvoice"),
    "amount": integer(),
    "dummyPaymentInvoice": obj({"dateOfBirth": string(example="08.04.1986")}),
    "dummyPaymentCreditCard": obj({"cardType": string(), "cardNumber": string(), "nameOnCard": string(),
                                   "cardExpiresMonth": string(), "cardExpiresYear": string(),
                                   "cardSecurityCode": string()}),
})

CHECKOUT_ATTRIBUTES = obj({
    "idCart": string("The cart to check out (uuid).", example=DEMO_CART),
    "customer": obj({"email": string(example="spencer@example.com"), "salutation": string(example="Mr"),
                     "firstName": string(example="Spencor"), "lastName": string(example="Hopkin")}),
    "billingAddress": ADDRESS,
    "shippingAddress": ADDRESS,
    "payments": array(PAYMENT),
    "shipment": obj({"idShipmentMethod": integer(example=1)}),
    "shipments": array(obj({
        "items": array(string(), "The skus this shipment carries."),
        "shippingAddress": ADDRESS,
        "idShipmentMethod": integer(example=1),
        "requestedDeliveryDate": string(format="date", nullable=True),
    }), "Split shipments (Spryker's newest shape), instead of shippingAddress and shipment."),
}, required=("idCart",))

GUEST_CHECKOUT_EXAMPLE = OpenApiExample("Guest checkout (seed 000)", value={"data": {"type": "checkout", "attributes": {
    "idCart": DEMO_CART, "customer": {"email": "guest@example.com", "firstName": "Ada", "lastName": "Guest"},
    "billingAddress": {"firstName": "Ada", "lastName": "Guest", "address1": "Julie-Wolfthorn-Straße",
                       "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"},
    "shippingAddress": {"firstName": "Ada", "lastName": "Guest", "address1": "Julie-Wolfthorn-Straße",
                        "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"},
    "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice",
                  "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}],
    "shipment": {"idShipmentMethod": 1}}}})

TOTALS = obj({name: integer() for name in (
    "expenseTotal", "discountTotal", "taxTotal", "subtotal", "grandTotal", "priceToPay")})

CART_ATTRIBUTES = obj({
    "priceMode": string(enum=["GROSS_MODE", "NET_MODE"]), "currency": string(example="EUR"),
    "store": string(example="DE"), "name": NULLABLE_STRING, "isDefault": BOOLEAN, "totals": TOTALS,
    "discounts": array(obj({"displayName": string(), "amount": integer(), "code": NULLABLE_STRING})),
    "thresholds": array(ANY),
})

CART_ITEM_ATTRIBUTES = obj({"sku": string(example="066_23294028"), "quantity": integer(minimum=1),
                            "groupKey": string(), "abstractSku": string(), "calculations": obj(),
                            "selectedProductOptions": array(obj())})

ORDER_ATTRIBUTES = obj({
    "createdAt": string(), "currencyIsoCode": string(example="EUR"), "priceMode": string(),
    "totals": obj(), "billingAddress": obj(nullable=True), "shippingAddress": obj(nullable=True),
    "items": array(obj()), "expenses": array(obj()), "payments": array(obj()), "shipments": array(obj()),
    "calculatedDiscounts": ANY, "bundleItems": array(ANY),
})

CUSTOMER_ATTRIBUTES = obj({
    "email": string(format="email"), "salutation": NULLABLE_STRING, "firstName": string(), "lastName": string(),
    "gender": NULLABLE_STRING, "dateOfBirth": string(format="date", nullable=True),
    "createdAt": string(), "updatedAt": string(),
})

TOKEN_ATTRIBUTES = obj({"tokenType": string(example="Bearer"), "expiresIn": integer(), "accessToken": string(),
                        "refreshToken": string(), "refreshTokenExpiresIn": integer(),
                        "idCompanyUser": NULLABLE_STRING})

CART_INCLUDES = include_parameter("items", "vouchers", "cart-rules")
GUEST_CART_INCLUDES = include_parameter("guest-cart-items", "vouchers", "cart-rules")


# --- tokens --------------------------------------------------------------------------------------

operation(AccessTokensView, "post", operation_id="access_tokens_post", summary="Log in (a customer's tokens)",
          description="A guest logging in with X-Anonymous-Customer-Unique-Id brings their cart along.",
          parameters=[GUEST_HEADER], auth=NOBODY,
          request=request_document("access-tokens", obj({"username": string(format="email"),
                                                         "password": string(format="password")},
                                                        required=("username", "password")),
                                   OpenApiExample("Log in", value={"data": {"type": "access-tokens", "attributes": {
                                       "username": "spencor.hopkin@spryker.com", "password": "change123"}}})),
          responses={201: ok(document("access-tokens", TOKEN_ATTRIBUTES, with_id=False), "Tokens."),
                     **errors(400, 401, 409, 429)})

operation(RefreshTokensView, "post", operation_id="refresh_tokens_post", summary="Renew a customer's tokens",
          description="A refresh token works once: the response carries the next one. A used, revoked or "
                      "expired refresh token, or one issued before the customer's last password change, is 401 004.",
          auth=NOBODY,
          request=request_document("refresh-tokens", obj({"refreshToken": string()}, required=("refreshToken",))),
          responses={201: ok(document("refresh-tokens", TOKEN_ATTRIBUTES, with_id=False), "New tokens."),
                     **errors(400, 401, 409)})

operation(RefreshTokenView, "delete", operation_id="refresh_tokens_refresh_token_delete",
          summary="Log out: revoke a refresh token",
          description="Revokes one of the caller's refresh tokens, or every one of them with `mine`. Always 204, "
                      "also for a token that is not the caller's or not valid (nothing is revoked then).",
          auth=CUSTOMER,
          responses={204: OpenApiResponse(description="Revoked (or nothing to revoke)."), **errors(401, 403)})

# --- catalog -------------------------------------------------------------------------------------

operation(ConcreteProductView, "get", operation_id="concrete_products_sku_get", summary="A product variant",
          parameters=[ACCEPT_LANGUAGE], auth=NOBODY,
          responses={200: ok(document("concrete-products", obj({
              "sku": string(), "name": string(), "description": NULLABLE_STRING, "attributes": obj(),
              "isRentable": BOOLEAN, "isGiftCard": BOOLEAN,
              "prices": array(obj({"priceTypeName": string(), "netAmount": integer(nullable=True),
                                   "grossAmount": integer(nullable=True), "currency": obj()}))})),
              "The variant, its attributes and prices per currency."), **errors(404)})

operation(ConcreteProductAvailabilitiesView, "get", summary="A product variant's availability in GLUE_STORE",
          operation_id="concrete_products_sku_availabilities_get", auth=NOBODY,
          responses={200: ok(document("concrete-product-availabilities", obj({
              "isNeverOutOfStock": BOOLEAN, "availability": BOOLEAN,
              "quantity": string(example="10.0000000000")}), many=True), "Availability."), **errors(404)})

# --- checkout ------------------------------------------------------------------------------------

operation(CheckoutDataView, "post", operation_id="checkout_data_post", summary="The cart's checkout options",
          description="Addresses, payment providers with their requiredRequestData, shipment methods (and the "
                      "ones selected by the request). Guests send X-Anonymous-Customer-Unique-Id.",
          parameters=[GUEST_HEADER, include_parameter("addresses", "payment-methods", "shipments",
                                                      "shipment-methods", "company-business-unit-addresses")],
          auth=GUEST_OR_CUSTOMER,
          request=request_document("checkout-data", CHECKOUT_ATTRIBUTES, OpenApiExample(
              "Checkout data (seed 000)", value={"data": {"type": "checkout-data", "attributes": {
                  "idCart": DEMO_CART, "shipment": {"idShipmentMethod": 1}}}})),
          responses={200: ok(document("checkout-data", obj({
              "addresses": array(obj()), "paymentProviders": array(obj({
                  "paymentProviderName": string(), "paymentMethods": array(obj({
                      "paymentMethodName": string(), "requiredRequestData": array(string())}))})),
              "shipmentMethods": array(obj({"carrierName": string(), "id": integer(), "name": string(),
                                            "price": integer(), "taxRate": NULLABLE_STRING,
                                            "deliveryTime": integer(nullable=True)})),
              "selectedShipmentMethods": array(obj()), "selectedPaymentMethods": array(obj())}), with_id=False),
              "The options."), **errors(400, 401, 404, 409, 422)})

operation(CheckoutView, "post", operation_id="checkout_post", summary="Place the order",
          description="Checks the cart out through the engine: one shipment (`shippingAddress` + `shipment`) or "
                      "split shipments (`shipments[]`). The guest's or customer's cart is deleted afterwards. "
                      "With Idempotency-Key a retry returns the first order.",
          parameters=[GUEST_HEADER, IDEMPOTENCY_KEY, ACCEPT_LANGUAGE, include_parameter("orders", "order-shipments")],
          auth=GUEST_OR_CUSTOMER,
          request=request_document("checkout", CHECKOUT_ATTRIBUTES, GUEST_CHECKOUT_EXAMPLE),
          responses={201: ok(document("checkout", obj({
              "orderReference": string(example="DE--3"), "redirectUrl": NULLABLE_STRING,
              "isExternalRedirect": {"type": "boolean", "nullable": True}}), with_id=False),
              "The order is placed.", OpenApiExample("Placed", value={"data": {
                  "type": "checkout", "id": None, "attributes": {"orderReference": "DE--3", "redirectUrl": None,
                                                                 "isExternalRedirect": None},
                  "links": {"self": "https://glue.example.com/checkout"}}})),
              **errors(400, 401, 404, 409, 422)})

operation(OrderPaymentsView, "post", operation_id="order_payments_post", summary="Confirm an external payment",
          description="The payment provider's signed dataPayload for the order named by paymentIdentifier.",
          parameters=[GUEST_HEADER], auth=GUEST_OR_CUSTOMER,
          request=request_document("order-payments", obj({
              "paymentIdentifier": string("The order reference.", example="DE--3"),
              "dataPayload": array(obj())}, required=("paymentIdentifier",))),
          responses={201: ok(document("order-payments", obj({"paymentIdentifier": string(),
                                                             "dataPayload": ANY})), "Confirmed."),
                     **errors(400, 401, 404, 409, 422)})

# --- orders --------------------------------------------------------------------------------------

operation(OrdersView, "get", operation_id="orders_get", summary="The shopper's orders",
          parameters=[GUEST_HEADER], auth=GUEST_OR_CUSTOMER,
          responses={200: ok(document("orders", ORDER_ATTRIBUTES, many=True), "Orders, newest first."),
                     **errors(401)})
operation(OrderView, "get", operation_id="orders_reference_get", summary="One of the shopper's orders",
          parameters=[GUEST_HEADER, include_parameter("order-shipments")], auth=GUEST_OR_CUSTOMER,
          responses={200: ok(document("orders", ORDER_ATTRIBUTES), "The order; each unit of a line is an item."),
                     **errors(400, 401, 404)})
operation(OrderShipmentView, "get", operation_id="order_shipments_id_get", summary="One shipment of an order",
          parameters=[GUEST_HEADER], auth=GUEST_OR_CUSTOMER,
          responses={200: ok(document("order-shipments", obj()), "The shipment."), **errors(401, 404)})

# --- carts (the same views serve /carts and /guest-carts: the guest header or the bearer token) --

CART_DOCUMENT = document("carts", CART_ATTRIBUTES)
CART_DOCUMENT["properties"]["data"]["properties"]["type"] = string(enum=["carts", "guest-carts"])
CARTS_DOCUMENT = obj({"data": array(CART_DOCUMENT["properties"]["data"]), "included": array(obj()),
                      "links": obj()}, required=("data",))
ITEM_BODY = obj({"sku": string(example="066_23294028"),
                 "quantity": {"oneOf": [integer(minimum=1), string(pattern=r"^\d+$")]}}, required=("sku", "quantity"))
QUANTITY_BODY = obj({"quantity": {"oneOf": [integer(minimum=1), string(pattern=r"^\d+$")]}}, required=("quantity",))


def item_request(types: tuple[str, ...] = ("items", "guest-cart-items"), example_sku: str = "066_23294028") -> dict:
    """An item to add: ``items`` to a customer's cart, ``guest-cart-items`` to a guest's."""
    schema = obj({"data": obj({"type": string(enum=list(types)), "attributes": ITEM_BODY},
                              required=("type",))}, required=("data",))
    example = OpenApiExample("Add an item", value={"data": {"type": "guest-cart-items", "attributes": {
        "sku": example_sku, "quantity": 1}}})
    return {media_type: OpenApiRequest(schema, examples=[example]) for media_type in MEDIA_TYPES}


def typed_request(types: list[str], attributes: dict) -> dict:
    schema = obj({"data": obj({"type": string(enum=types), "attributes": attributes}, required=("type",))},
                 required=("data",))
    return {media_type: schema for media_type in MEDIA_TYPES}


CART_ERRORS = errors(400, 401, 404, 409, 422)

operation(GuestCartItemsView, "post", operation_id="guest_cart_items_post",
          summary="A guest's first item: creates the guest cart",
          parameters=[GUEST_CART_INCLUDES],
          request=item_request(("guest-cart-items",)),
          responses={201: ok(CART_DOCUMENT, "The guest's cart with its items."), **CART_ERRORS})
operation(CartsView, "get", summary="The caller's carts (a customer's, or a guest's)",
          parameters=[CART_INCLUDES], responses={200: ok(CARTS_DOCUMENT, "Carts."), **errors(400, 401)})
operation(CartsView, "post", summary="Create a customer's cart",
          request=typed_request(["carts"], obj({"name": string(), "currency": string(example="EUR"),
                                                "priceMode": string(enum=["GROSS_MODE", "NET_MODE"]),
                                                "store": string(example="DE")}, required=("name",))),
          parameters=[CART_INCLUDES], responses={201: ok(CART_DOCUMENT, "The new cart."), **CART_ERRORS})
operation(CartView, "get", summary="One of the caller's carts", parameters=[CART_INCLUDES],
          responses={200: ok(CART_DOCUMENT, "The cart with its totals."), **errors(400, 401, 404)})
operation(CartView, "patch", summary="Rename a cart, change its currency or price mode",
          request=typed_request(["carts"], obj({"name": string(), "currency": string(),
                                                "priceMode": string(enum=["GROSS_MODE", "NET_MODE"])})),
          parameters=[CART_INCLUDES], responses={200: ok(CART_DOCUMENT, "The cart."), **CART_ERRORS})
operation(CartView, "delete", summary="Delete a cart", parameters=[CART_INCLUDES],
          responses={204: OpenApiResponse(description="Deleted."), **errors(400, 401, 404, 409)})
operation(CartItemsView, "post", summary="Add an item to a cart", parameters=[CART_INCLUDES],
          request=item_request(), responses={201: ok(CART_DOCUMENT, "The cart with its items."), **CART_ERRORS})
operation(CartItemView, "patch", summary="Change an item's quantity", parameters=[CART_INCLUDES],
          request=typed_request(["items", "guest-cart-items"], QUANTITY_BODY),
          responses={200: ok(CART_DOCUMENT, "The cart with its items."), **CART_ERRORS})
operation(CartItemView, "delete", summary="Remove an item", parameters=[CART_INCLUDES],
          responses={204: OpenApiResponse(description="Removed."), **errors(400, 401, 404, 409)})
operation(CartVouchersView, "post", summary="Apply a voucher (vouchers, or cart-codes before Spryker 202009)",
          parameters=[CART_INCLUDES],
          request=typed_request(["vouchers", "cart-codes"], obj({"code": string(example="SAVE5")},
                                                               required=("code",))),
          responses={201: ok(CART_DOCUMENT, "The cart with the voucher's discount."), **CART_ERRORS})
operation(CartVoucherView, "delete", summary="Remove a voucher", parameters=[CART_INCLUDES],
          responses={204: OpenApiResponse(description="Removed."), **errors(400, 401, 404, 409, 422)})

# --- customers -----------------------------------------------------------------------------------

CUSTOMER_DOCUMENT = document("customers", CUSTOMER_ATTRIBUTES)
ADDRESS_DOCUMENT = document("addresses", ADDRESS)
PASSWORDS = {"password": string(format="password"), "newPassword": string(format="password"),
             "confirmPassword": string(format="password")}

operation(CustomersView, "get", summary="The caller's own customer resource", auth=CUSTOMER,
          responses={200: ok(document("customers", CUSTOMER_ATTRIBUTES, many=True), "A list of one."),
                     **errors(401)})
operation(CustomersView, "post", summary="Register a customer", auth=NOBODY,
          request=request_document("customers", obj({
              "email": string(format="email"), "salutation": string(example="Mr"), "firstName": string(),
              "lastName": string(), "gender": string(example="Male"), "dateOfBirth": string(format="date"),
              "password": string(format="password"), "confirmPassword": string(format="password"),
              "acceptedTerms": BOOLEAN}, required=("email", "firstName", "lastName", "password",
                                                   "confirmPassword"))),
          responses={201: ok(CUSTOMER_DOCUMENT, "Registered."), **errors(400, 409, 422)})
operation(CustomerView, "get", summary="A customer's profile (one's own)", auth=CUSTOMER,
          parameters=[include_parameter("addresses")],
          responses={200: ok(CUSTOMER_DOCUMENT, "The profile."), **errors(400, 401, 403, 404)})
operation(CustomerView, "patch", summary="Change one's profile (and password)", auth=CUSTOMER,
          description="A new password ends every token issued before it: log in again.",
          request=request_document("customers", obj({**CUSTOMER_ATTRIBUTES["properties"], **PASSWORDS})),
          responses={200: ok(CUSTOMER_DOCUMENT, "The profile."), **errors(400, 401, 403, 404, 409, 422, 429)})
operation(CustomerPasswordView, "patch", summary="Change one's password", auth=CUSTOMER,
          description="The new password ends every token issued before it: log in again.",
          request=request_document("customer-password", obj(PASSWORDS, required=tuple(PASSWORDS))),
          responses={204: OpenApiResponse(description="Changed."), **errors(400, 401, 403, 404, 409, 422, 429)})
operation(AddressesView, "get", summary="A customer's address book", auth=CUSTOMER,
          responses={200: ok(document("addresses", ADDRESS, many=True), "Addresses."), **errors(401, 403, 404)})
operation(AddressesView, "post", summary="Add an address", auth=CUSTOMER,
          request=request_document("addresses", ADDRESS),
          responses={201: ok(ADDRESS_DOCUMENT, "The address."), **errors(400, 401, 403, 404, 409, 422)})
operation(AddressView, "get", summary="One address", auth=CUSTOMER,
          responses={200: ok(ADDRESS_DOCUMENT, "The address."), **errors(401, 403, 404)})
operation(AddressView, "patch", summary="Change an address", auth=CUSTOMER,
          request=request_document("addresses", ADDRESS),
          responses={200: ok(ADDRESS_DOCUMENT, "The address."), **errors(400, 401, 403, 404, 409, 422)})
operation(AddressView, "delete", summary="Delete an address", auth=CUSTOMER,
          responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404)})
