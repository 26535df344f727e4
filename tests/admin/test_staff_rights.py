"""The admin and the APIs ask one question (core.staff_rights): a clerk who may refund but not capture
refunds on the order page and through Elastic Path, and captures in neither; the same for each act."""

import json

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from checkout.models import Order, OrderState
from payments.models import Payment, PaymentState
from tests.admin.pages import act, admin_url, demo_order, staff_with, transition_buttons

ORDER_CLERK = ("checkout.view_order", "checkout.change_order")
EP_GUEST_CHECKOUT = {"data": {
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
    "billing_address": {"first_name": "Ada", "last_name": "Lovelace", "line_1": "Julie-Wolfthorn-Straße 1",
                        "city": "Berlin", "postcode": "10115", "country": "DE"},
    "shipping_address": {"first_name": "Ada", "last_name": "Lovelace", "line_1": "Julie-Wolfthorn-Straße 1",
                         "city": "Berlin", "postcode": "10115", "country": "DE"},
}}


def _ep(client, path: str, body=None, **headers):
    return client.post(path, data=json.dumps(body) if body is not None else "", content_type="application/json",
                       headers=headers)


def _ep_order(client, cart_id: str) -> str:
    _ep(client, f"/v2/carts/{cart_id}/items", {"data": {"type": "cart_item", "sku": "066_23294028", "quantity": 1}})
    response = _ep(client, f"/v2/carts/{cart_id}/checkout", EP_GUEST_CHECKOUT)
    assert response.status_code == 200, response.content
    return response.json()["data"]["id"]


def _ep_pay(client, order_id: str, method: str, **headers) -> str:
    response = _ep(client, f"/v2/orders/{order_id}/payments", {"data": {"gateway": "manual", "method": method}},
                   **headers)
    assert response.status_code == 200, response.content
    return response.json()["data"]["id"]


def _bearer(user) -> dict:
    token = AccessToken.for_user(user)
    token["grant_type"] = "client_credentials"  # as POST /oauth/access_token issues it
    return {"Authorization": f"Bearer {token}"}


def _admin_does(client) -> set[str]:
    """What the clerk gets done on the order page: capture (order 1, authorised), refund (order 2, captured),
    cancel (order 1); each tried whether or not its button is shown."""
    authorised, captured = demo_order(1), demo_order(2)
    buttons = transition_buttons(client.get(admin_url(Order, "change", authorised.pk))) | transition_buttons(
        client.get(admin_url(Order, "change", captured.pk)))
    act(client, authorised, "capture", authorised.payments.get())
    act(client, captured, "refund", captured.payments.get())
    act(client, authorised, "cancel")
    done = {
        "capture": Payment.objects.get(order=authorised).state == PaymentState.COMPLETED,
        "refund": Payment.objects.get(order=captured).state == PaymentState.REFUNDED,
        "cancel": Order.objects.get(pk=authorised.pk).state == OrderState.CANCELED,
    }
    assert buttons & set(done) == {name for name, worked in done.items() if worked}  # offered what works
    return {name for name, worked in done.items() if worked}


def _api_does(client, clerk, boss) -> set[str]:
    """What the clerk's client-credentials token gets done through Elastic Path on orders in the same states."""
    authorised, paid, fresh = (_ep_order(client, f"same-{n}") for n in ("authorised", "paid", "fresh"))
    authorisation = _ep_pay(client, authorised, "authorize", **{"X-Moltin-Cart-Id": "same-authorised"})
    purchase = _ep_pay(client, paid, "purchase", **_bearer(boss))
    token = _bearer(clerk)
    answers = {
        "capture": _ep(client, f"/v2/orders/{authorised}/transactions/{authorisation}/capture", **token),
        "refund": _ep(client, f"/v2/orders/{paid}/transactions/{purchase}/refund", **token),
        "cancel": client.put(f"/v2/orders/{fresh}", data=json.dumps({"data": {"type": "order", "status": "cancelled"}}),
                             content_type="application/json", headers=token),
    }
    assert all(response.status_code in (200, 403) for response in answers.values()), answers
    return {name for name, response in answers.items() if response.status_code == 200}


@pytest.mark.parametrize(("permission", "act_allowed"), [
    ("payments.refund_payment", "refund"),
    ("payments.capture_payment", "capture"),
    ("checkout.cancel_order", "cancel"),
])
def test_the_admin_and_the_api_ask_the_same_question(demo_shop, admin_client_for, superuser, permission,
                                                      act_allowed):
    clerk = staff_with(*ORDER_CLERK, permission)
    client = admin_client_for(clerk)

    in_admin = _admin_does(client)
    through_api = _api_does(client, clerk, superuser)

    assert in_admin == through_api == {act_allowed}


def test_a_payment_permission_without_the_order_permissions_acts_in_neither(demo_shop, admin_client_for, superuser):
    clerk = staff_with("checkout.view_order", "payments.refund_payment")
    client = admin_client_for(clerk)

    assert _api_does(client, clerk, superuser) == set()
    captured = demo_order(2)
    assert act(client, captured, "refund", captured.payments.get()).status_code == 403
    assert Payment.objects.get(order=captured).state == PaymentState.COMPLETED
