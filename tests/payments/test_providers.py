"""Payment provider plugins (payments/providers/) and the attempt journal (payments/services.py)."""

from api.glue.errors import glue_pointer
import dataclasses
import hashlib
import hmac
import logging
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from catalog.models import Store
from checkout.models import Order
from payments.exceptions import (
    InvalidPaymentMethod,
    PaymentAttemptNotAttachable,
    PaymentConfirmationInvalid,
    PaymentDataInvalid,
    PaymentDeclined,
)
from payments.models import CreditCard, PaymentAttempt, PaymentAttemptStatus, PaymentMethod, PaymentProvider
from payments.providers import Authorization, CardDetails, PaymentRequest, plugin_for
from payments.providers.dummy import DECLINED_TEST_NUMBER
from payments.providers.redirect import complete_redirect, redirect_confirmation_hash
from payments.saved_cards import credit_card_payment_data
from payments.services import (
    payment_attempt_attach,
    payment_attempt_authorize,
    payment_attempt_start,
    payment_attempt_void,
)

Status = PaymentAttemptStatus
CARD_POINTER = "/data/attributes/payments/0/dummyPaymentCreditCard"
DOB_POINTER = "/data/attributes/payments/0/dummyPaymentInvoice/dateOfBirth"
NUMBER, CVC = "4111111111111111", "737"
NEXT_YEAR = timezone.localdate().year + 1
CARD_FIELDS = [
    "paymentMethod", "paymentProvider", "dummyPaymentCreditCard.cardType", "dummyPaymentCreditCard.cardNumber",
    "dummyPaymentCreditCard.nameOnCard", "dummyPaymentCreditCard.cardExpiresMonth",
    "dummyPaymentCreditCard.cardExpiresYear", "dummyPaymentCreditCard.cardSecurityCode",
]


def unsaved_method(plugin, name="method"):
    return PaymentMethod(provider=PaymentProvider(name="DummyPayment"), name=name, plugin=plugin)


def request_for(method, data, *, amount=61877, currency="EUR"):
    return PaymentRequest(method=method, amount=amount, currency=currency, reference="DE--3", data=data)


def card_payment(**card):
    fields = {"cardType": "visa", "cardNumber": NUMBER, "nameOnCard": "Spencor Hopkin",
              "cardExpiresMonth": "04", "cardExpiresYear": str(NEXT_YEAR), "cardSecurityCode": CVC}
    fields.update(card)
    return {"paymentMethodName": "credit card", "paymentProviderName": "DummyPayment",
            "dummyPaymentCreditCard": {key: value for key, value in fields.items() if value is not None}}


def invoice_payment(date_of_birth="08.04.1986"):
    return {"paymentMethodName": "Invoice", "paymentProviderName": "DummyPayment",
            "dummyPaymentInvoice": {"dateOfBirth": date_of_birth}}


@pytest.fixture
def methods(db):
    dummy = PaymentProvider.objects.create(name="DummyPayment")
    external = PaymentProvider.objects.create(name="DummyExternalPayment")
    manual = PaymentProvider.objects.create(name="Manual")
    names = ["paymentMethod", "paymentProvider"]
    return {
        "dummy_credit_card": PaymentMethod.objects.create(
            provider=dummy, name="credit card", plugin="dummy_credit_card", required_request_data=CARD_FIELDS),
        "dummy_invoice": PaymentMethod.objects.create(
            provider=dummy, name="invoice", plugin="dummy_invoice",
            required_request_data=[*names, "dummyPaymentInvoice.dateOfBirth"]),
        "external_redirect": PaymentMethod.objects.create(
            provider=external, name="redirect", plugin="external_redirect", required_request_data=names),
        "manual": PaymentMethod.objects.create(provider=manual, name="manual", plugin="manual",
                                               required_request_data=names),
    }


# The registry


@pytest.mark.parametrize("code", ["dummy_invoice", "dummy_credit_card", "external_redirect", "manual"])
def test_every_plugin_code_has_a_plugin(code):
    assert plugin_for(unsaved_method(code)).code == code


