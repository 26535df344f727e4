"""Customer and address-book services: registration, profile, password, addresses and their defaults.

Each refusal is checked for its code and for leaving the database as it was.
"""

from api.glue.errors import glue_pointer
import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from customers.exceptions import (
    AddressNotFound,
    CustomerAlreadyExists,
    CustomerFieldInvalid,
    CustomerNotFound,
    PasswordInvalid,
    PasswordsDoNotMatch,
    TermsNotAccepted,
)
from customers.models import Address, Customer
from customers.selectors import address_get, customer_own
from customers.services import (
    address_create,
    address_delete,
    address_update,
    customer_change_password,
    customer_register,
    customer_update,
)
from tests.factories import AddressFactory, CountryFactory, CustomerFactory, RegionFactory
from tests.races import postgres_only, run_together

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-long-one-42"
BERLIN = {"salutation": "Mr", "first_name": "Spencor", "last_name": "Hopkin", "address1": "Julie-Wolfthorn-Straße",
          "address2": "1", "zip_code": "10115", "city": "Berlin", "iso2_code": "DE"}


def register(**changes) -> Customer:
    values = {"email": "ada@example.com", "password": PASSWORD, "confirm_password": PASSWORD,
              "accepted_terms": True, "first_name": "Ada", "last_name": "Lovelace", **changes}
    return customer_register(**values)


def defaults(customer) -> tuple[list, list]:
    rows = list(Address.objects.filter(customer=customer).order_by("id"))
    return [a.pk for a in rows if a.is_default_billing], [a.pk for a in rows if a.is_default_shipping]


def test_register_creates_the_user_and_the_customer_together():
    customer = register(gender="Female", salutation="Mrs")
    user = customer.user
    assert (user.username, user.email, user.first_name) == ("ada@example.com", "ada@example.com", "Ada")
    assert user.check_password(PASSWORD) and PASSWORD not in user.password
    assert (customer.email, customer.gender, customer.salutation, customer.is_guest) == (
        "ada@example.com", "Female", "Mrs", False)


@pytest.mark.parametrize(("changes", "error"), [
    ({"accepted_terms": False}, TermsNotAccepted),
    ({"confirm_password": "another-long-one-42"}, PasswordsDoNotMatch),
    ({"email": "ADA@example.com"}, CustomerAlreadyExists),
])
def test_register_refusals_leave_nothing_behind(changes, error):
    register()
    users = get_user_model().objects.count()
    with pytest.raises(error):
        register(**changes)
    assert get_user_model().objects.count() == users and Customer.objects.count() == 1


def test_a_guest_with_the_same_email_does_not_block_registration():
    CustomerFactory(guest=True, email="ada@example.com")
    assert register().email == "ada@example.com"


def postgres_race(test):
    for mark in postgres_only:
        test = mark(test)
    return test


@postgres_race
def test_two_registrations_with_one_email_at_once_make_one_customer():
    results = run_together([register, register])
    assert sorted(type(r).__name__ for r in results) == ["Customer", "CustomerAlreadyExists"]
    assert Customer.objects.filter(email__iexact="ada@example.com").count() == 1
    assert get_user_model().objects.filter(username__iexact="ada@example.com").count() == 1


def test_update_changes_the_login_with_the_email():
    customer = register()
    customer_update(customer=customer, changes={"email": "countess@example.com", "last_name": "King"})
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.email, customer.last_name) == ("countess@example.com", "King")
    assert (customer.user.username, customer.user.last_name) == ("countess@example.com", "King")


def test_a_wrong_current_password_changes_nothing_at_all():
    customer = register()
    with pytest.raises(PasswordInvalid):
        customer_update(customer=customer, changes={"first_name": "Augusta"}, password_change={
            "password": "wrong", "new_password": "a-new-long-one-42", "confirm_password": "a-new-long-one-42"},
            request=RequestFactory().patch("/customers/DE--1"))
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert customer.first_name == "Ada" and customer.user.check_password(PASSWORD)


