"""Pure card checks (payments/cards.py): Luhn, brands, expiry, security code, card type."""

from api.glue.errors import glue_pointer
import datetime

import pytest

from api.spree.cards import card_data_from_spree_source
from payments.cards import card_brand, luhn_valid, parse_card
from payments.exceptions import PaymentDataInvalid
from payments.providers.base import CardDetails

TODAY = datetime.date(2030, 6, 15)
POINTER = "/data/attributes/payments/0/dummyPaymentCreditCard"
CARD = ("payments", 0, "card")
VISA = "4111111111111111"


def card(**overrides):
    data = {
        "cardType": "visa", "cardNumber": VISA, "nameOnCard": "Spencor Hopkin",
        "cardExpiresMonth": "01", "cardExpiresYear": "2032", "cardSecurityCode": "123",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(("number", "is_valid"), [
    ("4111111111111111", True),
    ("4111 1111 1111 1111", True),
    ("4111-1111-1111-1111", True),
    ("378282246310005", True),
    ("0", True),  # Luhn alone says nothing about length
    ("4111111111111112", False),
    ("1234567812345678", False),
    ("", False),
    ("4111x11111111111", False),
    ("４１１１１１１１１１１１１１１１", False),  # full-width digits are not digits here
])
def test_luhn(number, is_valid):
    assert luhn_valid(number) is is_valid


@pytest.mark.parametrize(("number", "brand"), [
    ("4111111111111111", "visa"),
    ("4222222222222", "visa"),
    ("5555555555554444", "mastercard"),
    ("2223003122003222", "mastercard"),
    ("378282246310005", "amex"),
    ("371449635398431", "amex"),
    ("6011111111111117", "discover"),
    ("6500000000000002", "discover"),
    ("3530111333300000", "jcb"),
    ("30569309025904", "diners"),
    ("6759649826438453", "maestro"),
    ("5018000000000009", "maestro"),
    ("3782 822463 10005", "amex"),
    ("411111111111111", ""),  # visa prefix, wrong length
    ("9111111111111111", ""),
    ("", ""),
])
def test_card_brand(number, brand):
    assert card_brand(number) == brand


def test_parse_card_keeps_only_brand_last_digits_expiry_and_name():
    details = parse_card(card(cardNumber="4111 1111-1111 1111", nameOnCard="  Spencor Hopkin "), today=TODAY)

    assert details == CardDetails(brand="visa", last_digits="1111", month=1, year=2032, name="Spencor Hopkin")
    assert "4111" not in repr(details).replace("last_digits='1111'", "")


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"cardExpiresMonth": 6, "cardExpiresYear": 2030}, (6, 2030)),  # expires at the end of this month
    ({"cardExpiresMonth": "12", "cardExpiresYear": "31"}, (12, 2031)),  # two-digit year
    ({"cardExpiresMonth": "1", "cardExpiresYear": 2050}, (1, 2050)),
])
def test_parse_card_reads_expiry_as_numbers_or_digits(overrides, expected):
    details = parse_card(card(**overrides), today=TODAY)
    assert (details.month, details.year) == expected


@pytest.mark.parametrize(("number", "card_type", "code"), [
    ("4111111111111111", "Visa", "123"),
    ("5555555555554444", "MasterCard", "123"),
    ("5555555555554444", "master", "123"),
    ("378282246310005", "American Express", "1234"),
    ("378282246310005", "amex", "1234"),
    ("6011111111111117", "discover", "123"),
    ("6759649826438453", "maestro", "123"),
    ("3530111333300000", "JCB", "123"),
    ("30569309025904", "diners_club", "123"),
])
def test_parse_card_accepts_card_types_in_any_spelling(number, card_type, code):
    details = parse_card(card(cardNumber=number, cardType=card_type, cardSecurityCode=code), today=TODAY)
    assert details.last_digits == number[-4:]


def test_parse_card_without_card_type_takes_the_brand_from_the_number():
    assert parse_card(card(cardType=None, cardNumber="5555555555554444"), today=TODAY).brand == "mastercard"


