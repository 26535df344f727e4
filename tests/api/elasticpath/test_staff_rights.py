"""A client-credentials token acts for its staff user, and each thing it does for others asks for the Django
permissions the admin's buttons ask for (core.staff_rights). Without them: Elastic Path's 403, nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_fsm_log.models import StateLog
from rest_framework_simplejwt.tokens import AccessToken

from carts.models import Cart, CartItem
from checkout.models import Order
from customers.models import CompanyMember
from payments.models import Payment, PaymentTransaction
from tests.api.elasticpath.helpers import BERLIN, add_item, checkout_body, guest_checkout
from tests.factories import staff_user

GUEST = {"X-Moltin-Cart-Id": "rights-cart"}


@pytest.fixture
def shop(demo_shop_for_module, db):
    """The demo shop, loaded once for this module; what a test writes is rolled back."""


def bearer(user) -> dict:
    """The client-credentials token of ``user``, as POST /oauth/access_token issues it."""
    token = AccessToken.for_user(user)
    token["grant_type"] = "client_credentials"
    return {"Authorization": f"Bearer {token}"}


def database() -> tuple:
    """Everything a staff path could change: orders, payments and their history, carts and their items."""
    return (
        list(Order.objects.order_by("pk").values_list("pk", "state", "payment_state", "order_number", "external_ref",
                                                        "bill_address_id", "ship_address_id", "customer_id")),
        list(Payment.objects.order_by("pk").values_list("pk", "state", "captured_amount", "refunded_amount",
                                                          "provider_call")),
        list(PaymentTransaction.objects.order_by("pk").values_list("pk", "kind")),
        list(Cart.objects.order_by("pk").values_list("pk", "reference", "customer_id", "anonymous_id")),
        list(CartItem.objects.order_by("pk").values_list("pk", "cart_id", "variant_id", "quantity")),
        StateLog.objects.count(),
    )


def refused(response, *permissions: str) -> None:
    assert response.status_code == 403, response.content
    (error,) = response.json()["errors"]
    assert error["status"] == 403 and error["title"] == "Forbidden"
    if permissions:
        assert error["meta"] == {"code": "staff_permission_missing", "permissions": list(permissions)}
        assert error["detail"].endswith(f"needs a staff user with the permission {' and '.join(permissions)}.")


# --- what each path needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPath:
    needs: tuple[str, ...]
    send: Callable  # (ep, world, headers) -> response
    worked: Callable = lambda response, world: None  # what a user sees after it worked


def _order(ep, cart_id: str) -> dict:
    add_item(ep, cart_id, "066_23294028", 1)
    return guest_checkout(ep, cart_id).json()["data"]


def _pay(ep, order_id: str, method: str, **headers):
    return ep.post(f"/v2/orders/{order_id}/payments", {"data": {"gateway": "manual", "method": method}}, **headers)


def _spencors_cart(ep, spencor_token) -> None:
    add_item(ep, "spencors", "066_23294028", 1, **{"X-Moltin-Customer-Token": spencor_token})
    assert ep.post("/v2/carts/spencors/relationships/customers", {"data": [{"type": "customer", "id": "DE--1"}]},
                   **{"X-Moltin-Customer-Token": spencor_token}).status_code == 200


def _order_status(response, world) -> str:
    return Order.objects.get(uuid=world["order"]["id"]).state


PATHS = {
    "list every order": StaffPath(
        ("checkout.view_order",), lambda ep, w, h: ep.get("/v2/orders", **h),
        lambda r, w: w["order"]["id"] in [o["id"] for o in r.json()["data"]]),
    "read an order": StaffPath(
        ("checkout.view_order",), lambda ep, w, h: ep.get(f"/v2/orders/{w['order']['id']}", **h),
        lambda r, w: r.json()["data"]["contact"]["email"] == "ada@example.com"),
    "read an order's items": StaffPath(
        ("checkout.view_order",), lambda ep, w, h: ep.get(f"/v2/orders/{w['order']['id']}/items", **h)),
    "read an order's transactions": StaffPath(
        ("checkout.view_order",), lambda ep, w, h: ep.get(f"/v2/orders/{w['order']['id']}/transactions", **h)),
    "edit an order's references": StaffPath(
        ("checkout.change_order",),
        lambda ep, w, h: ep.put(f"/v2/orders/{w['order']['id']}", {"data": {"type": "order", "order_number": "PO-1"}},
                                **h),
        lambda r, w: Order.objects.get(uuid=w["order"]["id"]).order_number == "PO-1"),
    "edit an order's address": StaffPath(
        ("checkout.change_order",),
        lambda ep, w, h: ep.put(f"/v2/orders/{w['order']['id']}", {"data": {
            "type": "order", "billing_address": {**BERLIN, "line_1": "Unter den Linden 5"}}}, **h),
        lambda r, w: Order.objects.get(uuid=w["order"]["id"]).bill_address.address1 == "Unter den Linden 5"),
    "cancel an order": StaffPath(
        ("checkout.change_order", "checkout.cancel_order"),
        lambda ep, w, h: ep.put(f"/v2/orders/{w['order']['id']}", {"data": {"type": "order", "status": "cancelled"}},
                                **h),
        lambda r, w: _order_status(r, w) == "canceled"),
    "record a purchase": StaffPath(
        ("checkout.change_order", "payments.capture_payment"),
        lambda ep, w, h: _pay(ep, w["fresh"]["id"], "purchase", **h),
        lambda r, w: Order.objects.get(uuid=w["fresh"]["id"]).payment_state == "paid"),
    "authorize for the shopper": StaffPath(
        ("checkout.change_order",), lambda ep, w, h: _pay(ep, w["fresh"]["id"], "authorize", **h),
        lambda r, w: r.json()["data"]["transaction_type"] == "authorize"),
    "capture": StaffPath(
        ("checkout.change_order", "payments.capture_payment"),
        lambda ep, w, h: ep.post(f"/v2/orders/{w['order']['id']}/transactions/{w['authorize']}/capture", **h),
        lambda r, w: Order.objects.get(uuid=w["order"]["id"]).payment_state == "paid"),
    "refund": StaffPath(
        ("checkout.change_order", "payments.refund_payment"),
        lambda ep, w, h: ep.post(f"/v2/orders/{w['paid']['id']}/transactions/{w['purchase']}/refund", **h),
        lambda r, w: Payment.objects.get(order__uuid=w["paid"]["id"]).state == "refunded"),
    "read a customer's cart": StaffPath(
        ("carts.view_cart",), lambda ep, w, h: ep.get("/v2/carts/spencors/items", **h),
        lambda r, w: len(r.json()["data"]) == 1),
    "change a customer's cart": StaffPath(
        ("carts.change_cart",), lambda ep, w, h: add_item(ep, "spencors", "066_23294028", 2, **h),
        lambda r, w: CartItem.objects.get(cart__reference="spencors").quantity == 3),
    "check out a customer's cart as it is owned": StaffPath(
        ("carts.change_cart", "checkout.add_order"),
        lambda ep, w, h: ep.post("/v2/carts/spencors/checkout", checkout_body(
            customer={"name": "Spencor Hopkin", "email": "spencor.hopkin@spryker.com"}), **h),
        lambda r, w: Order.objects.get(uuid=r.json()["data"]["id"]).customer.reference == "DE--1"),
    "check out for a customer id": StaffPath(
        ("carts.change_cart", "checkout.add_order"),
        lambda ep, w, h: ep.post("/v2/carts/rights-anonymous/checkout", checkout_body(customer={"id": "DE--1"}), **h),
        lambda r, w: Order.objects.get(uuid=r.json()["data"]["id"]).customer.reference == "DE--1"),
    "check out for an account member": StaffPath(
        ("carts.change_cart", "checkout.add_order"),
        lambda ep, w, h: ep.post("/v2/carts/rights-anonymous/checkout", checkout_body(
            account={"id": w["account"], "member_id": w["member"]},
            contact={"name": "Sonia Wagner", "email": "purchasing@spryker.com"}), **h),
        lambda r, w: Order.objects.get(uuid=r.json()["data"]["id"]).customer.email == "sonia@spryker.com"),
}


@pytest.fixture
def world(shop, ep, backend_token, spencor_token) -> dict:
    """Guests' orders: one authorised, one paid, one not paid yet; Spencor's cart; an anonymous cart."""
    backend = {"Authorization": f"Bearer {backend_token}"}
    order, paid, fresh = _order(ep, "rights-cart"), _order(ep, "rights-paid"), _order(ep, "rights-fresh")
    _spencors_cart(ep, spencor_token)
    add_item(ep, "rights-anonymous", "066_23294028", 1)
    member = CompanyMember.objects.select_related("business_unit__company").get(customer__email="sonia@spryker.com")
    return {"order": order, "paid": paid, "fresh": fresh,
            "authorize": _pay(ep, order["id"], "authorize", **GUEST).json()["data"]["id"],
            "purchase": _pay(ep, paid["id"], "purchase", **backend).json()["data"]["id"],
            "account": str(member.business_unit.company.uuid), "member": str(member.uuid)}


@pytest.mark.parametrize("name", PATHS)
def test_each_staff_path_asks_for_its_permissions(ep, world, name):
    path = PATHS[name]
    before = database()

    for missing in (None, *path.needs):
        granted = [p for p in path.needs if p != missing] if missing else []
        refused(path.send(ep, world, bearer(staff_user(*granted, username=f"clerk-{missing}"))))
        assert database() == before, f"changed by a clerk without {missing or 'any permission'}"

    response = path.send(ep, world, bearer(staff_user(*path.needs, username="clerk")))

    assert response.status_code in (200, 201), response.content
    assert path.worked(response, world) in (None, True)


def test_a_staff_user_without_permissions_gets_a_token_and_403_with_it(ep, world, client):
    """The issue's report: such a user listed every order, recorded a purchase and a refund."""
    nobody = get_user_model().objects.create_user("nobody", "nobody@example.com", "nobody-password-1", is_staff=True)
    client.force_login(nobody)
    assert client.get("/admin/checkout/order/").status_code == 403
    issued = client.post("/oauth/access_token", {"grant_type": "client_credentials", "client_id": "nobody",
                                                 "client_secret": "nobody-password-1"})
    assert issued.status_code == 200
    nobody = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    before = database()

    listed = ep.get("/v2/orders", **nobody)
    purchased = _pay(ep, world["fresh"]["id"], "purchase", **nobody)
    refunded = ep.post(f"/v2/orders/{world['paid']['id']}/transactions/{world['purchase']}/refund", **nobody)

    refused(listed, "checkout.view_order")
    assert listed.json()["errors"][0]["detail"] == (
        "Reading orders that are not your own needs a staff user with the permission checkout.view_order.")
    assert "data" not in listed.json()
    refused(purchased, "checkout.change_order")
    refused(refunded, "checkout.change_order")
    assert database() == before


