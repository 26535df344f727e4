"""The order confirmation e-mail, sent after the placement commits (``events.recording``).

Text and HTML from ``templates/emails/order_confirmation.{txt,html}``; amounts formatted as
money (``core.money.format_money``). Runs outside any transaction: a mail server that fails
is logged and never undoes or delays the order.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch
from django.template.loader import render_to_string

from checkout.models import Order
from core.money import format_money
from shipping.models import Shipment

logger = logging.getLogger(__name__)


def order_confirmation_context(order: Order, line_items=None, shipments=None) -> dict:
    """What the templates show. ``line_items`` and ``shipments`` (with address, country and
    method): as placement wrote them; read from the order when not given."""
    money = lambda amount: format_money(amount, order.currency)  # noqa: E731
    shipments = list(order.shipments.all()) if shipments is None else shipments
    line_items = order.line_items.all() if line_items is None else line_items
    return {
        "order": order,
        "reference": order.reference or order.number,
        "items": [{"name": item.name, "sku": item.sku, "quantity": item.quantity,
                   "unit_price": money(item.unit_price), "total": money(item.sum_price_to_pay)}
                  for item in line_items],
        "totals": [(label, money(amount)) for label, amount, show in (
            ("Subtotal", order.item_total, True),
            ("Discounts", -order.discount_total, order.discount_total),
            ("Shipping", order.expense_total, True),
            ("Tax included" if order.included_tax_total else "Tax", order.tax_total, order.tax_total),
        ) if show],
        "grand_total": money(order.grand_total),
        "bill_address": order.bill_address,
        "shipments": [{"address": s.address, "method": s.method.name if s.method else ""} for s in shipments],
    }


def order_confirmation_send(*, order_id: int, placed: tuple | None = None) -> bool:
    """Send the confirmation of a placed order to its e-mail; False when there is nobody to send it to.

    ``placed``: (order, line items, shipments) as placement wrote them, so nothing is read
    again; otherwise the order is read (three queries in all).
    """
    if placed is not None:
        order, line_items, shipments = placed
    else:
        order = (Order.objects.select_related("bill_address__country")
                 .prefetch_related("line_items", Prefetch("shipments", queryset=Shipment.objects.select_related(
                     "address__country", "method").order_by("pk")))
                 .get(pk=order_id))
        line_items = shipments = None
    if not order.email:
        logger.info("Order %s has no e-mail address: no confirmation sent", order)
        return False
    context = order_confirmation_context(order, line_items, shipments)
    subject = f"Your order {context['reference']}"
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string("emails/order_confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[order.email],
    )
    message.attach_alternative(render_to_string("emails/order_confirmation.html", context), "text/html")
    message.send()
    logger.info("Order %s: confirmation sent", order)
    return True
