"""Writes and checks on customers: logging in, registering, the profile, the password, the address book."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from customers.exceptions import (
    CustomerAlreadyExists,
    CustomerFieldInvalid,
    EmailInvalid,
    EmailTooLong,
    GenderInvalid,
    InvalidCredentials,
    PasswordCharacterSetInvalid,
    PasswordInvalid,
    PasswordsDoNotMatch,
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    TermsNotAccepted,
)
from customers.logins import password_check
from customers.models import Address, Country, Customer, Gender, Region, Salutation

EMAIL_MAX_LENGTH = 100  # Glue's limit (417)
PASSWORD_MAX_LENGTH = 64  # Glue's limit (419); the shortest is AUTH_PASSWORD_VALIDATORS' (418)


def customer_authenticate(*, request, username: str, password: str) -> Customer:
    """The registered customer with these credentials (username or e-mail); never says which part was wrong.

    ``request`` is the HTTP request they came with: failures are throttled per account and client address."""
    user = password_check(request=request, username=(username or "").strip(), password=password or "")
    if user is None:
        raise InvalidCredentials()
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        raise InvalidCredentials()
    return customer


# --- registration and profile ---------------------------------------------------------------


def customer_register(*, email: str, password: str, confirm_password: str, accepted_terms: bool,
                      salutation: str = "", first_name: str = "", last_name: str = "", gender: str = "",
                      date_of_birth: date | None = None) -> Customer:
    """A new registered customer with a Django user to log in with; the password is stored hashed only."""
    if accepted_terms is not True:
        raise TermsNotAccepted()
    if password != confirm_password:
        raise PasswordsDoNotMatch()
    email = _checked_email(email)
    profile = _checked_profile(salutation=salutation, gender=gender)
    _check_password(password, email=email, first_name=first_name, last_name=last_name,
                    field=("password",))
    user_model = get_user_model()
    try:
        with transaction.atomic():
            if _email_taken(email):
                raise CustomerAlreadyExists()
            user = user_model.objects.create_user(email, email, password, first_name=first_name, last_name=last_name)
            return Customer.objects.create(user=user, email=email, first_name=first_name, last_name=last_name,
                                           date_of_birth=date_of_birth, **profile)
    except IntegrityError:  # registered at the same moment by another request
        raise CustomerAlreadyExists() from None


def customer_update(*, customer: Customer, changes: dict, password_change: dict | None = None,
                    request=None) -> Customer:
    """Change the customer's name, salutation, gender, date of birth or e-mail (the login follows the
    e-mail), and the password when ``password_change`` holds the current, new and confirmed one; all or nothing.

    ``changes`` holds only the fields the client sent, by model field name. A password change needs
    the HTTP ``request``: wrong current passwords are throttled with the logins."""
    allowed = {"salutation", "first_name", "last_name", "gender", "date_of_birth", "email"}
    changes = {name: value for name, value in changes.items() if name in allowed}
    if "email" in changes:
        changes["email"] = _checked_email(changes["email"])
    _checked_profile(salutation=changes.get("salutation", ""), gender=changes.get("gender", ""))
    if password_change is not None:
        verified_hash = _current_password_verified(customer, password=password_change["password"], request=request)
    try:
        with transaction.atomic():
            customer = Customer.objects.select_for_update(of=("self",)).select_related("user").get(pk=customer.pk)
            if password_change is not None:
                _change_password(customer, verified_hash=verified_hash, new_password=password_change["new_password"],
                                 confirm_password=password_change["confirm_password"])
            if "email" in changes and changes["email"].lower() != customer.email.lower() \
                    and _email_taken(changes["email"], except_user_id=customer.user_id):
                raise CustomerAlreadyExists()
            for name, value in changes.items():
                setattr(customer, name, value)
            customer.save()
            _sync_user(customer)
    except IntegrityError:
        raise CustomerAlreadyExists() from None
    return customer


def customer_change_password(*, customer: Customer, password: str, new_password: str,
                             confirm_password: str, request) -> None:
    """Set a new password after checking the current one (408, throttled with the logins: ``request``
    is the HTTP request it came with) and the confirmation (406)."""
    verified_hash = _current_password_verified(customer, password=password, request=request)
    with transaction.atomic():
        customer = Customer.objects.select_for_update(of=("self",)).select_related("user").get(pk=customer.pk)
        _change_password(customer, verified_hash=verified_hash, new_password=new_password,
                         confirm_password=confirm_password)


def _current_password_verified(customer: Customer, *, password: str, request) -> str:
    """The password hash the current password matched (408 otherwise). Checked before the change's
    transaction, so that a failure stays counted; the change then refuses a hash changed since."""
    user = customer.user
    verified = None
    if user is not None:
        verified = password_check(request=request, username=user.get_username(), password=password or "")
    if verified is None or verified.pk != user.pk:
        raise PasswordInvalid()
    return verified.password


def _change_password(customer: Customer, *, verified_hash: str, new_password: str, confirm_password: str) -> None:
    user = customer.user
    if user is None or user.password != verified_hash:  # changed by another request meanwhile
        raise PasswordInvalid()
    if new_password != confirm_password:
        raise PasswordsDoNotMatch("Value in field newPassword should be identical to value in the "
                                  "confirmPassword field.")
    _check_password(new_password, email=customer.email, first_name=customer.first_name,
                    last_name=customer.last_name, field=("new_password",), user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])


def _email_taken(email: str, *, except_user_id: int | None = None) -> bool:
    user_model = get_user_model()
    users = user_model.objects.filter(username__iexact=email) | user_model.objects.filter(customer__email__iexact=email)
    if except_user_id is not None:
        users = users.exclude(pk=except_user_id)
    return users.exists()


def _sync_user(customer: Customer) -> None:
    """The login user carries the customer's e-mail as its username, and the customer's names."""
    user = customer.user
    if user is None:
        return
    user.username = user.email = customer.email
    user.first_name, user.last_name = customer.first_name, customer.last_name
    user.save(update_fields=["username", "email", "first_name", "last_name"])


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    if len(email) > EMAIL_MAX_LENGTH:
        raise EmailTooLong()
    try:
        validate_email(email)
    except ValidationError:
        raise EmailInvalid() from None
    return email


def _checked_profile(*, salutation: str, gender: str) -> dict:
    if salutation and salutation not in Salutation.values:
        raise CustomerFieldInvalid(f"salutation must be one of {', '.join(Salutation.values)}.",
                                   field=("salutation",))
    if gender and gender not in Gender.values:
        raise GenderInvalid()
    return {"salutation": salutation, "gender": gender}


PASSWORD_ERRORS = {
    "password_too_short": PasswordTooShort,
    "password_too_common": PasswordTooCommon,
    "password_too_similar": PasswordTooCommon,
    "password_entirely_numeric": PasswordCharacterSetInvalid,
}


def _check_password(password: str, *, email: str, first_name: str, last_name: str, field: tuple,
                    user=None) -> None:
    """Glue's password rules (418-422) over the shop's AUTH_PASSWORD_VALIDATORS."""
    if not isinstance(password, str) or not password:
        raise PasswordTooShort(field=field)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise PasswordTooLong(field=field)
    if user is None:
        user = get_user_model()(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        first = exc.error_list[0]
        error = PASSWORD_ERRORS.get(first.code, PasswordCharacterSetInvalid)
        raise error(" ".join(e.messages[0] for e in exc.error_list), field=field) from None


# --- the address book -----------------------------------------------------------------------

ADDRESS_TEXT = ("salutation", "first_name", "last_name", "company", "address1", "address2", "address3",
                "zip_code", "city", "phone")
ADDRESS_REQUIRED = ("salutation", "first_name", "last_name", "address1", "address2", "city", "iso2_code")


def address_create(*, customer: Customer, fields: dict, is_default_billing: bool | None = None,
                   is_default_shipping: bool | None = None) -> Address:
    """A new address in the customer's book, checked against its country's postal rules.

    Not saying whether it is a default makes it one, as Glue does; so is the first address."""
    missing = [name for name in ADDRESS_REQUIRED if not str(fields.get(name) or "").strip()]
    if missing:
        raise CustomerFieldInvalid(f"The {_words(missing[0])} is required.", field=(missing[0],))
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        first = not customer.addresses.exists()
        address = Address(customer=customer)
        _apply_address_fields(address, fields)
        billing = True if first or is_default_billing is None else is_default_billing
        shipping = True if first or is_default_shipping is None else is_default_shipping
        _set_defaults(address, billing=billing, shipping=shipping)
        address.save()
    return address


def address_update(*, address: Address, fields: dict, is_default_billing: bool | None = None,
                   is_default_shipping: bool | None = None) -> Address:
    """Change the fields given; a field given cannot be emptied when it is required."""
    emptied = [name for name in ADDRESS_REQUIRED if name in fields and not str(fields[name] or "").strip()]
    if emptied:
        raise CustomerFieldInvalid(f"The {_words(emptied[0])} is required.", field=(emptied[0],))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=address.customer_id).first()  # one writer per book
        address = Address.objects.select_related("country", "region").get(pk=address.pk)
        _apply_address_fields(address, fields)
        _set_defaults(address, billing=is_default_billing, shipping=is_default_shipping)
        address.save()
    return address


def address_delete(*, address: Address) -> None:
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=address.customer_id).first()
        Address.objects.filter(pk=address.pk).delete()


def _apply_address_fields(address: Address, fields: dict) -> None:
    for name in ADDRESS_TEXT:
        if name in fields:
            value = str(fields[name] or "").strip()
            limit = Address._meta.get_field(name).max_length
            if len(value) > limit:
                raise CustomerFieldInvalid(f"At most {limit} characters.", field=(name,))
            setattr(address, name, value)
    if address.salutation and address.salutation not in Salutation.values:
        raise CustomerFieldInvalid(f"salutation must be one of {', '.join(Salutation.values)}.",
                                   field=("salutation",))
    if "iso2_code" in fields:
        iso2 = str(fields["iso2_code"] or "").strip().upper()
        country = Country.objects.filter(iso2_code=iso2).first() if len(iso2) == 2 else None
        if country is None:
            raise CustomerFieldInvalid("There is no country with this ISO 2 code.", field=("iso2_code",))
        if country.pk != address.country_id:
            address.region = None  # a region belongs to its country
        address.country = country
    if "region_code" in fields:
        code = str(fields["region_code"] or "").strip().upper()
        region = Region.objects.filter(country_id=address.country_id, iso2_code=code).first() if code else None
        if code and region is None:
            raise CustomerFieldInvalid("There is no region with this code in the address's country.",
                                       field=("region_code",))
        address.region = region
    if problems := address.problems():
        name, detail = next(iter(problems.items()))
        raise CustomerFieldInvalid(detail, field=(name,), meta={"problems": problems})


def _words(name: str) -> str:
    """A field's name in plain words: ``first_name`` → "first name"."""
    return {"iso2_code": "country", "address1": "first address line", "address2": "second address line"}.get(
        name, name.replace("_", " "))


def _set_defaults(address: Address, *, billing: bool | None, shipping: bool | None) -> None:
    """One default billing and one default shipping address per customer: a new default takes over."""
    others = Address.objects.filter(customer_id=address.customer_id).exclude(pk=address.pk)
    if billing is not None:
        if billing:
            others.filter(is_default_billing=True).update(is_default_billing=False)
        address.is_default_billing = billing
    if shipping is not None:
        if shipping:
            others.filter(is_default_shipping=True).update(is_default_shipping=False)
        address.is_default_shipping = shipping
