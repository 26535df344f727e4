"""Money the shop owes its customers — a redirect payment the provider confirmed after its order was
canceled — is listed by reconcile_checkouts and on the admin index until staff refund it or resume
the order."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from carts.models import Cart, CartItem
from catalog.models import Store, Variant
from checkout.inputs import AddressInput, CheckoutData, CustomerInput, ShipmentInput
from checkout.models import Order
from checkout.payment_confirmation import order_payment_confirm
from checkout.placement import Shopper, order_place
from checkout.services import order_apply_staff_transition
from core.money import format_money
from payments.providers.redirect import redirect_confirmation_hash
from tests.admin.pages import act, messages_of, transition_buttons

pytestmark = pytest.mark.django_db
GUEST = Shopper(anonymous_id="guest-owed")


@pytest.fixture
def owed(db, superuser) -> Order:
    """A redirect order canceled by staff, whose payment the provider then confirmed."""
    call_command("seed_demo", stdout=StringIO())
    cart = Cart.objects.create(store=Store.objects.get(code="DE"), anonymous_id=GUEST.anonymous_id, currency="EUR")
    CartItem.objects.create(cart=cart, variant=Variant.objects.get(sku="047_26408568"), quantity=1)
    address = AddressInput(first_name="A", last_name="B", address1="Street 1", zip_code="10115", city="Berlin",
                           iso2_code="DE")
    data = CheckoutData(customer=CustomerInput(email="a@example.com"), billing_address=address,
                        shipments=(ShipmentInput(address=address, method_id=1),),
                        payments=({"paymentProviderName": "DummyExternalPayment", "paymentMethodName": "redirect"},))
    order = order_place(cart_uuid=cart.uuid, shopper=GUEST, data=data).order
    order_apply_staff_transition(order_id=order.pk, transition="cancel", by=superuser)
    payment = order.payments.get()
    order_payment_confirm(payment_identifier=order.reference, owner={"customer__anonymous_id": GUEST.anonymous_id},
                          payload=[{"type": "payment-confirmation",
                                    "hash": redirect_confirmation_hash(payment.transaction_id)}])
    order.refresh_from_db()
    assert order.payment_state == "credit_owed"
    return order


def reconcile(*args) -> str:
    out = StringIO()
    call_command("reconcile_checkouts", *args, stdout=out, stderr=out)
    return out.getvalue()


def index(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def test_reconcile_checkouts_lists_the_money_owed_until_staff_refund_it(owed, superuser, client):
    amount = format_money(owed.grand_total, owed.currency)
    line = (f"order {owed} (canceled): {amount} taken by {owed.payments.get().method}, owed to the customer; "
            f"refund it or resume the order")

    report = reconcile()
    assert "Money owed to customers: 1" in report and line in report
    fixed = reconcile("--fix")  # staff's call, never repaired by the command
    assert "Money owed to customers: 1, fixed 0" in fixed and line in fixed
    owed.refresh_from_db()
    assert owed.payment_state == "credit_owed"

    client.force_login(superuser)
    refunded = act(client, owed, "refund", owed.payments.get())
    method = owed.payments.get().method
    assert messages_of(refunded) == [f"Payment {method} {amount} is refunded: order {owed} is void."]

    report = reconcile()
    assert "Money owed to customers: 0" in report and str(owed) not in report


def test_the_admin_index_shows_the_money_owed_until_staff_resume_the_order(owed, superuser, client):
    client.force_login(superuser)
    response = index(client)
    tile = response.context["dashboard"].credit_owed
    amount = format_money(owed.grand_total, owed.currency)
    assert (tile.title, tile.count) == ("Money owed to customers", 1)
    assert tile.rows == [(f"{owed} (canceled) — {amount} to refund", reverse("admin:checkout_order_change",
                                                                           args=[owed.pk]))]
    page = response.content.decode()
    assert 'id="dashboard-credit-owed"' in page and f"{owed} (canceled) — {amount} to refund" in page
    listed = client.get(tile.url)
    assert list(listed.context["cl"].result_list) == [owed]
    order_page = client.get(reverse("admin:checkout_order_change", args=[owed.pk]))  # the row links here
    assert f'Owed to the customer</th><td class="amount">{amount}</td>' in order_page.content.decode()
    assert {"refund", "resume"} <= transition_buttons(order_page)

    resumed = act(client, owed, "resume")
    assert messages_of(resumed) == [f"Resume order: order {owed} is now complete."]

    owed.refresh_from_db()
    assert (owed.state, owed.payment_state) == ("complete", "paid")
    tile = index(client).context["dashboard"].credit_owed
    assert (tile.count, tile.rows) == (0, [])
    assert "Money owed to customers: 0" in reconcile()