def test_a_permission_granted_through_a_group_works(ep, world):
    clerks = Group.objects.create(name="Order readers")
    clerks.permissions.add(Permission.objects.get(content_type__app_label="checkout", codename="view_order"))
    clerk = staff_user(username="grouped")
    clerk.groups.add(clerks)

    assert ep.get(f"/v2/orders/{world['order']['id']}", **bearer(clerk)).status_code == 200


def test_change_order_lets_a_clerk_read_orders_as_the_admin_does(ep, world):
    clerk = staff_user("checkout.change_order", username="changer")

    assert ep.get("/v2/orders", **bearer(clerk)).status_code == 200


def test_a_token_stops_acting_as_staff_when_its_user_is_no_longer_staff_or_active(ep, world):
    clerk = staff_user("checkout.view_order", "checkout.change_order", "payments.capture_payment", username="leaver")
    token = bearer(clerk)
    assert ep.get("/v2/orders", **token).status_code == 200

    get_user_model().objects.filter(pk=clerk.pk).update(is_staff=False)
    no_longer_staff = ep.get("/v2/orders", **token)
    get_user_model().objects.filter(pk=clerk.pk).update(is_staff=True, is_active=False)
    inactive = _pay(ep, world["order"]["id"], "purchase", **token)

    assert no_longer_staff.status_code == inactive.status_code == 401
    assert Order.objects.get(uuid=world["order"]["id"]).payment_state == "balance_due"


