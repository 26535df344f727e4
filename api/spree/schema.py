"""OpenAPI descriptions of the Spree API v1 operations (seed 004, under /api/), applied at import.

Bodies are plain JSON; amounts are decimal strings with ``display_*`` amounts. A guest
names an order by its token (``X-Spree-Order-Token`` or ``order_token``), a registered
customer or staff by an API key (``X-Spree-Token``). Every path also answers with ``.json``.
Imported by ``api.schema``'s hook only.
"""

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
from api.spree.views.catalog import CountriesView, CountryView, ProductsView, ProductView, StatesView, VariantsView
from api.spree.views.checkouts import CheckoutAdvanceView, CheckoutCompleteView, CheckoutNextView, CheckoutView
from api.spree.views.orders import LineItemsView, LineItemView, OrdersView, OrderView, PaymentsNewView

ORDER_TOKEN = OpenApiParameter("X-Spree-Order-Token", str, OpenApiParameter.HEADER, required=False,
                               description="The order's token (also as ?order_token=): a guest's key to the order.")
ORDER_TOKEN_QUERY = OpenApiParameter("order_token", str, OpenApiParameter.QUERY, required=False,
                                     description="The order's token, instead of X-Spree-Order-Token.")
API_KEY_OR_TOKEN = [{"SpreeApiKey": []}, {}]
NOBODY = [{}]
ORDER_ACCESS = [ORDER_TOKEN, ORDER_TOKEN_QUERY]

DECIMAL = string("A decimal amount.", example="15.99")
ADDRESS_INPUT = obj({
    "firstname": string(example="John"), "lastname": string(example="Doe"),
    "address1": string(example="7735 Old Georgetown Road"), "address2": NULLABLE_STRING,
    "city": string(example="Bethesda"), "zipcode": string(example="20814"), "phone": string(example="3014445002"),
    "company": NULLABLE_STRING, "state_id": {"oneOf": [integer(), string()]},
    "country_id": {"oneOf": [integer(), string()]},
})
LINE_ITEM = obj({"id": integer(), "quantity": integer(), "price": DECIMAL, "variant_id": integer(),
                 "single_display_amount": string(), "display_amount": string(), "total": DECIMAL,
                 "variant": obj(), "adjustments": array(ANY)})
ORDER = obj({
    "id": integer(), "number": string(example="R123456789"),
    "state": string(enum=["cart", "address", "delivery", "payment", "confirm", "complete", "canceled",
                          "awaiting_return", "returned"]),
    "token": string(), "email": NULLABLE_STRING, "currency": string(example="USD"),
    "item_total": DECIMAL, "total": DECIMAL, "ship_total": DECIMAL, "tax_total": DECIMAL,
    "display_total": string(example="$15.99"), "payment_state": NULLABLE_STRING, "shipment_state": NULLABLE_STRING,
    "rental_start_date": NULLABLE_STRING, "rental_end_date": NULLABLE_STRING, "zipcode": NULLABLE_STRING,
    "checkout_steps": array(string()), "bill_address": obj(nullable=True), "ship_address": obj(nullable=True),
    "line_items": array(LINE_ITEM), "payments": array(obj()), "shipments": array(obj()),
    "permissions": obj({"can_update": BOOLEAN}),
}, required=("number", "state"))

LINE_ITEMS_INPUT = {"oneOf": [
    array(obj({"variant_id": integer(), "quantity": integer(minimum=1)}, required=("variant_id", "quantity"))),
    obj(description='Spree\'s indexed form: {"0": {"variant_id", "quantity"}} (or {"id", "quantity"} to update).'),
]}
ORDER_INPUT = obj({"order": obj({
    "email": string(format="email"), "rental_start_date": string(format="date"),
    "rental_end_date": string(format="date"), "zipcode": string(example="90025"), "line_items": LINE_ITEMS_INPUT,
})})
CHECKOUT_INPUT = obj({
    "order": obj({
        "email": string(format="email"), "bill_address_attributes": ADDRESS_INPUT,
        "ship_address_attributes": ADDRESS_INPUT, "use_shipping": {"oneOf": [string(), BOOLEAN]},
        "shipments_attributes": obj(description='{"0": {"id": shipment id, "selected_shipping_rate_id": id}}'),
        "payments_attributes": array(obj({"payment_method_id": {"oneOf": [string(), integer()]}})),
        "payment_source": obj(), "existing_card": {"oneOf": [string(), integer()]},
    }),
    "payment_source": obj(description='{"<payment method id>": {"number", "month", "year", '
                                      '"verification_value", "name"}}'),
    "save_user_address": {"oneOf": [string(), BOOLEAN]},
    "use_shipping": {"oneOf": [string(), BOOLEAN]},
    "existing_card": {"oneOf": [string(), integer()]},
    "order_token": string(),
})


