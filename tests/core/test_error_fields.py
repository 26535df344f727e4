"""A domain error names its input by a field path; each dialect's errors.py renders it in its own words."""

import pytest

from api.elasticpath.errors import ep_field
from api.glue.errors import glue_pointer
from api.spree.errors import spree_field
from core.errors import DomainError, spell


@pytest.mark.parametrize(("field", "glue", "spree", "ep"), [
    (("shipments", 0, "address", "zip_code"), "/data/attributes/shipments/0/shippingAddress/zipCode",
     "ship_address.zipcode", "data.shipping_address.postcode"),
    (("shipments", 0, "address", "iso2_code"), "/data/attributes/shipments/0/shippingAddress/iso2Code",
     "ship_address.country", "data.shipping_address.country"),
    (("shipments", 1, "method_id"), "/data/attributes/shipments/1/idShipmentMethod",
     "shipments.selected_shipping_rate_id", "data.shipping_address.1.shipping_type"),
    (("billing_address", "zip_code"), "/data/attributes/billingAddress/zipCode", "bill_address.zipcode",
     "data.billing_address.postcode"),
    (("billing_address", "region_code"), "/data/attributes/billingAddress/region", "bill_address.state",
     "data.billing_address.region"),
    (("customer", "email"), "/data/attributes/customer/email", "email", "data.customer.email"),
    (("payments", 0, "card", "number"), "/data/attributes/payments/0/dummyPaymentCreditCard/cardNumber",
     "payment_source.number", "data.payments.0.card.number"),
    (("payments", 0, "card", "security_code"),
     "/data/attributes/payments/0/dummyPaymentCreditCard/cardSecurityCode", "payment_source.verification_value",
     "data.payments.0.card.security_code"),
    (("payments", 0, "invoice", "date_of_birth"), "/data/attributes/payments/0/dummyPaymentInvoice/dateOfBirth",
     "payments.invoice.date_of_birth", "data.payments.0.invoice.date_of_birth"),
    (("rental", "starts_at"), "/data/attributes/rental_start_date", "rental_start_date", "data.rental_start_date"),
    (("price_mode",), "/data/attributes/priceMode", "price_mode", "data.price_mode"),
    (("idempotency_key",), "/meta/idempotencyKey", "idempotency_key", "Idempotency-Key"),
    ((), "/data", "base", "data"),
])
def test_each_dialect_renders_a_domain_field_in_its_own_words(field, glue, spree, ep):
    assert (glue_pointer(field), spree_field(field), ep_field(field)) == (glue, spree, ep)


def test_a_run_of_parts_is_rewritten_before_single_names_and_any_position_matches_int():
    paths = {("shipments", int, "address"): ("ship_to",), ("card",): ("payment_card",)}
    assert spell(("shipments", 3, "address", "zip_code"), names={"zip_code": "zip"}, paths=paths) == ["ship_to", "zip"]
    assert spell(("shipments", 3, "items"), names={}, paths=paths, word=str.upper) == ["SHIPMENTS", "3", "ITEMS"]


def test_a_nested_error_is_named_under_its_parent_and_a_given_pointer_wins():
    error = DomainError("The address needs a city.", field=("city",)).at("shipments", 2, "address")
    assert error.field == ("shipments", 2, "address", "city") and error.given_pointer is None
    error.pointer = "/order/ship_address_attributes/city"
    assert error.given_pointer == "/order/ship_address_attributes/city"
