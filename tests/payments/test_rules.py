"""The payment rules of a checkout (payments/rules.py), method resolution and listing (payments/selectors.py)."""

from api.glue.errors import glue_pointer
import pytest
from django.utils import timezone

from core.errors import DomainError
from payments import exceptions
from payments.exceptions import (
    InvalidPaymentMethod,
    InvoiceNotAllowedForGiftCards,
    MultiplePaymentsNotAllowed,
    PaymentDataInvalid,
)
from payments.models import PaymentAttempt, PaymentMethod, PaymentProvider
from payments.rules import payment_requests_check
from payments.selectors import payment_method_resolve, payment_providers_list

pytestmark = pytest.mark.django_db

PAYMENTS = "/data/attributes/payments"
FIRST = f"{PAYMENTS}/0"
CARD_FIELDS = [
    "paymentMethod", "paymentProvider", "dummyPaymentCreditCard.cardType", "dummyPaymentCreditCard.cardNumber",
    "dummyPaymentCreditCard.nameOnCard", "dummyPaymentCreditCard.cardExpiresMonth",
    "dummyPaymentCreditCard.cardExpiresYear", "dummyPaymentCreditCard.cardSecurityCode",
]
INVOICE_FIELDS = ["paymentMethod", "paymentProvider", "dummyPaymentInvoice.dateOfBirth"]


@pytest.fixture
def methods():
    dummy = PaymentProvider.objects.create(name="DummyPayment")
    manual = PaymentProvider.objects.create(name="Manual")
    return {
        "credit card": PaymentMethod.objects.create(provider=dummy, name="credit card", plugin="dummy_credit_card",
                                                    required_request_data=CARD_FIELDS, position=1),
        "invoice": PaymentMethod.objects.create(provider=dummy, name="invoice", plugin="dummy_invoice",
                                                required_request_data=INVOICE_FIELDS, position=2),
        "manual": PaymentMethod.objects.create(provider=manual, name="manual", plugin="manual",
                                               required_request_data=["paymentMethod", "paymentProvider"]),
    }


def card_payment(method_name="credit card", **card):
    fields = {"cardType": "visa", "cardNumber": "4111111111111111", "nameOnCard": "Spencor Hopkin",
              "cardExpiresMonth": "04", "cardExpiresYear": str(timezone.localdate().year + 2),
              "cardSecurityCode": "123"}
    fields.update(card)
    return {"paymentMethodName": method_name, "paymentProviderName": "DummyPayment",
            "dummyPaymentCreditCard": {key: value for key, value in fields.items() if value is not None}}


def invoice_payment(method_name="Invoice", date_of_birth="08.04.1986"):
    return {"paymentMethodName": method_name, "paymentProviderName": "DummyPayment",
            "dummyPaymentInvoice": {"dateOfBirth": date_of_birth}}


# Resolving a method


@pytest.mark.parametrize(("provider", "method", "expected"), [
    ("DummyPayment", "invoice", "invoice"),
    ("DummyPayment", "Invoice", "invoice"),
    ("dummypayment", "INVOICE", "invoice"),
    ("DummyPayment", "Credit Card", "credit card"),
    ("DummyPayment", "credit card", "credit card"),
    ("DUMMYPAYMENT", "cReDiT cArD", "credit card"),
    ("manual", "Manual", "manual"),
])
def test_a_payment_method_is_found_whatever_the_case_of_its_names(methods, provider, method, expected):
    assert payment_method_resolve(provider_name=provider, method_name=method) == methods[expected]


@pytest.mark.parametrize(("provider", "method"), [
    ("DummyPayment", "paypal"),
    ("Dummy", "invoice"),
    ("Manual", "invoice"),
    ("DummyPayment", "credit  card"),
    ("DummyPayment", " invoice"),
    ("DummyPayment", ""),
    ("", "invoice"),
])
def test_an_unknown_payment_method_is_1108_naming_it(methods, provider, method):
    with pytest.raises(InvalidPaymentMethod) as caught:
        payment_method_resolve(provider_name=provider, method_name=method)
    error = caught.value
    assert (error.code, error.status) == ("1108", 422)
    assert error.detail == f'Payment method "{method}" of payment provider "{provider}" is invalid.'
    assert glue_pointer(error.field) == f"{FIRST}/paymentMethodName"


def test_an_inactive_method_or_provider_is_unknown(methods):
    PaymentMethod.objects.filter(pk=methods["invoice"].pk).update(is_active=False)
    PaymentProvider.objects.filter(name="Manual").update(is_active=False)
    for provider, method in [("DummyPayment", "invoice"), ("Manual", "manual")]:
        with pytest.raises(InvalidPaymentMethod):
            payment_method_resolve(provider_name=provider, method_name=method)
    assert payment_method_resolve(provider_name="DummyPayment", method_name="credit card") == methods["credit card"]