def ok(schema: dict, description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(response=schema, description=description, examples=list(examples))


def errors(*codes: int) -> dict:
    described = {
        400: "Malformed JSON.",
        401: "Not authorized for this order (no or another order token, or an API key that is not the owner's).",
        404: "The order, item or record is not there.",
        422: "Refused: Spree's {error, errors} (invalid field, step not ready, stock, card declined).",
    }
    return {code: error("SpreeError", described[code]) for code in codes}


def body(schema: dict, *examples: OpenApiExample) -> dict:
    return {"application/json": OpenApiRequest(schema, examples=list(examples))}


ORDER_ERRORS = errors(400, 401, 404, 422)

operation(OrdersView, "post", operation_id="spree_orders_post", summary="Create an order (cart step)",
          auth=API_KEY_OR_TOKEN,
          description="With line_items and the rental fields; the answer carries the order's number and token.",
          request=body(ORDER_INPUT, OpenApiExample("A rental order (seed 004)", value={"order": {
              "email": "guest@example.com", "rental_start_date": "2027-03-01", "rental_end_date": "2027-03-04",
              "zipcode": "90025", "line_items": [{"variant_id": 1, "quantity": 2}]}})),
          responses={201: ok(ORDER, "The order."), **errors(400, 422)})
operation(OrderView, "get", operation_id="spree_order_get", summary="An order", parameters=ORDER_ACCESS,
          auth=API_KEY_OR_TOKEN, responses={200: ok(ORDER, "The order."), **errors(401, 404)})
operation(OrderView, "put", operation_id="spree_order_put", summary="Change an order's line items and rental fields",
          parameters=ORDER_ACCESS, auth=API_KEY_OR_TOKEN, request=body(ORDER_INPUT),
          responses={200: ok(ORDER, "The order."), **ORDER_ERRORS})
operation(LineItemsView, "post", operation_id="spree_line_items_post", summary="Add a line item",
          parameters=ORDER_ACCESS, auth=API_KEY_OR_TOKEN,
          request=body(obj({"line_item": obj({"variant_id": integer(), "quantity": integer(minimum=1)},
                                             required=("variant_id",))}, required=("line_item",))),
          responses={201: ok(LINE_ITEM, "The line item."), **ORDER_ERRORS})
operation(LineItemView, "put", operation_id="spree_line_item_put", summary="Change a line item's quantity",
          parameters=ORDER_ACCESS, auth=API_KEY_OR_TOKEN,
          request=body(obj({"line_item": obj({"quantity": integer(minimum=0)})}, required=("line_item",))),
          responses={200: ok(LINE_ITEM, "The line item."), **ORDER_ERRORS})
operation(LineItemView, "delete", operation_id="spree_line_item_delete", summary="Remove a line item",
          parameters=ORDER_ACCESS, auth=API_KEY_OR_TOKEN,
          responses={204: OpenApiResponse(description="Removed."), **errors(401, 404, 422)})
operation(PaymentsNewView, "get", operation_id="spree_payments_new_get", summary="The payment methods and their ids",
          parameters=ORDER_ACCESS, auth=API_KEY_OR_TOKEN,
          responses={200: ok(obj({"payment_methods": array(obj({"id": integer(), "name": string()})),
                                  "attributes": array(string())}), "Payment methods."), **errors(401, 404)})

STEP = "Spree's checkout: cart → address → delivery → payment → confirm → complete."
for view, op_id, summary in (
    (CheckoutNextView, "spree_checkout_next_put", "One step on; from confirm, place the order"),
    (CheckoutAdvanceView, "spree_checkout_advance_put", "As far as the order allows, stopping at confirm"),
    (CheckoutCompleteView, "spree_checkout_complete_put", "Place the order (from confirm)"),
):
    operation(view, "put", operation_id=op_id, summary=summary, description=STEP,
              parameters=[*ORDER_ACCESS, IDEMPOTENCY_KEY], auth=API_KEY_OR_TOKEN, request=None,
              responses={200: ok(ORDER, "The order in its new state."), **errors(400, 401, 404, 422)})
operation(CheckoutView, "put", operation_id="spree_checkout_put", summary="A checkout step's data, and on",
          description=STEP + " Addresses and payment together go straight to confirm.",
          parameters=[*ORDER_ACCESS, IDEMPOTENCY_KEY], auth=API_KEY_OR_TOKEN,
          request=body(CHECKOUT_INPUT, OpenApiExample("Address and card (seed 004)", value={
              "order": {"ship_address_attributes": {
                  "firstname": "John", "lastname": "Doe", "address1": "7735 Old Georgetown Road", "city": "Bethesda",
                  "phone": "3014445002", "zipcode": "20814", "state_id": 1, "country_id": 1},
                  "use_shipping": "1", "payments_attributes": [{"payment_method_id": "1"}]},
              "payment_source": {"1": {"number": "4111111111111111", "month": "1", "year": "2030",
                                       "verification_value": "123", "name": "John Smith"}}})),
          responses={200: ok(ORDER, "The order."), **ORDER_ERRORS})

# --- catalog -------------------------------------------------------------------------------------

SEARCH = [OpenApiParameter("q[name_cont]", str, OpenApiParameter.QUERY, required=False),
          OpenApiParameter("q[sku_eq]", str, OpenApiParameter.QUERY, required=False),
          OpenApiParameter("page", int, OpenApiParameter.QUERY, required=False),
          OpenApiParameter("per_page", int, OpenApiParameter.QUERY, required=False)]
PAGE = {"count": integer(), "total_count": integer(), "current_page": integer(), "pages": integer(),
        "per_page": integer()}
PRODUCT = obj({"id": integer(), "name": string(), "description": NULLABLE_STRING, "price": DECIMAL,
               "display_price": string(), "slug": string(), "master": obj(nullable=True), "variants": array(obj())})
VARIANT = obj({"id": integer(), "name": string(), "sku": string(), "price": DECIMAL, "in_stock": BOOLEAN,
               "is_rentable": BOOLEAN})
COUNTRY = obj({"id": integer(), "iso_name": string(), "iso": string(example="US"), "iso3": string(),
               "name": string(), "numcode": integer(nullable=True)})
STATE = obj({"id": integer(), "name": string(), "abbr": string(), "country_id": integer()})

operation(ProductsView, "get", operation_id="spree_products_get", summary="Products", parameters=SEARCH, auth=NOBODY,
          responses={200: ok(obj({"products": array(PRODUCT), **PAGE}), "A page of products."), **errors(422)})
operation(ProductView, "get", operation_id="spree_product_get", summary="A product (by id or slug)", auth=NOBODY,
          responses={200: ok(PRODUCT, "The product."), **errors(404)})
operation(VariantsView, "get", operation_id="spree_variants_get", summary="Variants", parameters=SEARCH, auth=NOBODY,
          responses={200: ok(obj({"variants": array(VARIANT), **PAGE}), "A page of variants."), **errors(422)})
operation(CountriesView, "get", operation_id="spree_countries_get", summary="Countries", auth=NOBODY,
          parameters=SEARCH[2:],
          responses={200: ok(obj({"countries": array(COUNTRY), **PAGE}), "Countries (a page with per_page)."),
                     **errors(422)})
operation(CountryView, "get", operation_id="spree_country_get", summary="A country (by id or ISO code)", auth=NOBODY,
          responses={200: ok(COUNTRY, "The country with its states."), **errors(404)})
operation(StatesView, "get", operation_id="spree_country_states_get", summary="A country's states", auth=NOBODY,
          responses={200: ok(obj({"states": array(STATE), "states_required": BOOLEAN}), "States."), **errors(404)})
