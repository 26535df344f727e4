"""POST /customers, GET/PATCH /customers/{reference}, PATCH /customer-password/{reference} (Glue)."""

from rest_framework.response import Response

from api.glue.customers import (
    address_resource,
    customer_resource,
    glue_customer,
    password_change,
    profile_changes,
    registration_input,
)
from api.glue.documents import document
from api.glue.requests import glue_attributes, requested_includes
from api.glue.views.auth import GlueView
from customers.selectors import address_list, customer_own
from customers.services import customer_change_password, customer_register, customer_update

INCLUDABLE = {"addresses"}


class CustomersView(GlueView):
    def get(self, request):
        """The caller's own customer resource, as a list (Glue's GET /customers)."""
        customer = glue_customer(request)
        return Response(document(request, [customer_resource(request, customer)]))

    def post(self, request):
        customer = customer_register(**registration_input(glue_attributes(request, "customers")))
        return Response(document(request, customer_resource(request, customer)), status=201)


class CustomerView(GlueView):
    def get(self, request, reference: str):
        includes = requested_includes(request, INCLUDABLE)
        customer = customer_own(caller=glue_customer(request), reference=reference)
        body = document(request, customer_resource(request, customer))
        if "addresses" in includes:
            addresses = [address_resource(request, a, customer.reference) for a in address_list(customer=customer)]
            body["data"]["relationships"] = {"addresses": {"data": [
                {"type": "addresses", "id": a["id"]} for a in addresses]}}
            body["included"] = addresses
        return Response(body)

    def patch(self, request, reference: str):
        customer = customer_own(caller=glue_customer(request), reference=reference)
        attributes = glue_attributes(request, "customers")
        customer = customer_update(customer=customer, changes=profile_changes(attributes),
                                   password_change=password_change(attributes), request=request)
        return Response(document(request, customer_resource(request, customer)))


class CustomerPasswordView(GlueView):
    def patch(self, request, reference: str):
        customer = customer_own(caller=glue_customer(request), reference=reference)
        change = password_change(glue_attributes(request, "customer-password"), required=True)
        customer_change_password(customer=customer, **change, request=request)
        return Response(status=204)
