"""Turning the addresses a client sends into order addresses: by value, by id, or by business unit address id."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from checkout.exceptions import AddressNotOwned, CheckoutDataInvalid
from checkout.inputs import AddressInput
from checkout.models import OrderAddress
from core.errors import FieldPath
from customers.models import Address, CompanyUnitAddress, Country, Customer, Region

REQUIRED = ("first_name", "last_name", "address1", "city", "iso2_code")
# How a refusal names a required field.
WORDS = {"first_name": "first name", "last_name": "last name", "address1": "street address", "city": "city",
         "iso2_code": "country"}
COPIED = ("salutation", "first_name", "middle_name", "last_name", "company", "address1", "address2", "address3",
          "zip_code", "city", "county", "phone", "email")


def countries_for(addresses: Iterable[AddressInput | None]) -> dict[str, Country]:
    """The countries the given addresses name, in one query; with their regions (a second) when one is named."""
    given = [a for a in addresses if a and a.iso2_code]
    countries = Country.objects.filter(iso2_code__in={a.iso2_code.strip().upper() for a in given})
    if any(a.region_code.strip() for a in given):
        countries = countries.prefetch_related("regions")
    return {c.iso2_code: c for c in countries}


def order_address_from(*, given: AddressInput, customer: Customer | None, countries: dict[str, Country],
                       field: FieldPath) -> OrderAddress:
    """An unsaved OrderAddress for ``given``; raises CheckoutDataInvalid naming the bad field under
    ``field``, the address's own path (``("billing_address",)``, ``("shipments", 0, "address")``)."""
    if given.id:
        return _copy(_own_address(given.id, customer, field))
    if given.company_address_id:
        return _copy(_business_unit_address(given.company_address_id, customer, field))
    return _by_value(given, countries, field)


def address_country(*, given: AddressInput | None, customer: Customer | None, countries: dict[str, Country],
                    field: FieldPath) -> Country | None:
    """The country ``given`` is in (None: no address, or no country yet); an address id must be
    the shopper's own, as for ``order_address_from``."""
    if given is None:
        return None
    if given.id:
        return _own_address(given.id, customer, field).country
    if given.company_address_id:
        return _business_unit_address(given.company_address_id, customer, field).country
    return countries.get(given.iso2_code.strip().upper()) if given.iso2_code else None


def _parse_uuid(value: str, field: FieldPath, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise AddressNotOwned(field=(*field, name)) from None


def _own_address(address_id: str, customer: Customer | None, field: FieldPath) -> Address:
    key = _parse_uuid(address_id, field, "id")
    address = None
    if customer is not None and not customer.is_guest:
        address = Address.objects.select_related("country", "region").filter(uuid=key, customer=customer).first()
    if address is None:
        raise AddressNotOwned(field=(*field, "id"), meta={"id": str(address_id)})
    return address


def _business_unit_address(address_id: str, customer: Customer | None, field: FieldPath) -> CompanyUnitAddress:
    key = _parse_uuid(address_id, field, "company_address_id")
    address = None
    if customer is not None and not customer.is_guest:
        address = (CompanyUnitAddress.objects.select_related("country", "region")
                   .filter(uuid=key, business_units__members__customer=customer).first())
    if address is None:
        raise AddressNotOwned(
            "There is no business unit address with this id among your business units.",
            field=(*field, "company_address_id"), meta={"idCompanyBusinessUnitAddress": str(address_id)},
        )
    return address


def _copy(address: Address | CompanyUnitAddress) -> OrderAddress:
    return OrderAddress(**{name: getattr(address, name) for name in COPIED},
                        country=address.country, region=address.region)


def _by_value(given: AddressInput, countries: dict[str, Country], field: FieldPath) -> OrderAddress:
    for name in REQUIRED:
        if not str(getattr(given, name)).strip():
            raise CheckoutDataInvalid(f"The address needs a {WORDS[name]}.", field=(*field, name))
    country = countries.get(given.iso2_code.strip().upper())
    if country is None:
        raise CheckoutDataInvalid(f"{given.iso2_code!r} is not a country we know.",
                                  field=(*field, "iso2_code"))
    if problem := country.postal_code_problem(given.zip_code):
        raise CheckoutDataInvalid(problem, field=(*field, "zip_code"),
                                  meta={"postalCodeRegex": country.postal_code_regex})
    region = _region(given, country, field)
    address = OrderAddress(**{name: str(getattr(given, name)).strip() for name in COPIED},
                           instructions=given.instructions.strip(), country=country, region=region)
    address.zip_code = address.zip_code.upper() if country.iso2_code in ("GB", "CA", "NL") else address.zip_code
    return address


def _region(given: AddressInput, country: Country, field: FieldPath) -> Region | None:
    code = given.region_code.strip().upper()
    if not code:
        if country.states_required:
            raise CheckoutDataInvalid(f"Addresses in {country.name} need a region.",
                                      field=(*field, "region_code"))
        return None
    region = next((r for r in country.regions.all() if r.iso2_code.upper() == code), None)
    if region is None:
        raise CheckoutDataInvalid(f"{given.region_code!r} is not a region of {country.name}.",
                                  field=(*field, "region_code"))
    return region
