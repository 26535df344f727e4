"""Phase 4 of placing an order: write it. Runs inside the finalize transaction.

Rows are written in bulk, so the number of queries does not grow with the number of items.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from checkout.models import Adjustment, AdjustmentKind, Expense, LineItem, Order, OrderAddress
from checkout.placement_plan import Plan
from pricing import GROSS_MODE, LineTotals
from checkout.services import order_reference_next, order_update_states
from customers.models import Customer
from discounts.services import voucher_redeem
from events.recording import order_parts_written
from payments.models import Payment
from payments.saved_cards import credit_card_keep
from payments.services import payment_attempt_attach
from shipping.models import Shipment, ShippingRate
from shipping.selectors import stock_location_ids_for
from shipping.services import StockRequest, stock_reserve


def order_write(*, plan: Plan, attempt, authorization, shopper, fingerprint: str) -> Order:
    """``fingerprint``: of the request placing it, which alone gets the order back by repeating itself."""
    customer = plan.customer or _guest(plan, shopper.anonymous_id)
    addresses = OrderAddress.objects.bulk_create([plan.billing_address, *(s.address for s in plan.shipments)])
    order = _order(plan, customer, addresses[0], fingerprint)
    shipments, expenses = _shipments(plan, order, addresses[1:])
    items = _line_items(plan, order, shipments)
    _adjustments(order, plan, items, expenses)
    _hold_stock(plan, order, items, shipments)
    if plan.voucher_codes:
        voucher_redeem(codes=plan.voucher_codes)
    payments = [_payment(plan, order, customer, attempt, authorization)] if authorization else []
    _complete(order, items, shipments, payments)
    return order


def _guest(plan: Plan, anonymous_id: str) -> Customer:
    """The guest's customer row, with the contact details of this checkout: one upsert.

    The cart claim keeps this guest's checkouts of one cart apart; two of its carts placed
    at once meet in the upsert, and the later one simply writes its details last.
    """
    salutation, first_name, last_name = plan.guest_name
    details = {"email": plan.email, "salutation": salutation, "first_name": first_name, "last_name": last_name}
    (guest,) = Customer.objects.bulk_create(
        [Customer(anonymous_id=anonymous_id, **details)],
        update_conflicts=True, unique_fields=["anonymous_id"], update_fields=[*details, "updated_at"],
    )
    return guest


def _order(plan: Plan, customer: Customer, bill_address: OrderAddress, fingerprint: str) -> Order:
    totals, data = plan.totals, plan.data
    gross = plan.price_mode == GROSS_MODE
    return Order.objects.create(
        store=plan.cart.store, customer=customer, email=plan.email, cart_uuid=plan.cart.uuid,
        checkout_fingerprint=fingerprint,
        currency=plan.currency, price_mode=plan.price_mode, locale=data.locale,
        bill_address=bill_address, ship_address=plan.shipments[0].address if len(plan.shipments) == 1 else None,
        order_number=data.order_number, external_ref=data.external_ref,
        **({"number": data.number} if data.number else {}),
        **({"guest_token": data.guest_token} if data.guest_token else {}),
        special_instructions=data.special_instructions,
        rental_start_date=plan.rental.starts_at if plan.rental else None,
        rental_end_date=plan.rental.ends_at if plan.rental else None,
        zipcode=plan.rental.zipcode if plan.rental else "",
        item_total=totals.subtotal, discount_total=totals.discount_total, expense_total=totals.expense_total,
        tax_total=totals.tax_total, included_tax_total=totals.tax_total if gross else 0,
        additional_tax_total=0 if gross else totals.tax_total, grand_total=totals.grand_total,
    )


def _shipments(plan: Plan, order: Order, addresses: list[OrderAddress]) -> tuple[list[Shipment], list[Expense]]:
    shipments = Shipment.objects.bulk_create([
        Shipment(order=order, method=planned.method, address=address, cost=planned.cost,
                 requested_delivery_date=planned.requested_delivery_date)
        for planned, address in zip(plan.shipments, addresses)
    ])
    ShippingRate.objects.bulk_create([
        ShippingRate(shipment=shipment, method=shipment.method, cost=shipment.cost, selected=True)
        for shipment in shipments
    ])
    expenses = Expense.objects.bulk_create([
        Expense(order=order, shipment=shipment, name=line.name, **_amounts(line, plan.price_mode))
        for shipment, line in zip(shipments, plan.totals.expenses)
    ])
    return shipments, expenses


def _amounts(line: LineTotals, price_mode: str) -> dict:
    gross = price_mode == GROSS_MODE
    return {
        "quantity": line.quantity, "unit_price": line.unit_price, "tax_rate": line.tax_rate,
        "unit_gross_price": line.unit_price if gross else 0, "unit_net_price": 0 if gross else line.unit_price,
        "sum_tax_amount": line.sum_tax, "sum_discount_amount": line.sum_discount,
        "sum_price_to_pay": line.sum_price_to_pay,
    }


def _line_items(plan: Plan, order: Order, shipments: list[Shipment]) -> list[LineItem]:
    shipment_of = {sku: shipments[n] for n, planned in enumerate(plan.shipments) for sku in planned.skus}
    priced = {line.key: line for line in plan.totals.items}
    items = []
    for cart_item in plan.items:
        variant, product = cart_item.variant, cart_item.variant.product
        line = priced[variant.sku]
        items.append(LineItem(
            order=order, variant=variant, shipment=shipment_of[variant.sku], sku=variant.sku,
            name=cart_item.translated_name or variant.display_name, product_type=product.product_type, is_rentable=product.is_rentable,
            is_gift_card=product.is_gift_card, unit_option_price=line.unit_option_price,
            metadata={"superAttributes": variant.attributes, "image": variant.image_url},
            unit_amounts=[{"discount": unit.discount, "tax": unit.tax} for unit in line.units],
            **_amounts(line, plan.price_mode),
        ))
    return LineItem.objects.bulk_create(items)


def _adjustments(order: Order, plan: Plan, items: list[LineItem], expenses: list[Expense]) -> None:
    by_sku = {item.sku: item for item in items}
    rows = []
    for line in plan.totals.items:
        rows += [_discount(order, d, line_item=by_sku[line.key]) for d in line.discounts]
    for expense, line in zip(expenses, plan.totals.expenses):
        rows += [_discount(order, d, expense=expense) for d in line.discounts]
    Adjustment.objects.bulk_create(rows)


def _discount(order: Order, applied, **target) -> Adjustment:
    return Adjustment(order=order, kind=AdjustmentKind.DISCOUNT, label=applied.name, description=applied.description,
                      voucher_code=applied.voucher_code or "", amount=applied.amount,
                      quantity=sum(1 for unit in applied.unit_amounts if unit),
                      unit_amounts=list(applied.unit_amounts), **target)


def _hold_stock(plan: Plan, order: Order, items: list[LineItem], shipments: list[Shipment]) -> None:
    period = (plan.rental.starts_at, plan.rental.ends_at) if plan.rental else None
    held = stock_reserve(
        requests=[StockRequest(i.pk, i.variant_id, i.quantity, i.sku, period if i.is_rentable else None) for i in items],
        location_ids=plan.location_ids,
    )
    order.stock_reserved_at = timezone.now()
    location_of: dict[int, int] = {}
    shipment_of = {item.pk: item.shipment_id for item in items}
    for row in held:
        location_of.setdefault(shipment_of[row.line_item_id], row.stock_item.stock_location_id)
    unserved = [shipment for shipment in shipments if shipment.pk not in location_of]
    if unserved:  # they hold nothing (never out of stock): the best location serving the order, read once
        served_by = stock_location_ids_for(store=plan.cart.store, zipcode=plan.rental.zipcode if plan.rental else "")
        for shipment in unserved:
            location_of[shipment.pk] = served_by[0] if served_by else None
    by_location = defaultdict(list)
    for shipment in shipments:
        shipment.stock_location_id = location_of[shipment.pk]
        by_location[shipment.stock_location_id].append(shipment.pk)
    for location_id, ids in by_location.items():
        Shipment.objects.filter(pk__in=ids).update(stock_location_id=location_id)


def _payment(plan: Plan, order: Order, customer: Customer, attempt, authorization) -> Payment:
    card = None
    if authorization.card:
        card = credit_card_keep(customer=customer if plan.customer else None, card=authorization.card)
    payment = Payment(
        order=order, method=plan.payment_method, amount=order.grand_total, currency=order.currency, source=card,
        transaction_id=authorization.transaction_id, redirect_url=authorization.redirect_url,
        details=dict(authorization.details),
    )
    # The transition runs before the INSERT; its history row is written with the batch (core.fsm_log).
    {"authorized": payment.authorize, "captured": payment.capture,
     "redirect": payment.started_processing}[authorization.status]()
    payment.save(force_insert=True)
    payment_attempt_attach(attempt=attempt, order=order)
    return payment


def _complete(order: Order, items: list[LineItem], shipments: list[Shipment], payments: list[Payment]) -> None:
    """Drive the checkout to complete. The step rules read what was just written from memory
    (as if prefetched) instead of asking the database again for every condition."""
    order._prefetched_objects_cache = {"line_items": items, "shipments": shipments, "payments": payments}
    try:
        order.to_address()
        order.to_payment()  # every shipment has its method: delivery is done
        order.to_confirm()
        order.reference = order_reference_next(store=order.store)
        order.completed_at = timezone.now()
        order.complete()
    finally:
        del order._prefetched_objects_cache
    order_update_states(order=order, payments=payments, shipments=shipments)
    order_parts_written(order, line_items=items, shipments=shipments)
    order.save()