def test_the_shopper_still_pays_and_reads_their_own_order_without_any_permission(ep, world):
    assert ep.get(f"/v2/orders/{world['order']['id']}", **GUEST).status_code == 200
    assert ep.put(f"/v2/orders/{world['order']['id']}", {"data": {"type": "order", "order_number": "MY-1"}},
                  **GUEST).status_code == 200


def test_a_staff_members_customer_login_acts_for_the_customer_not_as_staff(ep, world):
    """Only a client-credentials token acts for staff: the same user's customer login is theirs alone."""
    spencor = get_user_model().objects.get(email="spencor.hopkin@spryker.com")
    spencor.is_staff = True
    spencor.save(update_fields=["is_staff"])
    spencor.user_permissions.add(*Permission.objects.filter(codename__in=["view_order", "change_order"]))
    logged_in = ep.post("/v2/customers/tokens", {"data": {"type": "token", "email": "spencor.hopkin@spryker.com",
                                                          "password": "change123"}})
    as_customer = {"Authorization": f"Bearer {logged_in.json()['data']['token']}"}

    listed = ep.get("/v2/orders", **as_customer)
    guests_order = ep.get(f"/v2/orders/{world['order']['id']}", **as_customer)

    assert listed.status_code == 200
    assert {o["contact"]["email"] for o in listed.json()["data"]} <= {"spencor.hopkin@spryker.com"}
    assert guests_order.status_code == 404
    assert ep.get(f"/v2/orders/{world['order']['id']}", **bearer(spencor)).status_code == 200
