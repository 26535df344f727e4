"""The rules a checkout's payment objects must follow, checked before anything is written.

Glue sends ``payments`` as a list of objects such as
``{"paymentProviderName": "DummyPayment", "paymentMethodName": "Invoice",
"dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}``. Exactly one is allowed; its
method must exist (names in any case), invoice is refused for a cart holding a gift
card, every field the method lists in ``required_request_data`` must be there, and the
method's plugin must accept the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from payments.exceptions import (
    FIRST_PAYMENT,
    PAYMENTS,
    InvoiceNotAllowedForGiftCards,
    MultiplePaymentsNotAllowed,
    PaymentDataInvalid,
)
from payments.models import PaymentMethod
from payments.models import PaymentPlugin as PluginCode
from payments.providers.base import PaymentRequest
from payments.providers.registry import plugin_for
from payments.selectors import payment_method_resolve

PROVIDER_NAME, METHOD_NAME = "paymentProviderName", "paymentMethodName"
NAME_KEYS = {PROVIDER_NAME: "provider_name", METHOD_NAME: "method_name"}  # the shop's name for each key
# Names in required_request_data that the method's and provider's names satisfy.
NAME_FIELDS = {"paymentMethod": METHOD_NAME, "paymentProvider": PROVIDER_NAME}


def payment_requests_check(*, payments: list[Mapping[str, Any]], has_gift_card: bool) -> PaymentMethod:
    """Check a checkout's payment objects and return the one payment method they choose.

    Raises PaymentDataInvalid (1101) with the field path of the offending input,
    MultiplePaymentsNotAllowed (1107), InvalidPaymentMethod (1108) or
    InvoiceNotAllowedForGiftCards. Reads only.
    """
    if not isinstance(payments, list | tuple) or not payments:
        raise PaymentDataInvalid("Choose one payment method.", field=PAYMENTS, meta={"field": "payments"})
    if len(payments) > 1:
        raise MultiplePaymentsNotAllowed()
    payment = payments[0]
    if not isinstance(payment, Mapping):
        raise PaymentDataInvalid("A payment must be an object.", field=FIRST_PAYMENT)
    for key in (PROVIDER_NAME, METHOD_NAME):
        if not isinstance(payment.get(key), str) or not payment[key]:
            raise PaymentDataInvalid(f"The payment {NAME_KEYS[key].replace('_', ' ')} is required.",
                                     field=(*FIRST_PAYMENT, NAME_KEYS[key]),
                                     meta={"field": key})

    method = payment_method_resolve(provider_name=payment[PROVIDER_NAME], method_name=payment[METHOD_NAME])
    if has_gift_card and method.plugin == PluginCode.DUMMY_INVOICE:
        raise InvoiceNotAllowedForGiftCards()
    # ``required_request_data`` is what /checkout-data advertises; what a method cannot do
    # without is its plugin's to say (the seed documents check out an invoice without a
    # date of birth, while a card cannot be charged without its number).
    # validate reads only the method and the data: the amount is not known yet and not needed.
    plugin_for(method).validate(PaymentRequest(method=method, amount=0, currency="", reference="", data=payment))
    return method


def _is_present(data: Mapping[str, Any], dotted_path: str) -> bool:
    value: Any = data
    for key in dotted_path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return False
        value = value[key]
    return value not in (None, "", [], {})
