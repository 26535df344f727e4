"""What a staff user may do: each act, the Django permissions it needs, and who holds them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from checkout.models import Order
from core.staff_rights import NEEDS, StaffAct, StaffPermissionMissing, staff_may, staff_require
from payments.models import Payment
from shipping.models import Shipment
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db

# The admin's order page offers its buttons only to staff who may change orders: every act on an order needs it.
EXPECTED = {
    StaffAct.READ_ORDERS: ("checkout.view_order",),
    StaffAct.EDIT_ORDERS: ("checkout.change_order",),
    StaffAct.CANCEL_ORDER: ("checkout.change_order", "checkout.cancel_order"),
    StaffAct.RESUME_ORDER: ("checkout.change_order", "checkout.resume_order"),
    StaffAct.RETURN_ORDER: ("checkout.change_order", "checkout.return_order"),
    StaffAct.SHIP_SHIPMENT: ("checkout.change_order", "shipping.ship_shipment"),
    StaffAct.CAPTURE_PAYMENT: ("checkout.change_order", "payments.capture_payment"),
    StaffAct.RECORD_PAYMENT: ("checkout.change_order", "payments.capture_payment"),
    StaffAct.REFUND_PAYMENT: ("checkout.change_order", "payments.refund_payment"),
    StaffAct.VOID_PAYMENT: ("checkout.change_order", "payments.void_payment"),
    StaffAct.READ_CARTS: ("carts.view_cart",),
    StaffAct.CHANGE_CARTS: ("carts.change_cart",),
    StaffAct.PLACE_ORDER_FOR_CUSTOMER: ("carts.change_cart", "checkout.add_order"),
}


def test_each_act_needs_these_permissions_and_they_exist():
    assert {act: needs for act, (needs, _) in NEEDS.items()} == EXPECTED
    for needs in EXPECTED.values():
        for dotted in needs:
            app_label, codename = dotted.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), dotted


@pytest.mark.parametrize("act", list(StaffAct))
def test_a_staff_user_may_do_an_act_with_all_its_permissions_and_not_without_one(act):
    needs = EXPECTED[act]
    assert staff_may(staff_user(*needs), act)
    for missing in needs:
        assert not staff_may(staff_user(*(p for p in needs if p != missing)), act)


def test_a_superuser_may_do_everything_while_active_and_staff():
    boss = UserFactory(superuser=True)
    assert all(staff_may(boss, act) for act in StaffAct)
    get_user_model().objects.filter(pk=boss.pk).update(is_active=False)
    assert not any(staff_may(get_user_model().objects.get(pk=boss.pk), act) for act in StaffAct)


def test_permissions_of_someone_who_is_not_staff_count_for_nothing():
    customer = UserFactory(permissions=["checkout.view_order", "checkout.change_order", "payments.refund_payment"])
    customer = get_user_model().objects.get(pk=customer.pk)
    assert not staff_may(customer, StaffAct.READ_ORDERS)
    assert not staff_may(customer, StaffAct.REFUND_PAYMENT)
    assert not staff_may(None, StaffAct.READ_ORDERS)


def test_a_group_grants_its_permissions():
    group = Group.objects.create(name="Refunds")
    group.permissions.add(*Permission.objects.filter(codename__in=["change_order", "refund_payment"]))
    clerk = staff_user()
    clerk.groups.add(group)
    clerk = get_user_model().objects.get(pk=clerk.pk)
    assert staff_may(clerk, StaffAct.REFUND_PAYMENT)
    assert not staff_may(clerk, StaffAct.CAPTURE_PAYMENT)


def test_changing_lets_a_clerk_read_as_in_the_admin():
    assert staff_may(staff_user("checkout.change_order"), StaffAct.READ_ORDERS)
    assert staff_may(staff_user("carts.change_cart"), StaffAct.READ_CARTS)
    assert not staff_may(staff_user("carts.change_cartitem"), StaffAct.READ_CARTS)


def test_a_refusal_is_a_coded_403_naming_the_act_and_its_permissions():
    with pytest.raises(StaffPermissionMissing) as refused:
        staff_require(staff_user("payments.refund_payment"), StaffAct.REFUND_PAYMENT)

    assert (refused.value.code, refused.value.status) == ("staff_permission_missing", 403)
    assert refused.value.detail == ("Refunding a payment needs a staff user with the permission "
                                    "checkout.change_order and payments.refund_payment.")
    assert refused.value.meta == {"permissions": ["checkout.change_order", "payments.refund_payment"]}


@pytest.mark.parametrize(("model", "transition", "act"), [
    (Order, "cancel", StaffAct.CANCEL_ORDER),
    (Order, "resume", StaffAct.RESUME_ORDER),
    (Order, "authorize_return", StaffAct.RETURN_ORDER),
    (Order, "receive_return", StaffAct.RETURN_ORDER),
    (Order, "cancel_return", StaffAct.RETURN_ORDER),
    (Shipment, "ship", StaffAct.SHIP_SHIPMENT),
    (Payment, "capture", StaffAct.CAPTURE_PAYMENT),
    (Payment, "refund", StaffAct.REFUND_PAYMENT),
    (Payment, "void", StaffAct.VOID_PAYMENT),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_the_state_machines_ask_the_same_question(model, transition, act):
    """django-fsm's own permission checks (the admin lists transitions with them) answer as staff_may."""
    (permission,) = {t.permission for t in getattr(model, transition)._django_fsm.transitions.values()}
    for user in (staff_user(*EXPECTED[act]), staff_user(EXPECTED[act][-1]), UserFactory(superuser=True)):
        assert permission(None, user) == staff_may(user, act)