def test_resolving_selects_the_provider_in_one_query(methods, django_assert_num_queries):
    with django_assert_num_queries(1):
        method = payment_method_resolve(provider_name="dummypayment", method_name="Credit Card")
        assert method.provider.name == "DummyPayment"


# Listing providers (/checkout-data)


def test_providers_list_the_active_methods_with_their_required_request_data(methods):
    PaymentMethod.objects.create(provider=methods["manual"].provider, name="cash", plugin="manual", is_active=False)
    PaymentProvider.objects.create(name="Empty")
    PaymentMethod.objects.create(provider=PaymentProvider.objects.create(name="Off", is_active=False),
                                 name="off", plugin="manual")

    listed = [(p.name, [(m.name, m.required_request_data) for m in p.active_methods]) for p in payment_providers_list()]

    assert listed == [
        ("DummyPayment", [("credit card", CARD_FIELDS), ("invoice", INVOICE_FIELDS)]),
        ("Manual", [("manual", ["paymentMethod", "paymentProvider"])]),
    ]


def test_listing_providers_takes_two_queries_however_many_there_are(methods, django_assert_max_num_queries):
    for number in range(5):
        provider = PaymentProvider.objects.create(name=f"Provider {number}")
        for position in range(4):
            PaymentMethod.objects.create(provider=provider, name=f"method {position}", plugin="manual",
                                         position=position)

    with django_assert_max_num_queries(2):
        providers = payment_providers_list()
        shown = [(p.name, m.name, m.required_request_data) for p in providers for m in p.active_methods]

    assert len(providers) == 7 and len(shown) == 23


# Checking a checkout's payments


def test_a_valid_invoice_payment_gives_its_method_and_writes_nothing(methods, django_assert_num_queries):
    with django_assert_num_queries(1):  # the method lookup, nothing else
        method = payment_requests_check(payments=[invoice_payment()], has_gift_card=False)
    assert method == methods["invoice"]
    assert not PaymentAttempt.objects.exists()


@pytest.mark.parametrize("payment", [
    pytest.param(card_payment("Credit Card"), id="credit-card"),
    pytest.param(invoice_payment("invoice"), id="invoice"),
    pytest.param({"paymentMethodName": "manual", "paymentProviderName": "Manual"}, id="manual"),
])
def test_each_method_passes_with_its_data(methods, payment):
    assert payment_requests_check(payments=[payment], has_gift_card=False).name == payment["paymentMethodName"].lower()


@pytest.mark.parametrize("payments", [[], (), None, "invoice", {"paymentMethodName": "invoice"}])
def test_a_checkout_without_a_payment_list_is_1101_at_payments(methods, payments):
    with pytest.raises(PaymentDataInvalid) as caught:
        payment_requests_check(payments=payments, has_gift_card=False)
    assert (caught.value.code, caught.value.status, glue_pointer(caught.value.field)) == ("1101", 422, PAYMENTS)


def test_more_than_one_payment_is_1107(methods):
    with pytest.raises(MultiplePaymentsNotAllowed) as caught:
        payment_requests_check(payments=[invoice_payment(), card_payment()], has_gift_card=False)
    error = caught.value
    assert (error.code, error.status, error.detail, glue_pointer(error.field)) == (
        "1107", 422, "Multiple payments are not allowed.", PAYMENTS)


def test_a_payment_that_is_not_an_object_is_1101(methods):
    with pytest.raises(PaymentDataInvalid) as caught:
        payment_requests_check(payments=["invoice"], has_gift_card=False)
    assert glue_pointer(caught.value.field) == FIRST


@pytest.mark.parametrize("field", ["paymentProviderName", "paymentMethodName"])
@pytest.mark.parametrize("value", [None, "", 7])
def test_a_payment_without_its_names_is_1101_at_the_name(methods, field, value):
    payment = invoice_payment()
    if value is None:
        del payment[field]
    else:
        payment[field] = value
    with pytest.raises(PaymentDataInvalid) as caught:
        payment_requests_check(payments=[payment], has_gift_card=False)
    assert glue_pointer(caught.value.field) == f"{FIRST}/{field}"


def test_an_unknown_method_is_1108(methods):
    with pytest.raises(InvalidPaymentMethod) as caught:
        payment_requests_check(payments=[{"paymentMethodName": "PayPal", "paymentProviderName": "DummyPayment"}],
                               has_gift_card=False)
    assert caught.value.detail == 'Payment method "PayPal" of payment provider "DummyPayment" is invalid.'


