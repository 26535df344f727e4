"""Guest checkouts against gunicorn on PostgreSQL: throughput, latency, errors, SQL per checkout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop python bench/run.py --concurrency 4 --checkouts 200

What it does:
1. (Re)creates a benchmark database next to the one DATABASE_URL names (``<name>_bench``, or
   ``--database``), migrates it, loads the demo shop (``seed_demo``) and gives the three
   benchmarked products enough stock at the Berlin warehouse (``--stock`` to make them scarce).
2. Serves ``bench.wsgi`` (the shop plus an ``X-Bench-Queries`` count per response) with
   ``gunicorn -w W`` sync workers on a free port, DEBUG off.
3. Runs N guest checkouts, K at a time, each as a storefront does it with the Glue API:
   ``POST /guest-cart-items`` (creates the guest cart), two more items on
   ``/guest-carts/{id}/guest-cart-items``, ``POST /checkout-data``, ``POST /checkout``.
4. Prints checkouts per second, p50/p95/p99 of ``POST /checkout``, errors by request and
   status, SQL statements per flow and per checkout request (counted in the server), database
   transactions per flow (``pg_stat_database``), then checks that no stock was oversold: stock
   never negative, nothing backordered, and units taken from stock equal the units the new
   orders sold.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SKUS = ("066_23294028", "078_24602396", "047_26408568")  # Warehouse Berlin stock, store DE
LOCATION = "Warehouse Berlin"
ADDRESS = {"salutation": "Ms", "firstName": "Ada", "lastName": "Bench", "address1": "Julie-Wolfthorn-Straße",
           "address2": "1", "zipCode": "10115", "city": "Berlin", "iso2Code": "DE"}


# --- set-up ------------------------------------------------------------------------------------


def bench_database_url(database_url: str, name: str | None) -> tuple[str, str]:
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("bench: DATABASE_URL must name a PostgreSQL database (postgres://user@host:port/name).")
    name = name or f"{parts.path.lstrip('/') or 'shop'}_bench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def recreate_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def stock_set(count: int) -> dict[str, int]:
    """Give the benchmarked products ``count`` units each at the Berlin warehouse, no backorders."""
    from shipping.models import StockItem

    items = StockItem.objects.filter(stock_location__name=LOCATION, variant__sku__in=SKUS)
    assert items.count() == len(SKUS), "the demo shop's Berlin stock is missing"
    items.update(count_on_hand=count, backorderable=False, is_never_out_of_stock=False)
    return stock_snapshot()


def stock_snapshot() -> dict[str, int]:
    from shipping.models import StockItem

    return dict(StockItem.objects.filter(stock_location__name=LOCATION, variant__sku__in=SKUS)
                .values_list("variant__sku", "count_on_hand"))


def transactions_committed(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                            "WHERE datname = current_database()").fetchone()[0]


# --- the storefront ----------------------------------------------------------------------------


@dataclass
class Flow:
    ok: bool = False
    error: str | None = None  # "POST /checkout 422 1104"
    checkout_seconds: float | None = None
    statements: int = 0
    checkout_statements: int | None = None
    order_reference: str | None = None
    requests: int = 0
    steps: list = field(default_factory=list)  # (step, status, seconds, statements) per request


@dataclass
class Client:
    base: str
    guest: str
    flow: Flow = field(default_factory=Flow)

    def post(self, path: str, body: dict, step: str | None = None, **headers) -> tuple[int, dict, float]:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/vnd.api+json", "Accept": "application/vnd.api+json",
                     "X-Anonymous-Customer-Unique-Id": self.guest, **headers})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, response_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, response_headers = error.code, error.read(), error.headers
        elapsed = time.perf_counter() - started
        statements = int(response_headers.get("X-Bench-Queries") or 0)
        self.flow.requests += 1
        self.flow.statements += statements
        self.flow.steps.append((step or path, status, elapsed, statements))
        try:
            document = json.loads(raw or b"{}")
        except ValueError:
            document = {}
        return status, document, elapsed

    def expect(self, wanted: int, path: str, status: int, document: dict) -> bool:
        if status == wanted:
            return True
        code = next(iter(document.get("errors") or [{}])).get("code", "")
        self.flow.error = f"POST {path} {status} {code}".rstrip()
        return False


def guest_checkout(base: str, n: int, run: str) -> Flow:
    client = Client(base, guest=f"bench-{run}-{n}")
    item = {"data": {"type": "guest-cart-items", "attributes": {"sku": SKUS[0], "quantity": 1}}}
    status, document, _ = client.post("/guest-cart-items", item)
    if not client.expect(201, "/guest-cart-items", status, document):
        return client.flow
    cart = document["data"]["id"]
    for sku in SKUS[1:]:
        item = {"data": {"type": "guest-cart-items", "attributes": {"sku": sku, "quantity": 1}}}
        path = f"/guest-carts/{cart}/guest-cart-items"
        status, document, _ = client.post(path, item, step="/guest-carts/{id}/guest-cart-items")
        if not client.expect(201, "/guest-carts/{id}/guest-cart-items", status, document):
            return client.flow
    status, document, _ = client.post("/checkout-data", {"data": {"type": "checkout-data", "attributes": {
        "idCart": cart, "shipment": {"idShipmentMethod": 1}}}})
    if not client.expect(200, "/checkout-data", status, document):
        return client.flow
    before = client.flow.statements
    status, document, elapsed = client.post("/checkout", {"data": {"type": "checkout", "attributes": {
        "idCart": cart, "customer": {"email": f"bench-{n}@example.com", "salutation": "Ms", "firstName": "Ada",
                                     "lastName": "Bench"},
        "billingAddress": ADDRESS, "shippingAddress": ADDRESS,
        "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "invoice",
                      "dummyPaymentInvoice": {"dateOfBirth": "08.04.1986"}}],
        "shipment": {"idShipmentMethod": 1}}}}, **{"Idempotency-Key": str(uuid.uuid4())})
    client.flow.checkout_seconds = elapsed
    client.flow.checkout_statements = client.flow.statements - before
    if client.expect(201, "/checkout", status, document):
        client.flow.ok = True
        client.flow.order_reference = document["data"]["attributes"]["orderReference"]
    return client.flow


def wait_until_serving(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: gunicorn exited with {server.returncode}; see its log.")
        try:
            urllib.request.urlopen(f"{base}/concrete-products/{SKUS[0]}", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    sys.exit("bench: gunicorn did not answer in time.")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[index]


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", "-k", type=int, default=4, help="guests checking out at once (4)")
    parser.add_argument("--checkouts", "-n", type=int, default=200, help="checkouts in all (200)")
    parser.add_argument("--workers", "-w", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--warmup", type=int, default=8, help="checkouts before measuring (8)")
    parser.add_argument("--stock", type=int, default=None,
                        help="units of each product on hand (default: enough for every checkout); "
                             "fewer makes guests race for the last units")
    parser.add_argument("--database", default=None, help="name of the benchmark database (<DATABASE_URL name>_bench)")
    parser.add_argument("--log", default=None, help="gunicorn's log file (<tmp>/shop-bench-gunicorn.log)")
    args = parser.parse_args(argv)
    if min(args.concurrency, args.checkouts, args.workers) < 1:
        parser.error("--concurrency, --checkouts and --workers must be at least 1")

    url, name = bench_database_url(os.environ.get("DATABASE_URL", ""), args.database)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}  # no mail server here
    print(f"database  {name}: create, migrate, seed_demo", flush=True)
    recreate_database(url, name)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--staff-password", "bench-" + uuid.uuid4().hex)
    django_setup(url)
    stock = args.stock if args.stock is not None else args.checkouts + args.warmup + 10
    initial = stock_set(stock)
    from checkout.models import Order

    orders_before = set(Order.objects.values_list("pk", flat=True))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(args.log) if args.log else Path(tempfile.gettempdir()) / "shop-bench-gunicorn.log"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "bench.wsgi:application", "--workers", str(args.workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    print(f"server    gunicorn -w {args.workers} (sync) on {base}, log {log_path}", flush=True)
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_until_serving(base, server)
        run = uuid.uuid4().hex[:8]
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(lambda n: guest_checkout(base, -1 - n, run), range(args.warmup)))
        xacts_before = transactions_committed(url)
        print(f"load      {args.checkouts} guest checkouts, {args.concurrency} at a time "
              f"(3 items, checkout-data, checkout each; {args.warmup} before as warm-up)", flush=True)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            flows = list(pool.map(lambda n: guest_checkout(base, n, run), range(args.checkouts)))
        wall = time.perf_counter() - started
        xacts = transactions_committed(url) - xacts_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    report(args, flows, wall, xacts)
    oversold = stock_check(initial, orders_before)
    failed = [f for f in flows if not f.ok]
    return 1 if oversold or (args.stock is None and failed) else 0


def report(args, flows: list[Flow], wall: float, xacts: int) -> None:
    placed = [f for f in flows if f.ok]
    latencies = [f.checkout_seconds * 1000 for f in flows if f.checkout_seconds is not None]
    errors = Counter(f.error for f in flows if f.error)
    complete = [f for f in placed if f.requests == 5]
    print()
    print(f"checkouts placed     {len(placed)} of {len(flows)} in {wall:.1f} s")
    print(f"throughput           {len(placed) / wall:.1f} checkouts/s "
          f"({sum(f.requests for f in flows) / wall:.1f} requests/s)")
    if latencies:
        print(f"POST /checkout       p50 {percentile(latencies, 50):.0f} ms   p95 {percentile(latencies, 95):.0f} ms"
              f"   p99 {percentile(latencies, 99):.0f} ms   (max {max(latencies):.0f} ms)")
    print("errors               " + (", ".join(f"{e}: {c}" for e, c in errors.most_common()) or "none"))
    if complete:
        per_flow = [f.statements for f in complete]
        per_checkout = [f.checkout_statements for f in complete]
        print(f"SQL per flow         {statistics.mean(per_flow):.1f} statements "
              f"(min {min(per_flow)}, max {max(per_flow)}; 5 requests)")
        print(f"SQL in POST /checkout {statistics.mean(per_checkout):.1f} statements "
              f"(min {min(per_checkout)}, max {max(per_checkout)})")
    print("per request          mean ms   p95 ms   SQL statements")
    by_step: dict[str, list] = {}
    for flow in complete:
        for step, _, seconds, statements in flow.steps:
            by_step.setdefault(step, []).append((seconds * 1000, statements))
    for step, values in by_step.items():
        millis = [v[0] for v in values]
        print(f"  POST {step:<36} {statistics.mean(millis):5.0f}   {percentile(millis, 95):6.0f}   "
              f"{statistics.mean(v[1] for v in values):5.1f}")
    print(f"transactions         {xacts / max(len(flows), 1):.1f} per flow (pg_stat_database, all requests)")
    print(f"machine              {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{args.workers} sync workers, {args.concurrency} concurrent guests")


def stock_check(initial: dict[str, int], orders_before: set[int]) -> bool:
    """True when stock was oversold: negative, backordered, or taken other than the new orders sold."""
    from django.db.models import Sum

    from checkout.models import LineItem
    from shipping.models import StockAllocation

    final = stock_snapshot()
    new_lines = LineItem.objects.exclude(order_id__in=orders_before).filter(sku__in=SKUS)
    sold = dict(new_lines.values("sku").annotate(units=Sum("quantity")).values_list("sku", "units"))
    held = StockAllocation.objects.filter(line_item__in=new_lines, released_at__isnull=True)
    backordered = held.aggregate(units=Sum("backordered"))["units"] or 0
    problems = []
    for sku in SKUS:
        taken = initial[sku] - final[sku]
        if final[sku] < 0:
            problems.append(f"{sku} below zero ({final[sku]})")
        if taken != sold.get(sku, 0):
            problems.append(f"{sku}: {taken} taken from stock, {sold.get(sku, 0)} sold")
    if backordered:
        problems.append(f"{backordered} units backordered")
    units = ", ".join(f"{sku} {initial[sku]}→{final[sku]}" for sku in SKUS)
    print(f"stock                {units}; sold {sum(sold.values())} units in "
          f"{new_lines.values('order_id').distinct().count()} orders: "
          + ("OVERSOLD: " + "; ".join(problems) if problems else "not oversold"))
    return bool(problems)


if __name__ == "__main__":
    sys.exit(main())
