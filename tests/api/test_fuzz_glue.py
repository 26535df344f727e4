"""Fuzzing the Glue dialect with schemathesis against its own OpenAPI schema: no input gives a 5xx.

Every Glue operation of the generated schema gets requests that fit the schema (positive) and
requests that break it (negative), sent through the WSGI app to a seeded demo shop: once as
schemathesis makes them up (random ids: mostly "not found"), once with the path and the caller
pinned to the demo shop's own rows (the demo guest's cart, Spencor's carts, profile and orders),
so that bodies reach the services. The only check is ``not_a_server_error``.

``FUZZ_EXAMPLES`` sets the examples per operation and kind (default 3: about 400 requests, under
a minute on a 2-core machine; more for a deeper run).
"""

import io
import os
import re
from contextlib import contextmanager
from collections import Counter

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from carts.models import Cart
from checkout.models import Order
from customers.models import Customer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
GUEST = "demo-guest-0001"
CUSTOMER_EMAIL, CUSTOMER_PASSWORD = "spencor.hopkin@spryker.com", "change123"
NOT_GLUE = r"^/(api|v2|oauth)/"


def glue_operations():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw).exclude(path_regex=NOT_GLUE)
    return [result.ok() for result in schema.get_all_operations()]


def bearer_token() -> str:
    from django.test import Client

    response = Client().post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": CUSTOMER_EMAIL, "password": CUSTOMER_PASSWORD}}}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["data"]["attributes"]["accessToken"]


def pinned_values(token: str) -> tuple[dict, dict]:
    """Path values and headers that name the demo shop's own rows, per kind of caller."""
    customer = Customer.objects.get(user__email=CUSTOMER_EMAIL)
    guest_cart = Cart.objects.filter(anonymous_id=GUEST).values_list("uuid", flat=True).first()
    customer_cart = Cart.objects.filter(customer=customer).values_list("uuid", flat=True).first()
    order = Order.objects.filter(customer=customer).exclude(reference="").values_list("reference", flat=True).first()
    guest = {"uuid": str(guest_cart), "sku": "066_23294028", "code": "SAVE5"}
    customer_values = {"uuid": str(customer_cart), "sku": "066_23294028", "code": "SAVE5"}
    return ({"guest": guest, "customer": customer_values, "order": order, "customer_reference": customer.reference},
            {"guest": {"X-Anonymous-Customer-Unique-Id": GUEST}, "customer": {"Authorization": f"Bearer {token}"}})


def pins_for(operation, values: dict, headers: dict) -> tuple[dict, dict]:
    path = operation.path
    names = re.findall(r"{(\w+)}", path)
    if path.startswith(("/carts", "/customers", "/customer-password")):
        who = "customer"
    else:
        who = "guest"
    pool = dict(values[who])
    pool["reference"] = values["order"] if path.startswith("/orders") else values["customer_reference"]
    caller = headers[who]
    if path.startswith(("/access-tokens", "/refresh-tokens")):
        # A login with the demo guest's id would move the demo guest's cart into Spencor's.
        caller = {"X-Anonymous-Customer-Unique-Id": "fuzz-guest-logging-in"}
    return {name: pool[name] for name in names if pool.get(name)}, caller


@pytest.fixture
def demo_shop(db):
    call_command("seed_demo", stdout=io.StringIO())


@contextmanager
def wsgi_app():
    """The WSGI app, keeping the test's database connection open between requests as Django's
    test client does (its handler would close it after each request: fatal inside the test's
    transaction on PostgreSQL). Django's test client connects the signals again after each of
    its requests, so it is not used inside."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


STATUSES: Counter = Counter()  # (method path, status class) of every request sent; printed with -s


def fuzz(operation, app, mode: GenerationMode, *, path_parameters=None, headers=None) -> list[str]:
    """Run schemathesis' cases of one operation; the requests that got a 5xx."""
    server_errors = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None,
                                     headers=headers or None)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        response = case.call(app=app, headers=headers or None)
        STATUSES[f"{operation.method.upper()} {operation.path}", f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except AssertionError:
            server_errors.append(f"{response.status_code}: {case.as_curl_command(headers=headers)}")
        except Exception as failure:  # schemathesis' own failure types
            if response.status_code >= 500:
                server_errors.append(f"{response.status_code}: {case.as_curl_command(headers=headers)} ({failure})")

    try:
        run()
    except Unsatisfiable:  # nothing to break in this operation (negative mode of a bare GET)
        pass
    return server_errors


def test_glue_operations_never_answer_with_a_server_error(demo_shop):
    # Checkout last: a placed order deletes the demo guest's cart the cart operations work on.
    operations = sorted(glue_operations(), key=lambda operation: operation.path == "/checkout")
    assert len(operations) >= 40  # every Glue operation, not a filtered few
    values, headers = pinned_values(bearer_token())
    server_errors = []
    with wsgi_app() as app:
        for operation in operations:
            path_parameters, caller = pins_for(operation, values, headers)
            server_errors += fuzz(operation, app, GenerationMode.POSITIVE)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                server_errors += fuzz(operation, app, mode, path_parameters=path_parameters, headers=caller)
    for (operation, status), count in sorted(STATUSES.items()):
        print(f"{operation:<60} {status} {count}")
    assert server_errors == []