@pytest.mark.parametrize("name", ["invoice", "Invoice", "INVOICE"])
def test_invoice_is_refused_for_a_cart_with_a_gift_card(methods, name):
    with pytest.raises(InvoiceNotAllowedForGiftCards) as caught:
        payment_requests_check(payments=[invoice_payment(name)], has_gift_card=True)
    error = caught.value
    assert (error.code, error.status) == ("invoice_not_allowed_for_gift_card", 422)
    assert "another payment method" in error.detail


def test_a_gift_card_may_be_paid_by_credit_card(methods):
    assert payment_requests_check(payments=[card_payment()], has_gift_card=True) == methods["credit card"]


@pytest.mark.parametrize(("payment", "path", "field"), [
    *[pytest.param(card_payment(**{path.split(".")[1]: None}), path, path.split(".")[1], id=path)
      for path in CARD_FIELDS if "." in path],
    pytest.param(invoice_payment(date_of_birth=""), "dummyPaymentInvoice.dateOfBirth", "dateOfBirth",
                 id="dateOfBirth-empty"),
    pytest.param({**invoice_payment(), "dummyPaymentInvoice": "08.04.1986"}, "dummyPaymentInvoice",
                 "dummyPaymentInvoice", id="invoice-not-an-object"),
])
def test_a_missing_or_malformed_field_is_1101_pointing_at_it(methods, payment, path, field):
    with pytest.raises(PaymentDataInvalid) as caught:
        payment_requests_check(payments=[payment], has_gift_card=False)
    error = caught.value
    assert (error.code, error.status) == ("1101", 422)
    assert glue_pointer(error.field) == f"{FIRST}/{path.replace('.', '/')}"
    assert error.meta == {"field": field}


@pytest.mark.parametrize("name", ["invoice", "Invoice"])
def test_an_invoice_without_a_date_of_birth_is_accepted_as_the_seed_documents_send_it(methods, name):
    # Seeds 000 and 001 check out {"paymentMethodName": "invoice", "paymentProviderName": "DummyPayment"}.
    payment = {"paymentMethodName": name, "paymentProviderName": "DummyPayment"}
    assert payment_requests_check(payments=[payment], has_gift_card=False) == methods["invoice"]


def test_advertised_request_data_is_information_and_the_plugin_decides(methods):
    PaymentMethod.objects.filter(pk=methods["manual"].pk).update(
        required_request_data=["paymentMethod", "paymentProvider", "manualPayment.reference"])
    payment = {"paymentMethodName": "manual", "paymentProviderName": "Manual"}
    assert payment_requests_check(payments=[payment], has_gift_card=False) == methods["manual"]


@pytest.mark.parametrize(("payment", "pointer"), [
    (invoice_payment(date_of_birth="31.02.1986"), f"{FIRST}/dummyPaymentInvoice/dateOfBirth"),
    (card_payment(cardNumber="4111111111111112"), f"{FIRST}/dummyPaymentCreditCard/cardNumber"),
    (card_payment(cardType="amex"), f"{FIRST}/dummyPaymentCreditCard/cardType"),
])
def test_the_plugin_checks_the_data_after_the_required_fields(methods, payment, pointer):
    with pytest.raises(PaymentDataInvalid) as caught:
        payment_requests_check(payments=[payment], has_gift_card=False)
    assert glue_pointer(caught.value.field) == pointer


def test_the_gift_card_rule_comes_before_the_invoice_data(methods):
    with pytest.raises(InvoiceNotAllowedForGiftCards):
        payment_requests_check(payments=[{"paymentMethodName": "invoice", "paymentProviderName": "DummyPayment"}],
                               has_gift_card=True)


# The errors


def test_every_payment_error_declares_a_code_a_status_and_a_pointer():
    errors = [value for value in vars(exceptions).values()
              if isinstance(value, type) and issubclass(value, DomainError) and value.__module__ == exceptions.__name__]
    assert len(errors) >= 7
    for error in errors:
        assert error.code and error.code != DomainError.code, error
        assert 400 <= error.status < 500, error
        assert glue_pointer(error.field).startswith("/data"), error
        instance = error()
        assert instance.detail and str(instance) == instance.detail


def test_payment_data_invalid_takes_its_pointer_per_instance():
    error = PaymentDataInvalid("nope", field=("payments", 0, "card", "number"))
    assert glue_pointer(error.field) == f"{FIRST}/dummyPaymentCreditCard/cardNumber"
    assert glue_pointer(PaymentDataInvalid().field) == PAYMENTS
    assert PaymentDataInvalid().detail == "Checkout data is invalid."
