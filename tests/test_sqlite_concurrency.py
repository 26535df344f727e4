"""Bursts of concurrent requests against `make run`'s server on a SQLite file: they wait their turn and succeed.

The server is the one `make run` starts (runserver, a thread per request, DEBUG on) on a fresh
SQLite file of the demo shop, whatever database the rest of the suite uses. Each request is a
storefront's Glue call; none may fail with "database is locked" (a 500).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.test_make_run import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
SKU = "066_23294028"
ADDRESS = {"salutation": "Ms", "firstName": "Ada", "lastName": "Racer", "address1": "Julie-Wolfthorn-Straße",
           "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"}
STOCK = "from shipping.models import StockItem; StockItem.objects.filter(variant__sku=%r).update(count_on_hand=1000)"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """(base URL, database file) of a demo shop served by runserver on a SQLite file."""
    database = tmp_path_factory.mktemp("sqlite") / "shop.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true", "LOG_LEVEL": "WARNING"}
    for command in (["migrate", "--noinput"], ["seed_demo"], ["shell", "-c", STOCK % SKU]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
    port = free_port()
    log = open(database.with_suffix(".log"), "w+")
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/concrete-products/{SKU}", seconds=60)
        yield base, database
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.seek(0)
        assert "database is locked" not in log.read()
        log.close()


def post(url: str, body: dict, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/vnd.api+json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if error.headers.get_content_type().endswith("json") else {"raw": raw[:200]}


def add_item(base: str, guest: str, cart: str | None = None, quantity: int = 1) -> tuple[int, dict]:
    path = f"/guest-carts/{cart}/guest-cart-items" if cart else "/guest-cart-items"
    return post(base + path, {"data": {"type": "guest-cart-items", "attributes": {"sku": SKU, "quantity": quantity}}},
                **{"X-Anonymous-Customer-Unique-Id": guest})


def checkout(base: str, guest: str, cart: str) -> tuple[int, dict]:
    return post(base + "/checkout", {"data": {"type": "checkout", "attributes": {
        "idCart": cart, "customer": {"email": "ada@example.com", "salutation": "Ms", "firstName": "Ada",
                                     "lastName": "Racer"},
        "billingAddress": ADDRESS, "shippingAddress": ADDRESS, "shipment": {"idShipmentMethod": 1},
        "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice",
                      "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}]}}},
        **{"X-Anonymous-Customer-Unique-Id": guest, "Idempotency-Key": str(uuid.uuid4())})


def all_at_once(work, count: int) -> list:
    """Run ``work(n)`` for n in range(count) on as many threads, released together."""
    start = threading.Barrier(count)

    def run(n):
        start.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def query(database: Path, sql: str, *args):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, args).fetchall()


def test_25_guests_checking_out_at_once_all_get_their_order(shop):
    base, database = shop
    run = uuid.uuid4().hex[:8]

    def guest_checkout(n):
        guest = f"burst-{run}-{n}"
        status, document = add_item(base, guest)
        if status != 201:
            return status, document
        return checkout(base, guest, document["data"]["id"])

    results = all_at_once(guest_checkout, 25)
    assert [status for status, _ in results] == [201] * 25, [r for r in results if r[0] != 201][:3]
    references = {document["data"]["attributes"]["orderReference"] for _, document in results}
    assert len(references) == 25
    placed = query(database, "SELECT COUNT(*) FROM checkout_order WHERE reference IN (%s)"
                   % ",".join("?" * 25), *references)
    assert placed == [(25,)]


def test_10_adds_to_one_cart_at_once_all_count(shop):
    base, database = shop
    guest = f"adder-{uuid.uuid4().hex[:8]}"
    status, document = add_item(base, guest)
    assert status == 201
    cart = document["data"]["id"]

    results = all_at_once(lambda n: add_item(base, guest, cart), 10)
    assert [status for status, _ in results] == [201] * 10, [r for r in results if r[0] != 201][:3]
    quantity = query(database, "SELECT i.quantity FROM carts_cartitem i JOIN carts_cart c ON c.id = i.cart_id "
                               "WHERE c.uuid = ?", cart.replace("-", ""))
    assert quantity == [(11,)]


def test_a_cart_checked_out_by_several_requests_at_once_becomes_one_order(shop):
    base, database = shop
    guest = f"double-click-{uuid.uuid4().hex[:8]}"
    status, document = add_item(base, guest)
    assert status == 201
    cart = document["data"]["id"]

    results = all_at_once(lambda n: checkout(base, guest, cart), 6)
    statuses = [status for status, _ in results]
    assert all(status < 500 for status in statuses), results
    assert 201 in statuses
    assert query(database, "SELECT COUNT(*) FROM checkout_order WHERE cart_uuid = ?", cart.replace("-", "")) == [(1,)]