def test_a_method_with_an_unknown_plugin_is_an_invalid_payment_method():
    with pytest.raises(InvalidPaymentMethod) as caught:
        plugin_for(unsaved_method("bitcoin", name="coins"))
    assert (caught.value.code, caught.value.status) == ("1108", 422)
    assert caught.value.detail == 'Payment method "coins" of payment provider "DummyPayment" is invalid.'


# Dummy invoice


def test_invoice_accepts_the_date_of_birth_of_the_glue_samples():
    plugin_for(unsaved_method("dummy_invoice")).validate(request_for(unsaved_method("dummy_invoice"),
                                                                     invoice_payment("08.04.1986")))


def test_an_invoice_without_a_date_of_birth_is_valid_as_in_the_seed_documents():
    method = unsaved_method("dummy_invoice")
    plugin_for(method).validate(request_for(method, {"paymentMethodName": "invoice"}))
    plugin_for(method).validate(request_for(method, {"paymentMethodName": "invoice", "dummyPaymentInvoice": {}}))


@pytest.mark.parametrize("data", [
    pytest.param({"dummyPaymentInvoice": "08.04.1986"}, id="invoice-not-an-object"),
    pytest.param({"dummyPaymentInvoice": ["08.04.1986"]}, id="invoice-a-list"),
])
def test_invoice_data_that_is_not_an_object_points_at_the_object(data):
    method = unsaved_method("dummy_invoice")
    with pytest.raises(PaymentDataInvalid) as caught:
        plugin_for(method).validate(request_for(method, data))
    assert (caught.value.code, glue_pointer(caught.value.field)) == (
        "1101", "/data/attributes/payments/0/dummyPaymentInvoice")


def _in_days(days):
    return (timezone.localdate() + timezone.timedelta(days=days)).strftime("%d.%m.%Y")


@pytest.mark.parametrize("date_of_birth", [
    pytest.param("", id="empty"),
    pytest.param(19860408, id="a-number"),
    pytest.param("1986-04-08", id="iso-format"),
    pytest.param("8.4.1986", id="no-leading-zeros"),
    pytest.param("31.02.1986", id="not-a-date"),
    pytest.param("08.13.1986", id="month-13"),
    pytest.param("01.01.1850", id="too-old"),
    pytest.param(_in_days(0), id="today"),
    pytest.param(_in_days(1), id="tomorrow"),
])
def test_invoice_refuses_a_date_of_birth_that_is_not_a_past_dd_mm_yyyy_date(date_of_birth):
    method = unsaved_method("dummy_invoice")
    with pytest.raises(PaymentDataInvalid) as caught:
        plugin_for(method).validate(request_for(method, invoice_payment(date_of_birth)))
    assert (caught.value.code, caught.value.status, glue_pointer(caught.value.field)) == ("1101", 422, DOB_POINTER)


def test_invoice_is_authorized_at_once_and_keeps_nothing_personal():
    method = unsaved_method("dummy_invoice")
    authorization = plugin_for(method).authorize(request_for(method, invoice_payment(_in_days(-1))))

    assert authorization.status == "authorized"
    assert re.fullmatch(r"[0-9a-f]{32}", authorization.transaction_id)
    assert (authorization.redirect_url, authorization.card, dict(authorization.details)) == ("", None, {})
    assert "1986" not in repr(authorization)


def test_invoice_authorize_checks_the_data_first():
    method = unsaved_method("dummy_invoice")
    with pytest.raises(PaymentDataInvalid):
        plugin_for(method).authorize(request_for(method, invoice_payment("tomorrow")))


# Dummy credit card