INVALID = [
    # (id, overrides, field the pointer names)
    ("number-missing", {"cardNumber": None}, "cardNumber"),
    ("number-empty", {"cardNumber": ""}, "cardNumber"),
    ("number-letters", {"cardNumber": "4111-1111-abcd-1111"}, "cardNumber"),
    ("number-not-text", {"cardNumber": ["4111111111111111"]}, "cardNumber"),
    ("number-too-short", {"cardNumber": "42424242424"}, "cardNumber"),
    ("number-too-long", {"cardNumber": "41111111111111111111"}, "cardNumber"),
    ("number-luhn", {"cardNumber": "4111111111111112"}, "cardNumber"),
    ("type-unknown", {"cardType": "bitcoin"}, "cardType"),
    ("type-not-text", {"cardType": 4}, "cardType"),
    ("type-mismatch-visa-vs-mastercard", {"cardType": "mastercard"}, "cardType"),
    ("type-mismatch-amex-number", {"cardNumber": "378282246310005", "cardSecurityCode": "1234"}, "cardType"),
    ("type-for-unknown-brand", {"cardNumber": "9111111111111110"}, "cardType"),
    ("month-missing", {"cardExpiresMonth": None}, "cardExpiresMonth"),
    ("month-zero", {"cardExpiresMonth": "0"}, "cardExpiresMonth"),
    ("month-13", {"cardExpiresMonth": 13}, "cardExpiresMonth"),
    ("month-letters", {"cardExpiresMonth": "Jan"}, "cardExpiresMonth"),
    ("month-bool", {"cardExpiresMonth": True}, "cardExpiresMonth"),
    ("year-missing", {"cardExpiresYear": None}, "cardExpiresYear"),
    ("year-letters", {"cardExpiresYear": "20x2"}, "cardExpiresYear"),
    ("expired-last-year", {"cardExpiresMonth": 12, "cardExpiresYear": 2029}, "cardExpiresYear"),
    ("expired-last-month", {"cardExpiresMonth": 5, "cardExpiresYear": 2030}, "cardExpiresMonth"),
    ("year-far-future", {"cardExpiresYear": 2051}, "cardExpiresYear"),
    ("cvc-missing", {"cardSecurityCode": None}, "cardSecurityCode"),
    ("cvc-letters", {"cardSecurityCode": "12a"}, "cardSecurityCode"),
    ("cvc-too-short", {"cardSecurityCode": "12"}, "cardSecurityCode"),
    ("cvc-four-for-visa", {"cardSecurityCode": "1234"}, "cardSecurityCode"),
    ("cvc-three-for-amex",
     {"cardNumber": "378282246310005", "cardType": "amex", "cardSecurityCode": "123"}, "cardSecurityCode"),
    ("cvc-five", {"cardType": None, "cardNumber": "9111111111111110", "cardSecurityCode": "12345"},
     "cardSecurityCode"),
    ("name-not-text", {"nameOnCard": {"first": "Spencor"}}, "nameOnCard"),
    ("name-too-long", {"nameOnCard": "x" * 256}, "nameOnCard"),
]


@pytest.mark.parametrize(("overrides", "field"), [pytest.param(o, f, id=i) for i, o, f in INVALID])
def test_parse_card_refuses_with_a_pointer_to_the_field(overrides, field):
    data = card(**overrides)
    with pytest.raises(PaymentDataInvalid) as caught:
        parse_card(data, field=CARD, today=TODAY)

    error = caught.value
    assert (error.code, error.status, glue_pointer(error.field)) == ("1101", 422, f"{POINTER}/{field}")
    assert error.meta == {"field": field}
    # Neither the number nor the security code is quoted, nor kept in a chained exception.
    shown = f"{error} {error!r} {error.detail} {error.meta}"
    for secret in (data.get("cardNumber"), data.get("cardSecurityCode")):
        if isinstance(secret, str) and len(secret) > 2:
            assert secret not in shown
    assert error.__context__ is None and error.__cause__ is None


def test_parse_card_refuses_what_is_not_an_object():
    with pytest.raises(PaymentDataInvalid) as caught:
        parse_card(["4111111111111111"], field=CARD, today=TODAY)
    assert glue_pointer(caught.value.field) == POINTER


def test_parse_card_instance_pointer_leaves_the_class_default_alone():
    with pytest.raises(PaymentDataInvalid):
        parse_card(card(cardNumber="1"), field=CARD, today=TODAY)
    assert glue_pointer(PaymentDataInvalid.field) == "/data/attributes/payments"
    assert glue_pointer(PaymentDataInvalid().field) == "/data/attributes/payments"


def test_parse_card_checks_expiry_against_today_by_default():
    today = datetime.date.today()
    with pytest.raises(PaymentDataInvalid):
        parse_card(card(cardExpiresMonth=1, cardExpiresYear=today.year - 1))
    assert parse_card(card(cardExpiresMonth=12, cardExpiresYear=today.year)).year == today.year


def test_a_spree_payment_source_reads_as_a_card_with_its_type_from_the_number():
    source = {"number": "4111111111111111", "month": "1", "year": "2032", "verification_value": "123",
              "name": "John Smith", "ignored": "x"}

    data = card_data_from_spree_source(source)

    assert data == {"cardNumber": "4111111111111111", "cardExpiresMonth": "1", "cardExpiresYear": "2032",
                    "cardSecurityCode": "123", "nameOnCard": "John Smith", "cardType": "visa"}
    assert parse_card(data, today=TODAY) == CardDetails("visa", "1111", 1, 2032, "John Smith")


def test_a_spree_payment_source_keeps_the_card_type_it_sends():
    assert card_data_from_spree_source({"number": "4111111111111111", "cc_type": "master"})["cardType"] == "master"


@pytest.mark.parametrize("code", ["123", "1234"])
def test_a_card_of_no_known_brand_without_a_card_type_is_kept_brandless(code):
    details = parse_card(card(cardType=None, cardNumber="9111111111111110", cardSecurityCode=code), today=TODAY)
    assert (details.brand, details.last_digits) == ("", "1110")
