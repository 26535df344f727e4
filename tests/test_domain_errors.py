"""Every business error has a stable code, an HTTP status and a message, so every dialect can render it."""

import importlib
import pkgutil

import pytest

import core.errors
from core.errors import DomainError

SHOP_PACKAGES = ["core", "customers", "catalog", "carts", "shipping", "payments", "discounts", "checkout"]


def all_domain_errors() -> list[type[DomainError]]:
    for package in SHOP_PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)
    found, todo = [], [DomainError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


ERRORS = all_domain_errors()


def test_the_shop_declares_its_errors():
    codes = {e.code for e in ERRORS}
    assert {"1101", "1102", "1103", "1104", "1105", "1106", "1107", "1108", "insufficient_stock",
            "currency_mismatch", "address_not_owned", "rental_dates_invalid", "zipcode_not_serviceable",
            "idempotency_conflict"} <= codes


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: f"{e.__module__}.{e.__name__}")
def test_each_error_has_a_code_a_status_a_pointer_and_a_message(error):
    assert error.code and error.code != DomainError.code
    assert 400 <= error.status < 600
    assert error.pointer.startswith("/")
    assert error.default_detail and error.default_detail != DomainError.default_detail


# Glue's 1101 is "checkout data is invalid", whether the checkout or the payment part is
# wrong; payments cannot import checkout's class, so it declares the code itself.
SHARED_CODES = {"1101": ["CheckoutDataInvalid", "PaymentDataInvalid"]}


def test_no_two_errors_share_a_code_unless_glue_says_so():
    by_code: dict[str, list[str]] = {}
    for error in ERRORS:
        if error.code in vars(error).values():  # declared here, not inherited
            by_code.setdefault(error.code, []).append(error.__name__)
    assert {code: sorted(names) for code, names in by_code.items() if len(names) > 1} == SHARED_CODES


def test_core_errors_module_is_the_base():
    assert core.errors.NotFound.status == 404 and core.errors.Conflict.status == 409


DOMAIN_ERRORS = [e for e in ERRORS if e.__module__.split(".")[0] in SHOP_PACKAGES]


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda e: f"{e.__module__}.{e.__name__}")
def test_a_domain_error_names_its_input_by_field_never_by_a_dialects_pointer(error):
    assert "pointer" not in vars(error)
    assert isinstance(error.field, tuple) and all(isinstance(part, str | int) for part in error.field)