def test_credit_card_is_authorized_with_only_brand_last_digits_expiry_name_and_the_providers_token():
    method = unsaved_method("dummy_credit_card")
    authorization = plugin_for(method).authorize(request_for(method, card_payment(cardNumber="4111 1111 1111 1111")))

    assert authorization.status == "authorized"
    assert re.fullmatch(r"[0-9a-f]{32}", authorization.transaction_id)
    assert dataclasses.replace(authorization.card, token="") == CardDetails(
        brand="visa", last_digits="1111", month=4, year=NEXT_YEAR, name="Spencor Hopkin")
    assert re.fullmatch(r"dummy-card-[0-9a-f]{32}", authorization.card.token)
    assert dict(authorization.details) == {}
    assert authorization.redirect_url == ""


@pytest.mark.parametrize("field", ["cardType", "cardNumber", "nameOnCard", "cardExpiresMonth", "cardExpiresYear",
                                   "cardSecurityCode"])
def test_credit_card_requires_every_field_of_the_glue_method(field):
    method = unsaved_method("dummy_credit_card")
    with pytest.raises(PaymentDataInvalid) as caught:
        plugin_for(method).validate(request_for(method, card_payment(**{field: None})))
    assert (caught.value.code, glue_pointer(caught.value.field)) == ("1101", f"{CARD_POINTER}/{field}")


@pytest.mark.parametrize(("card", "field"), [
    ({"cardNumber": "4111111111111112"}, "cardNumber"),
    ({"cardType": "amex"}, "cardType"),
    ({"cardExpiresMonth": "1", "cardExpiresYear": str(timezone.localdate().year - 1)}, "cardExpiresYear"),
    ({"cardSecurityCode": "12"}, "cardSecurityCode"),
])
def test_credit_card_validate_checks_the_card(card, field):
    method = unsaved_method("dummy_credit_card")
    with pytest.raises(PaymentDataInvalid) as caught:
        plugin_for(method).validate(request_for(method, card_payment(**card)))
    assert glue_pointer(caught.value.field) == f"{CARD_POINTER}/{field}"


def test_credit_card_without_a_card_object_is_authorized_without_a_card_as_seed_002_checks_out():
    method = unsaved_method("dummy_credit_card")
    authorization = plugin_for(method).authorize(request_for(method, {"paymentMethodName": "credit card"}))
    assert authorization.status == "authorized" and authorization.transaction_id
    assert authorization.card is None


@pytest.mark.parametrize("card", [None, "4111111111111111", [], {}])
def test_credit_card_with_a_card_object_that_is_not_a_whole_card_points_at_it(card):
    method = unsaved_method("dummy_credit_card")
    with pytest.raises(PaymentDataInvalid) as caught:
        plugin_for(method).validate(request_for(method, {"dummyPaymentCreditCard": card}))
    assert glue_pointer(caught.value.field).startswith(CARD_POINTER)


@pytest.mark.parametrize("number", [DECLINED_TEST_NUMBER, "4000 0000 0000 0002", "4000-0000-0000-0002"])
def test_the_declining_test_card_is_declined_without_quoting_it(number, caplog):
    caplog.set_level(logging.DEBUG)
    method = unsaved_method("dummy_credit_card")
    request = request_for(method, card_payment(cardNumber=number))
    plugin_for(method).validate(request)  # a valid card: the provider declines it

    with pytest.raises(PaymentDeclined) as caught:
        plugin_for(method).authorize(request)

    error = caught.value
    assert (error.code, error.status) == ("payment_declined", 402)
    for shown in (str(error), repr(error), repr(error.meta), caplog.text):
        assert DECLINED_TEST_NUMBER not in shown.replace(" ", "").replace("-", "")
        assert CVC not in shown


@pytest.mark.parametrize(("number", "declined"), [(NUMBER, False), (DECLINED_TEST_NUMBER, True)])
def test_a_card_kept_for_later_is_charged_by_its_token_and_the_declining_test_card_declines_then(number, declined):
    method = unsaved_method("dummy_credit_card")
    plugin = plugin_for(method)
    kept = plugin.card_store(card_payment(cardNumber=number)["dummyPaymentCreditCard"], field=("payments", 0, "card"))
    assert number not in kept.token and kept.last_digits == number[-4:]
    card = CreditCard(brand=kept.brand, last_digits=kept.last_digits, month=kept.month, year=kept.year,
                      name=kept.name, provider_token=kept.token)
    request = request_for(method, {"paymentMethodName": "credit card", "paymentProviderName": "DummyPayment",
                                   **credit_card_payment_data(card)})
    plugin.validate(request)

    if declined:
        with pytest.raises(PaymentDeclined):
            plugin.authorize(request)
    else:
        assert plugin.authorize(request).card == kept


