"""Management commands: what they print, and a clear message with a non-zero exit on bad arguments."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from checkout.models import OrderState

ROOT = Path(__file__).resolve().parents[2]


def graph(*args) -> str:
    out = StringIO()
    call_command("order_graph", *args, stdout=out)
    return out.getvalue()


def test_order_graph_draws_every_state_and_every_transition_of_the_checkout():
    dot = graph()
    assert dot.startswith("digraph {")
    for state in OrderState.values:
        assert f'"checkout.order.state.{state}"' in dot
    for transition in ("to_address", "to_delivery", "to_payment", "to_confirm", "complete", "cancel", "resume",
                       "authorize_return", "receive_return", "cancel_return", "to_cart"):
        assert f"[label={transition}]" in dot
    assert '"checkout.order.state.confirm" -> "checkout.order.state.complete" [label=complete]' in dot
    assert '"checkout.order.state.address" -> "checkout.order.state.payment" [label=to_payment]' in dot


def test_order_graph_draws_the_step_checkouts_draft_too():
    dot = graph("draft")
    for transition in ("to_address", "to_delivery", "to_payment", "to_confirm", "complete", "back_to_address",
                       "back_to_cart"):
        assert f"[label={transition}]" in dot
    assert ('"checkout.checkout_draft.state.cart" -> "checkout.checkout_draft.state.address" [label=to_address]'
            in dot)
    assert ('"checkout.checkout_draft.state.confirm" -> "checkout.checkout_draft.state.complete" [label=complete]'
            in dot)


def test_order_graph_prints_the_same_text_every_time():
    assert graph() == graph()


@pytest.mark.parametrize(("machine", "edge"), [
    ("payment", '"payments.payment.state.pending" -> "payments.payment.state.completed" [label=capture]'),
    ("shipment", '"shipping.shipment.state.ready" -> "shipping.shipment.state.shipped" [label=ship]'),
    ("payment_state", '"checkout.order.payment_state.paid" -> "checkout.order.payment_state.credit_owed"'),
])
def test_order_graph_draws_the_other_state_machines(machine, edge):
    assert edge in graph(machine)


def test_order_graph_refuses_an_unknown_machine():
    with pytest.raises(CommandError, match="invalid choice: 'bogus'"):
        graph("bogus")


@pytest.mark.parametrize(("args", "message"), [
    (["order_graph", "bogus"], "invalid choice: 'bogus'"),
    (["seed_demo", "--staff-password", "x"], "at least 4 characters"),
    (["seed_demo", "--no-such-option"], "unrecognized arguments"),
])
def test_commands_exit_non_zero_with_a_clear_message_on_bad_arguments(args, message):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
