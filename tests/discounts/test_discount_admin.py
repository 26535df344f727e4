"""Staff set up cart rules and vouchers in the admin, typing money in major units."""

import pytest
from django.urls import reverse

from core.money import format_money
from discounts.models import CartRule, CartRuleKind, Voucher
from tests.discounts.rows import make_rule, make_voucher

pytestmark = pytest.mark.django_db


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{field}": value for field, value in row.items()})
    return data


def test_a_rule_is_added_with_its_minimums_and_amounts_in_major_units(admin_client, de):
    response = admin_client.post(reverse("admin:discounts_cartrule_add"), {
        "name": "5 off above 100", "description": "", "kind": CartRuleKind.FIXED, "percentage": "",
        "price_mode": "", "stores": [de.pk], "is_active": "on", "priority": 10, "requires_voucher": "on",
        **inline("minimums", [{"currency": "EUR", "min_subtotal": "100.00"},
                              {"currency": "JPY", "min_subtotal": "1200"}]),
        **inline("fixed_amounts", [{"currency": "EUR", "amount": "5.00"}, {"currency": "JPY", "amount": "500"}]),
        **inline("vouchers", [{"code": "SAVE5", "max_uses": 100, "is_active": "on"}]),
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    rule = CartRule.objects.get(name="5 off above 100")
    assert sorted(rule.minimums.values_list("currency", "min_subtotal")) == [("EUR", 10000), ("JPY", 1200)]
    assert sorted(rule.fixed_amounts.values_list("currency", "amount")) == [("EUR", 500), ("JPY", 500)]
    assert list(rule.stores.all()) == [de]
    assert Voucher.objects.get(rule=rule).code == "SAVE5"


def test_a_percentage_rule_without_a_percentage_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("admin:discounts_cartrule_add"), {
        "name": "10%", "kind": CartRuleKind.PERCENTAGE, "percentage": "", "priority": 10,
        **inline("minimums", []), **inline("fixed_amounts", []), **inline("vouchers", []),
    })
    assert response.status_code == 200
    assert "Percentage rules need a percentage; other kinds take none." in response.content.decode()
    assert not CartRule.objects.exists()


@pytest.mark.parametrize(("requires_voucher", "vouchers", "error"), [
    ("on", [{"code": "SAVE5"}, {"code": "save5"}], "Each voucher code can be given once"),
    ("", [{"code": "SAVE5"}], "Vouchers are for rules that require one: tick “requires voucher”"),
])
def test_vouchers_that_would_break_a_rule_are_refused_with_a_message(admin_client, requires_voucher, vouchers,
                                                                     error):
    response = admin_client.post(reverse("admin:discounts_cartrule_add"), {
        "name": "5 off", "kind": CartRuleKind.FIXED, "priority": 10, "requires_voucher": requires_voucher,
        **inline("minimums", []), **inline("fixed_amounts", [{"currency": "EUR", "amount": "5.00"}]),
        **inline("vouchers", [{**row, "is_active": "on"} for row in vouchers]),
    })
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CartRule.objects.exists()


def test_the_rule_list_shows_each_value_as_staff_read_it(admin_client, django_assert_max_num_queries):
    make_rule("10% off", percentage="12.50")
    make_rule("5 off", kind=CartRuleKind.FIXED, amounts={"EUR": 500, "USD": 600})
    make_rule("Free delivery", kind=CartRuleKind.FREE_SHIPPING)
    with django_assert_max_num_queries(12):
        content = admin_client.get(reverse("admin:discounts_cartrule_changelist")).content.decode()
    for shown in ("12.5%", f"{format_money(500, 'EUR')}, {format_money(600, 'USD')}", "free shipping"):
        assert shown in content


def test_the_rule_page_shows_minimums_in_major_units(admin_client):
    rule = make_rule(minimums={"EUR": 10000})
    content = admin_client.get(reverse("admin:discounts_cartrule_change", args=[rule.pk])).content.decode()
    assert 'value="100.00"' in content


def test_staff_find_vouchers_by_code_and_cannot_edit_the_use_count(admin_client):
    voucher = make_voucher("SAVE5", max_uses=10, times_used=3)
    make_voucher("OTHER", rule=voucher.rule)
    response = admin_client.get(reverse("admin:discounts_voucher_changelist"), {"q": "save5"})
    assert [v.code for v in response.context["cl"].result_list] == ["SAVE5"]
    page = admin_client.get(reverse("admin:discounts_voucher_change", args=[voucher.pk]))
    assert "times_used" in page.context["adminform"].readonly_fields
    assert 'name="times_used"' not in page.content.decode()