# External redirect


def _hmac(secret, message):
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_redirect_payment_sends_the_customer_to_the_provider_with_a_signed_url(settings):
    settings.PAYMENT_REDIRECT_URL = "https://psp.example.org/checkout/pay"
    settings.PAYMENT_REDIRECT_SECRET = "s3cret"
    method = unsaved_method("external_redirect")

    authorization = plugin_for(method).authorize(request_for(method, {}, amount=61877, currency="EUR"))

    assert authorization.status == "redirect"
    assert (authorization.card, dict(authorization.details)) == (None, {})
    url = urlsplit(authorization.redirect_url)
    assert (url.scheme, url.netloc, url.path) == ("https", "psp.example.org", "/checkout/pay")
    query = parse_qs(url.query, strict_parsing=True)
    transaction_id = authorization.transaction_id
    assert re.fullmatch(r"[0-9a-f]{32}", transaction_id)
    assert query == {
        "payment": [transaction_id], "amount": ["61877"], "currency": ["EUR"],
        "signature": [_hmac("s3cret", f"{transaction_id}:61877:EUR")],
    }


def test_redirect_url_keeps_the_query_the_setting_has(settings):
    settings.PAYMENT_REDIRECT_URL = "https://psp.example.org/pay?shop=demo"
    method = unsaved_method("external_redirect")
    authorization = plugin_for(method).authorize(request_for(method, {}))
    query = parse_qs(urlsplit(authorization.redirect_url).query)
    assert query["shop"] == ["demo"] and query["payment"] == [authorization.transaction_id]


def test_redirect_defaults_to_the_example_provider():
    from django.conf import settings

    assert settings.PAYMENT_REDIRECT_URL == "https://payments.example.com/pay"
    assert settings.PAYMENT_REDIRECT_SECRET


def test_redirect_confirmation_hash_is_the_hmac_of_the_confirmed_transaction(settings):
    settings.PAYMENT_REDIRECT_SECRET = "s3cret"
    assert redirect_confirmation_hash("abc") == _hmac("s3cret", "abc:confirmed")


@pytest.mark.parametrize("hash_case", [str.lower, str.upper])
def test_a_signed_confirmation_captures_the_redirect_payment(hash_case):
    transaction_id = uuid.uuid4().hex
    payload = [{"type": "payment-confirmation", "hash": hash_case(redirect_confirmation_hash(transaction_id))}]

    authorization = plugin_for(unsaved_method("external_redirect")).complete_redirect(
        transaction_id=transaction_id, payload=payload)

    assert authorization == Authorization(status="captured", transaction_id=transaction_id)
    assert complete_redirect(transaction_id=transaction_id, payload=payload) == authorization


def _tampered_payload(transaction_id):
    signed = redirect_confirmation_hash(transaction_id)
    return [{"type": "payment-confirmation", "hash": signed[:-1] + ("1" if signed.endswith("0") else "0")}]


def _other_payload(transaction_id):
    return [{"type": "payment-confirmation", "hash": redirect_confirmation_hash(uuid.uuid4().hex)}]


