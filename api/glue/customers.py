"""Customers and their addresses in the Glue dialect: reading request attributes, rendering resources.

Shapes only (Spryker's ``customers`` and ``addresses`` resources); the rules are the services'.
"""

from __future__ import annotations

from datetime import date

from api.glue.cart_errors import GlueAccessTokenMissing
from api.glue.documents import resource
from api.identity import customer_from_bearer
from customers.exceptions import CustomerFieldInvalid
from customers.models import Address, Customer

ATTRIBUTES = "/data/attributes"
CUSTOMER_FIELDS = {"salutation": ("salutation", 10), "firstName": ("first_name", 100),
                   "lastName": ("last_name", 100), "email": ("email", 255), "gender": ("gender", 10)}
ADDRESS_FIELDS = {
    "salutation": "salutation", "firstName": "first_name", "lastName": "last_name", "company": "company",
    "address1": "address1", "address2": "address2", "address3": "address3", "zipCode": "zip_code",
    "city": "city", "iso2Code": "iso2_code", "region": "region_code", "phone": "phone",
}


def glue_customer(request) -> Customer:
    """The customer calling with a bearer token: none is Glue's 403 002, a bad one 401 001."""
    authorization = request.headers.get("Authorization")
    if not authorization or not authorization.strip():
        raise GlueAccessTokenMissing()
    return customer_from_bearer(authorization)


# --- reading attributes ---------------------------------------------------------------------


def _invalid(name: str, detail: str) -> CustomerFieldInvalid:
    return CustomerFieldInvalid(f"{name} => {detail}", pointer=f"{ATTRIBUTES}/{name}")


def text(attributes: dict, name: str, *, max_length: int = 255, required: bool = False) -> str:
    value = attributes.get(name)
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _invalid(name, "This value should be of type string.")
    value = str(value).strip()
    if required and not value:
        raise _invalid(name, "This value should not be blank.")
    if len(value) > max_length:
        raise _invalid(name, f"This value is too long. It should have {max_length} characters or less.")
    return value


def flag(attributes: dict, name: str) -> bool | None:
    value = attributes.get(name)
    if value is not None and not isinstance(value, bool):
        raise _invalid(name, "This value should be of type bool.")
    return value


def birth_date(attributes: dict, name: str = "dateOfBirth") -> date | None:
    value = attributes.get(name)
    if value in (None, ""):
        return None
    try:
        born = date.fromisoformat(str(value)[:10]) if isinstance(value, str) else None
    except ValueError:
        born = None
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        raise _invalid(name, "Use a date like 1986-04-08.")
    return born


def registration_input(attributes: dict) -> dict:
    """The keyword arguments of ``customer_register`` from a POST /customers body."""
    accepted = attributes.get("acceptedTerms")
    if accepted is not None and not isinstance(accepted, bool):
        raise _invalid("acceptedTerms", "This value should be of type bool.")
    for name in ("password", "confirmPassword"):
        value = attributes.get(name)
        if not isinstance(value, str) or not value:
            raise _invalid(name, "This value should not be blank.")
        if len(value) > 4096:
            raise _invalid(name, "This value is too long.")
    return {
        "email": text(attributes, "email", required=True),
        "password": attributes["password"], "confirm_password": attributes["confirmPassword"],
        "accepted_terms": accepted is True,
        "salutation": text(attributes, "salutation", max_length=10),
        "first_name": text(attributes, "firstName", max_length=100, required=True),
        "last_name": text(attributes, "lastName", max_length=100, required=True),
        "gender": text(attributes, "gender", max_length=10),
        "date_of_birth": birth_date(attributes),
    }


def profile_changes(attributes: dict) -> dict:
    """The profile fields a PATCH /customers/{reference} body sends, by model field name."""
    changes = {field: text(attributes, name, max_length=limit, required=name in ("email", "firstName", "lastName"))
               for name, (field, limit) in CUSTOMER_FIELDS.items() if name in attributes}
    if "dateOfBirth" in attributes:
        changes["date_of_birth"] = birth_date(attributes)
    return changes


def password_change(attributes: dict, *, required: bool = False) -> dict | None:
    """``password`` (the current one), ``newPassword`` and ``confirmPassword``, when a new password is sent."""
    if attributes.get("newPassword") in (None, "") and not required:
        return None
    values = {}
    for name in ("password", "newPassword", "confirmPassword"):
        value = attributes.get(name)
        if not isinstance(value, str) or not value or len(value) > 4096:
            raise _invalid(name, "This value should not be blank.")
        values[name] = value
    return {"password": values["password"], "new_password": values["newPassword"],
            "confirm_password": values["confirmPassword"]}


def address_input(attributes: dict) -> tuple[dict, bool | None, bool | None]:
    """The address fields sent (by model field name) and the two default flags (None: not sent)."""
    fields = {field: text(attributes, name, max_length=255) for name, field in ADDRESS_FIELDS.items()
              if name in attributes}
    return fields, flag(attributes, "isDefaultBilling"), flag(attributes, "isDefaultShipping")


# --- rendering ------------------------------------------------------------------------------


def _timestamp(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def customer_attributes(customer: Customer) -> dict:
    return {
        "firstName": customer.first_name or None, "lastName": customer.last_name or None,
        "email": customer.email or None, "gender": customer.gender or None,
        "dateOfBirth": customer.date_of_birth.isoformat() if customer.date_of_birth else None,
        "salutation": customer.salutation or None,
        "createdAt": _timestamp(customer.created_at), "updatedAt": _timestamp(customer.updated_at),
    }


def customer_resource(request, customer: Customer) -> dict:
    return resource(request, "customers", customer.reference, customer_attributes(customer))


def address_attributes(address: Address) -> dict:
    """Glue's ``addresses`` resource; ``region`` is ours (a state for countries that need one)."""
    return {
        "salutation": address.salutation or None, "firstName": address.first_name, "lastName": address.last_name,
        "address1": address.address1, "address2": address.address2, "address3": address.address3 or None,
        "zipCode": address.zip_code, "city": address.city, "country": address.country.name,
        "iso2Code": address.country.iso2_code, "company": address.company or None, "phone": address.phone or None,
        "isDefaultShipping": address.is_default_shipping, "isDefaultBilling": address.is_default_billing,
        "region": address.region.iso2_code if address.region_id else None,
    }


def address_resource(request, address: Address, customer_reference: str) -> dict:
    return resource(request, "addresses", str(address.uuid), address_attributes(address),
                    self_path=f"/customers/{customer_reference}/addresses/{address.uuid}")
