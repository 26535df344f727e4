"""End to end in a real browser: staff log in, find a placed order, take its payment, ship it
with a tracking number and see it shipped. Headless Debian Chromium driven by Playwright.

Skipped only where Chromium is missing and BROWSER_TESTS is not "required" (a laptop without
it); CI installs Chromium and sets BROWSER_TESTS=required, so there it must run.
"""

import os
import re
import shutil
from contextlib import contextmanager

import pytest

from checkout.models import Order, OrderShipmentState
from shipping.models import ShipmentState

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("BROWSER_TESTS") == "required"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TRACKING = "1Z999AA10123456784"

if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)) and not REQUIRED:
    pytest.skip(f"no Chromium at {CHROMIUM} (BROWSER_TESTS=required makes this a failure)", allow_module_level=True)
if not REQUIRED:
    pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect, sync_playwright  # noqa: E402


@contextmanager
def chromium_page():
    """A page of a fresh headless Chromium. Close it before touching the database again: Django
    refuses ORM calls while Playwright's event loop runs in this thread."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_context(locale="en-US").new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


@pytest.fixture
def placed_order(demo_shop_for_package, transactional_db):
    """DE--1 of the demo shop: complete, its payment authorised, its shipment waiting."""
    order = Order.objects.get(reference="DE--1")
    return order, order.shipments.get()


def test_staff_find_a_placed_order_and_ship_it(live_server, placed_order):
    order, shipment = placed_order

    with chromium_page() as page:
        page.goto(f"{live_server.url}/admin/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "admin")
        page.click("input[type=submit]")
        expect(page.locator("#dashboard-awaiting-payment")).to_contain_text("Orders waiting for payment")

        page.click("#dashboard-awaiting-payment a.count")  # the orders waiting for payment
        page.fill("#searchbar", "DE--1")
        page.press("#searchbar", "Enter")
        page.get_by_role("link", name="DE--1", exact=True).click()
        expect(page.locator(".order-summary")).to_contain_text("Balance due")

        page.click('.staff-actions a[data-action="capture"]')
        expect(page.locator("#content-main")).to_contain_text("Capture")
        page.click("input[name=_confirm]")
        expect(page.locator("ul.messagelist")).to_contain_text("is captured: order DE--1 is paid")

        page.click('.staff-actions a[data-action="ship"]')
        page.fill("input[name=tracking]", TRACKING)
        page.click("input[name=_confirm]")
        expect(page.locator("ul.messagelist")).to_contain_text(f"shipped with tracking number {TRACKING}")
        expect(page.locator("#summary-shipment-state")).to_have_text("Shipped")
        expect(page.locator(".staff-actions")).not_to_contain_text(re.compile(r"Ship H\d+"))

    shipment.refresh_from_db(), order.refresh_from_db()
    assert (shipment.state, shipment.tracking) == (ShipmentState.SHIPPED, TRACKING)
    assert order.shipment_state == OrderShipmentState.SHIPPED