@pytest.mark.parametrize("make_payload", [
    pytest.param(_tampered_payload, id="tampered-hash"),
    pytest.param(_other_payload, id="hash-of-another-payment"),
    pytest.param(lambda t: [{"type": "payment-confirmation", "hash": _hmac("wrong-secret", f"{t}:confirmed")}],
                 id="signed-with-another-secret"),
    pytest.param(lambda t: [{"type": "payment-confirmation", "hash": ""}], id="empty-hash"),
    pytest.param(lambda t: [{"type": "payment-confirmation"}], id="no-hash"),
    pytest.param(lambda t: [{"type": "payment-confirmation", "hash": 42}], id="hash-not-text"),
    pytest.param(lambda t: [{"type": "payment-confirmation", "hash": "ünïcode"}], id="hash-not-ascii"),
    pytest.param(lambda t: [{"type": "payment-refusal", "hash": redirect_confirmation_hash(t)}], id="other-type"),
    pytest.param(lambda t: [{"hash": redirect_confirmation_hash(t)}], id="no-type"),
    pytest.param(lambda t: [], id="empty-payload"),
    pytest.param(lambda t: None, id="no-payload"),
    pytest.param(lambda t: {"type": "payment-confirmation", "hash": redirect_confirmation_hash(t)}, id="not-a-list"),
    pytest.param(lambda t: [redirect_confirmation_hash(t)], id="items-not-objects"),
])
def test_a_confirmation_that_is_missing_tampered_or_of_another_type_is_refused(make_payload):
    transaction_id = uuid.uuid4().hex
    with pytest.raises(PaymentConfirmationInvalid) as caught:
        complete_redirect(transaction_id=transaction_id, payload=make_payload(transaction_id))
    assert (caught.value.code, caught.value.status) == ("payment_confirmation_invalid", 422)


def test_a_confirmation_without_a_transaction_is_refused():
    with pytest.raises(PaymentConfirmationInvalid):
        complete_redirect(transaction_id="", payload=[{"type": "payment-confirmation",
                                                       "hash": redirect_confirmation_hash("")}])


# Manual


def test_manual_payment_is_authorized_offline():
    method = unsaved_method("manual")
    plugin_for(method).validate(request_for(method, {}))
    authorization = plugin_for(method).authorize(request_for(method, {}))
    assert authorization.status == "authorized" and re.fullmatch(r"[0-9a-f]{32}", authorization.transaction_id)


@pytest.mark.parametrize("code", ["dummy_invoice", "dummy_credit_card", "external_redirect", "manual"])
def test_provider_side_capture_void_and_refund_succeed_silently(code):
    plugin = plugin_for(unsaved_method(code))
    assert plugin.capture(transaction_id="t1", amount=100, currency="EUR") is None
    assert plugin.void(transaction_id="t1") is None
    assert plugin.refund(transaction_id="t1", amount=100, currency="EUR") is None


