"""/customers/{reference}/addresses[/{uuid}] (Glue): a customer's address book."""

from rest_framework.response import Response

from api.glue.customers import address_input, address_resource, glue_customer
from api.glue.documents import document
from api.glue.requests import glue_attributes
from api.glue.views.auth import GlueView
from customers.selectors import address_get, address_list, customer_own
from customers.services import address_create, address_delete, address_update


def _fields(request):
    fields, billing, shipping = address_input(glue_attributes(request, "addresses"))
    return {"fields": fields, "is_default_billing": billing, "is_default_shipping": shipping}


class AddressesView(GlueView):
    def get(self, request, reference: str):
        customer = customer_own(caller=glue_customer(request), reference=reference)
        return Response(document(request, [address_resource(request, a, reference)
                                           for a in address_list(customer=customer)]))

    def post(self, request, reference: str):
        customer = customer_own(caller=glue_customer(request), reference=reference)
        address = address_create(customer=customer, **_fields(request))
        return Response(document(request, address_resource(request, address, reference)), status=201)


class AddressView(GlueView):
    def get(self, request, reference: str, uuid: str):
        address = address_get(customer=customer_own(caller=glue_customer(request), reference=reference), uuid=uuid)
        return Response(document(request, address_resource(request, address, reference)))

    def patch(self, request, reference: str, uuid: str):
        address = address_get(customer=customer_own(caller=glue_customer(request), reference=reference), uuid=uuid)
        address = address_update(address=address, **_fields(request))
        return Response(document(request, address_resource(request, address, reference)))

    def delete(self, request, reference: str, uuid: str):
        address = address_get(customer=customer_own(caller=glue_customer(request), reference=reference), uuid=uuid)
        address_delete(address=address)
        return Response(status=204)
