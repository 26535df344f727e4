"""POST /checkout-data, POST /checkout and POST /order-payments (Glue, seeds 000-002)."""

from rest_framework.response import Response

from api.glue.checkout_data import INCLUDABLE as CHECKOUT_DATA_INCLUDABLE
from api.glue.checkout_data import checkout_data_includes
from api.glue.checkout_input import checkout_input
from api.glue.documents import resource
from api.glue.orders import included_for, order_resource
from api.glue.requests import DocumentInvalid, glue_attributes, requested_includes
from api.glue.views.auth import GlueView
from api.identity import glue_shopper
from checkout.options import checkout_options
from checkout.order_selectors import order_get_for
from checkout.payment_confirmation import order_payment_confirm
from checkout.placement import order_place

INCLUDABLE = {"orders", "order-shipments"}


def address_attributes(address) -> dict:
    """A customer's address as /checkout-data lists it, with its country and the country's rules."""
    country = address.country
    return {
        "id": str(address.uuid), "salutation": address.salutation, "firstName": address.first_name,
        "lastName": address.last_name, "address1": address.address1, "address2": address.address2,
        "address3": address.address3, "zipCode": address.zip_code, "city": address.city,
        "country": {
            "id_country": country.pk, "iso2_code": country.iso2_code, "iso3_code": country.iso3_code,
            "name": country.name, "postal_code_mandatory": country.postal_code_mandatory,
            "postal_code_regex": country.postal_code_regex or None,
            "regions": [{"iso2_code": r.iso2_code, "name": r.name} for r in country.regions.all()],
        },
        "iso2Code": country.iso2_code, "company": address.company, "phone": address.phone,
        "isDefaultBilling": getattr(address, "is_default_billing", False),
        "isDefaultShipping": getattr(address, "is_default_shipping", False),
    }


def shipment_method_attributes(option) -> dict:
    return {"carrierName": option.carrier_name, "id": option.method.pk, "name": option.method.name,
            "price": option.price, "taxRate": f"{option.tax_rate:.2f}" if option.tax_rate is not None else None,
            "deliveryTime": option.method.delivery_time_days}


def payment_method_attributes(method) -> dict:
    return {"paymentMethodName": method.name, "paymentProviderName": method.provider.name,
            "requiredRequestData": method.required_request_data}


class CheckoutDataView(GlueView):
    def post(self, request):
        includes = requested_includes(request, CHECKOUT_DATA_INCLUDABLE)
        shopper = glue_shopper(request)
        cart_id, data = checkout_input(glue_attributes(request, "checkout-data"))
        options = checkout_options(cart_uuid=cart_id, owner=shopper.owns(), customer=shopper.customer, data=data)
        attributes = {
            "addresses": [address_attributes(a) for a in options.addresses],
            "paymentProviders": [
                {"paymentProviderName": p.provider.name,
                 "paymentMethods": [{"paymentMethodName": m.name, "requiredRequestData": m.required_request_data}
                                    for m in p.methods]}
                for p in options.payment_providers
            ],
            "shipmentMethods": [shipment_method_attributes(o) for o in options.shipment_methods],
            "selectedShipmentMethods": [shipment_method_attributes(o) for o in options.selected_shipment_methods],
            "selectedPaymentMethods": [payment_method_attributes(m) for m in options.selected_payment_methods],
        }
        body = {"data": resource(request, "checkout-data", None, attributes, self_path=request.get_full_path())}
        if includes:
            reference = shopper.customer.reference if shopper.customer is not None else None
            relationships, included = checkout_data_includes(request, options=options, data=data, includes=includes,
                                                             customer_reference=reference)
            body["data"]["relationships"], body["included"] = relationships, included
        return Response(body)


class CheckoutView(GlueView):
    def post(self, request):
        includes = requested_includes(request, INCLUDABLE)
        shopper = glue_shopper(request)
        cart_id, data = checkout_input(glue_attributes(request, "checkout"),
                                       accept_language=request.headers.get("Accept-Language"))
        result = order_place(cart_uuid=cart_id, shopper=shopper, data=data,
                             idempotency_key=request.headers.get("Idempotency-Key"))
        attributes = {"orderReference": result.order.reference, "redirectUrl": result.redirect_url or None,
                      "isExternalRedirect": True if result.is_external_redirect else None}
        body = {"data": resource(request, "checkout", None, attributes, self_path=request.get_full_path())}
        if "orders" in includes:
            body["data"]["relationships"] = {"orders": {"data": [{"type": "orders", "id": result.order.reference}]}}
            order = order_get_for(shopper=shopper, reference=result.order.reference)
            # As the seed shows it: the order's shipments first, then the order.
            body["included"] = [*included_for(request, order, includes), order_resource(request, order, includes)]
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(body, status=201, headers=headers)


class OrderPaymentsView(GlueView):
    def post(self, request):
        shopper = glue_shopper(request)
        attributes = glue_attributes(request, "order-payments")
        identifier = attributes.get("paymentIdentifier")
        if not isinstance(identifier, str) or not identifier.strip():
            raise DocumentInvalid("paymentIdentifier is required (the order reference).",
                                  pointer="/data/attributes/paymentIdentifier")
        payment = order_payment_confirm(payment_identifier=identifier.strip(),
                                        payload=attributes.get("dataPayload"), owner=shopper.owns_orders())
        attributes = {"paymentIdentifier": identifier.strip(), "dataPayload": None}
        return Response({"data": resource(request, "order-payments", str(payment.uuid), attributes,
                                          self_path=f"/order-payments/{identifier.strip()}"),
                         # As seed 000 shows it: the document links to the payment by its own id.
                         "links": {"self": request.build_absolute_uri(f"/order-payments/{payment.uuid}")}},
                        status=201)