def test_a_payment_request_is_frozen_and_checks_its_amount():
    request = request_for(unsaved_method("manual"), {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.amount = 1
    for amount in (-1, 1.5, "100", True):
        with pytest.raises(ValueError):
            request_for(unsaved_method("manual"), {}, amount=amount)


# The attempt journal


@pytest.fixture
def order(db):
    return Order.objects.create(store=Store.objects.create(code="DE", name="Germany", default_currency="EUR"),
                                currency="EUR")


def _attempt(method, amount=61877):
    return payment_attempt_start(method=method, amount=amount, currency="EUR", idempotency_key="key-1",
                                 cart_uuid=uuid.UUID("fe6969e9-09aa-5183-b911-0a9218ed21bb"))


def _stored(attempt):
    return PaymentAttempt.objects.get(pk=attempt.pk)


def test_starting_an_attempt_journals_it_before_the_provider_is_called(methods):
    attempt = _attempt(methods["dummy_credit_card"])

    stored = _stored(attempt)
    assert (stored.status, stored.transaction_id, stored.order, stored.amount, stored.currency) == (
        Status.STARTED, "", None, 61877, "EUR")
    assert (stored.idempotency_key, str(stored.cart_uuid)) == ("key-1", "fe6969e9-09aa-5183-b911-0a9218ed21bb")


def test_starting_an_attempt_inside_a_transaction_is_refused(methods):
    with pytest.raises(RuntimeError), transaction.atomic():
        _attempt(methods["manual"])
    assert not PaymentAttempt.objects.exists()


@pytest.mark.parametrize(("plugin", "data", "status"), [
    ("dummy_credit_card", card_payment(), Status.AUTHORIZED),
    ("dummy_invoice", invoice_payment(), Status.AUTHORIZED),
    ("external_redirect", {}, Status.REDIRECT),
    ("manual", {}, Status.AUTHORIZED),
])
def test_authorizing_an_attempt_records_the_outcome_and_the_transaction(methods, plugin, data, status):
    method = methods[plugin]
    attempt = _attempt(method)

    authorization = payment_attempt_authorize(attempt=attempt, request=request_for(method, data))

    stored = _stored(attempt)
    assert (stored.status, stored.transaction_id) == (status, authorization.transaction_id)
    assert (attempt.status, attempt.transaction_id) == (status, authorization.transaction_id)


def test_a_declined_attempt_is_recorded_and_the_decline_re_raised(methods):
    method = methods["dummy_credit_card"]
    attempt = _attempt(method)

    with pytest.raises(PaymentDeclined):
        payment_attempt_authorize(attempt=attempt, request=request_for(method, card_payment(
            cardNumber=DECLINED_TEST_NUMBER)))

    assert (_stored(attempt).status, _stored(attempt).transaction_id) == (Status.DECLINED, "")


def test_an_attempt_whose_data_the_plugin_refuses_is_recorded_as_declined(methods):
    method = methods["dummy_invoice"]
    attempt = _attempt(method)
    with pytest.raises(PaymentDataInvalid):
        payment_attempt_authorize(attempt=attempt, request=request_for(method, invoice_payment("31.02.1986")))
    assert _stored(attempt).status == Status.DECLINED


def test_a_provider_failure_leaves_the_attempt_started_for_reconciliation(methods, monkeypatch):
    method = methods["manual"]
    attempt = _attempt(method)

    def unreachable(request):
        raise ConnectionError("provider down")

    monkeypatch.setattr(plugin_for(method), "authorize", unreachable)
    with pytest.raises(ConnectionError):
        payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))
    assert _stored(attempt).status == Status.STARTED


@pytest.mark.parametrize("change", [{"amount": 1}, {"currency": "USD"}])
def test_an_attempt_is_authorized_only_for_what_it_journalled(methods, change):
    method = methods["manual"]
    attempt = _attempt(method)
    request = dataclasses.replace(request_for(method, {}), **change)
    with pytest.raises(ValueError):
        payment_attempt_authorize(attempt=attempt, request=request)
    assert _stored(attempt).status == Status.STARTED


def test_an_attempt_is_authorized_only_through_its_method(methods):
    attempt = _attempt(methods["manual"])
    with pytest.raises(ValueError):
        payment_attempt_authorize(attempt=attempt, request=request_for(methods["external_redirect"], {}))


@pytest.fixture
def void_calls(monkeypatch, methods):
    calls = []
    for method in methods.values():
        plugin = plugin_for(method)
        monkeypatch.setattr(plugin, "void", lambda *, transaction_id, code=plugin.code: calls.append(
            (code, transaction_id)))
    return calls


@pytest.mark.parametrize("plugin", ["dummy_credit_card", "external_redirect"])
def test_voiding_an_authorized_attempt_voids_it_at_the_provider(methods, void_calls, plugin):
    method = methods[plugin]
    attempt = _attempt(method)
    data = card_payment() if plugin == "dummy_credit_card" else {}
    authorization = payment_attempt_authorize(attempt=attempt, request=request_for(method, data))

    payment_attempt_void(attempt=attempt)

    assert void_calls == [(plugin, authorization.transaction_id)]
    assert _stored(attempt).status == Status.VOIDED
    payment_attempt_void(attempt=attempt)  # again: nothing more
    assert len(void_calls) == 1


def test_voiding_a_started_attempt_asks_the_provider_nothing(methods, void_calls):
    attempt = _attempt(methods["manual"])
    payment_attempt_void(attempt=attempt)
    assert void_calls == [] and _stored(attempt).status == Status.VOIDED