def test_change_password():
    customer = register()
    customer_change_password(customer=customer, password=PASSWORD, new_password="a-new-long-one-42",
                             confirm_password="a-new-long-one-42", request=RequestFactory().patch("/customer-password"))
    customer.user.refresh_from_db()
    assert customer.user.check_password("a-new-long-one-42")


def test_customer_own_refuses_other_references_alike():
    mine, other = CustomerFactory(), CustomerFactory()
    assert customer_own(caller=mine, reference=mine.reference) == mine
    for reference in (other.reference, "CU--NOPE"):
        with pytest.raises(CustomerNotFound):
            customer_own(caller=mine, reference=reference)


# --- addresses ------------------------------------------------------------------------------


def test_the_first_address_is_both_defaults_whatever_it_says():
    customer = CustomerFactory()
    CountryFactory()
    address = address_create(customer=customer, fields=BERLIN, is_default_billing=False, is_default_shipping=False)
    assert defaults(customer) == ([address.pk], [address.pk])


def test_a_new_default_unsets_the_old_one():
    customer = CustomerFactory()
    old = AddressFactory(customer=customer, is_default_billing=True, is_default_shipping=True)
    new = address_create(customer=customer, fields=BERLIN, is_default_billing=True, is_default_shipping=False)
    assert defaults(customer) == ([new.pk], [old.pk])
    address_update(address=old, fields={}, is_default_billing=True)
    assert defaults(customer) == ([old.pk], [old.pk])


def test_postal_rules_and_regions_come_from_the_country():
    customer = CustomerFactory()
    CountryFactory()
    us = CountryFactory(us=True)
    maryland = RegionFactory(country=us, iso2_code="MD")
    with pytest.raises(CustomerFieldInvalid) as refused:
        address_create(customer=customer, fields={**BERLIN, "zip_code": "1011"})
    assert glue_pointer(refused.value.field) == "/data/attributes/zipCode"
    with pytest.raises(CustomerFieldInvalid) as refused:
        address_create(customer=customer, fields={**BERLIN, "iso2_code": "US", "zip_code": "20814"})
    assert glue_pointer(refused.value.field) == "/data/attributes/region"
    assert not Address.objects.exists()
    address = address_create(customer=customer, fields={**BERLIN, "iso2_code": "us", "zip_code": "20814",
                                                         "region_code": "md"})
    assert (address.country, address.region) == (us, maryland)
    moved = address_update(address=address, fields={"iso2_code": "DE", "zip_code": "10115"})
    assert moved.region is None  # a region stays with its country


def test_update_refuses_to_empty_a_required_field():
    address = AddressFactory(address2="1", salutation="Mr")
    with pytest.raises(CustomerFieldInvalid) as refused:
        address_update(address=address, fields={"city": "  "})
    assert glue_pointer(refused.value.field) == "/data/attributes/city"
    address.refresh_from_db()
    assert address.city == "Berlin"


def test_address_get_finds_only_the_customers_own():
    mine, theirs = AddressFactory(), AddressFactory()
    assert address_get(customer=mine.customer, uuid=str(mine.uuid)) == mine
    for uuid in (str(theirs.uuid), "nope", ""):
        with pytest.raises(AddressNotFound):
            address_get(customer=mine.customer, uuid=uuid)


def test_delete():
    address = AddressFactory()
    address_delete(address=address)
    assert not Address.objects.filter(pk=address.pk).exists()


@postgres_race
def test_two_new_default_addresses_at_once_leave_exactly_one_default():
    customer = CustomerFactory()
    CountryFactory()
    AddressFactory(customer=customer, is_default_billing=True, is_default_shipping=True)

    def add():
        return address_create(customer=customer, fields=BERLIN, is_default_billing=True, is_default_shipping=True)

    results = run_together([add] * 4)
    assert [r for r in results if isinstance(r, Exception)] == []
    billing, shipping = defaults(customer)
    assert len(billing) == 1 and billing == shipping