def test_voiding_a_declined_attempt_leaves_it_declined(methods, void_calls):
    method = methods["dummy_credit_card"]
    attempt = _attempt(method)
    with pytest.raises(PaymentDeclined):
        payment_attempt_authorize(attempt=attempt, request=request_for(method, card_payment(
            cardNumber=DECLINED_TEST_NUMBER)))
    payment_attempt_void(attempt=attempt)
    assert void_calls == [] and _stored(attempt).status == Status.DECLINED


def test_attaching_an_authorized_attempt_to_its_order(methods, order):
    method = methods["manual"]
    attempt = _attempt(method)
    payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))

    with transaction.atomic():
        payment_attempt_attach(attempt=attempt, order=order)
        payment_attempt_attach(attempt=attempt, order=order)  # idempotent

    stored = _stored(attempt)
    assert (stored.status, stored.order) == (Status.ATTACHED, order)
    assert (attempt.status, attempt.order) == (Status.ATTACHED, order)
    assert list(order.payment_attempts.all()) == [stored]


def test_an_attached_attempt_is_not_voided_as_an_orphan(methods, order, void_calls):
    method = methods["manual"]
    attempt = _attempt(method)
    payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))
    payment_attempt_attach(attempt=attempt, order=order)

    with pytest.raises(PaymentAttemptNotAttachable):
        payment_attempt_void(attempt=attempt)
    assert void_calls == [] and _stored(attempt).status == Status.ATTACHED


def test_an_attempt_voided_meanwhile_cannot_be_attached(methods, order):
    method = methods["manual"]
    attempt = _attempt(method)
    payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))
    stale = PaymentAttempt.objects.get(pk=attempt.pk)
    payment_attempt_void(attempt=attempt)

    with pytest.raises(PaymentAttemptNotAttachable) as caught:
        payment_attempt_attach(attempt=stale, order=order)

    assert caught.value.status == 409
    assert (_stored(attempt).status, _stored(attempt).order) == (Status.VOIDED, None)


def test_an_attempt_attached_to_one_order_cannot_be_attached_to_another(methods, order):
    method = methods["manual"]
    attempt = _attempt(method)
    payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))
    payment_attempt_attach(attempt=attempt, order=order)
    other = Order.objects.create(store=order.store, currency="EUR")

    with pytest.raises(PaymentAttemptNotAttachable):
        payment_attempt_attach(attempt=attempt, order=other)
    assert _stored(attempt).order == order


def test_deleting_the_order_keeps_the_journal(methods, order):
    method = methods["manual"]
    attempt = _attempt(method)
    payment_attempt_authorize(attempt=attempt, request=request_for(method, {}))
    payment_attempt_attach(attempt=attempt, order=order)
    Order.objects.filter(pk=order.pk).delete()
    assert _stored(attempt).order is None


# No card number or security code anywhere


def test_a_card_payment_leaves_no_number_or_security_code_anywhere(methods, caplog):
    caplog.set_level(logging.DEBUG)
    method = methods["dummy_credit_card"]
    data = card_payment(cardNumber="4111-1111-1111-1111", cardSecurityCode=CVC)
    request = request_for(method, data)

    attempt = _attempt(method)
    authorization = payment_attempt_authorize(attempt=attempt, request=request)
    payment_attempt_void(attempt=attempt)

    stored = _stored(attempt)
    shown = [
        repr(request), str(request), repr(authorization), repr(authorization.card), repr(dict(authorization.details)),
        repr(attempt), str(attempt), repr(model_to_dict(stored)),
        repr(list(PaymentAttempt.objects.values_list())), caplog.text,
    ]
    for text in shown:
        digits = re.sub(r"[\s\-]", "", text)
        assert NUMBER not in digits
        assert f"'{CVC}'" not in text and f"={CVC}" not in text and f" {CVC} " not in text
    assert authorization.card.last_digits == "1111"
    assert caplog.records, "the provider call is logged (without the card)"
