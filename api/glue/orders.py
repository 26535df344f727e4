"""Orders in the Glue dialect: the ``orders`` and ``order-shipments`` resources.

Pure rendering over an order loaded by ``checkout.order_selectors`` (nothing here queries).
Glue lists every unit of a line item as an item of its own with quantity 1; what each
unit came to (discount, tax) is read from what the pricing stored per unit.
"""

import uuid
from collections import defaultdict
from decimal import Decimal

from api.glue.documents import resource
from catalog.models import PriceMode
from checkout.models import AdjustmentKind, Order, OrderPaymentState, OrderState
from core.money import allocate
from shipping.models import Shipment, ShipmentState

INCLUDABLE = {"order-shipments"}


# --- addresses ----------------------------------------------------------------------------


def _or_none(value: str) -> str | None:
    return value or None


def address_attributes(address) -> dict | None:
    if address is None:
        return None
    return {
        "salutation": address.salutation,
        "firstName": address.first_name,
        "middleName": _or_none(address.middle_name),
        "lastName": address.last_name,
        "address1": address.address1,
        "address2": address.address2,
        "address3": address.address3,
        "company": address.company,
        "city": address.city,
        "zipCode": address.zip_code,
        "poBox": _or_none(address.po_box),
        "phone": address.phone,
        "cellPhone": _or_none(address.cell_phone),
        "description": _or_none(address.description),
        "comment": _or_none(address.comment),
        "email": _or_none(address.email),
        "country": address.country.name,
        "iso2Code": address.country.iso2_code,
    }


# --- items, unit by unit --------------------------------------------------------------------


def _rate(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _per_unit(line, key: str, total: int) -> list[int]:
    amounts = line.unit_amounts if isinstance(line.unit_amounts, list) else []
    if len(amounts) == line.quantity and all(isinstance(a, dict) and key in a for a in amounts):
        return [int(a[key]) for a in amounts]
    return allocate(total, [1] * line.quantity)


def unit_uuid(line, index: int) -> str:
    """The line's uuid for its first unit; a stable uuid derived from it for the others."""
    return str(line.uuid) if index == 0 else str(uuid.uuid5(line.uuid, str(index)))


def unit_uuids(line) -> list[str]:
    return [unit_uuid(line, i) for i in range(line.quantity)]


def item_state(order: Order, shipment: Shipment | None) -> str:
    if order.state == OrderState.CANCELED:
        return "canceled"
    if shipment is not None and shipment.state == ShipmentState.SHIPPED:
        return "shipped"
    if order.payment_state in (OrderPaymentState.PAID, OrderPaymentState.CREDIT_OWED):
        return "paid"
    return "payment pending"


def _line_discounts(line, adjustments: list) -> list[list[dict]]:
    """calculatedDiscounts of each unit of the line."""
    per_unit: list[list[dict]] = [[] for _ in range(line.quantity)]
    for adjustment in adjustments:
        amounts = adjustment.unit_amounts if isinstance(adjustment.unit_amounts, list) else []
        if len(amounts) != line.quantity:
            amounts = allocate(adjustment.amount, [1] * line.quantity)
        for index, amount in enumerate(amounts):
            if amount:
                per_unit[index].append({
                    "unitAmount": int(amount), "sumAmount": int(amount), "displayName": adjustment.label,
                    "description": adjustment.description, "voucherCode": _or_none(adjustment.voucher_code),
                    "quantity": 1,
                })
    return per_unit


def item_attributes(order: Order, line, shipments: dict, adjustments: list) -> list[dict]:
    """One Glue item per unit of the line."""
    gross = order.price_mode == PriceMode.GROSS
    price, option = line.unit_price, line.unit_option_price
    discounts = _per_unit(line, "discount", line.sum_discount_amount)
    taxes = _per_unit(line, "tax", line.sum_tax_amount)
    unit_discounts = _line_discounts(line, adjustments)
    state = item_state(order, shipments.get(line.shipment_id))
    items = []
    for index in range(line.quantity):
        discount, tax, subtotal = discounts[index], taxes[index], price + option
        to_pay = subtotal - discount
        items.append({
            "merchantReference": None,
            "state": state,
            "name": line.name,
            "sku": line.sku,
            "sumPrice": price,
            "quantity": 1,
            "unitGrossPrice": price if gross else 0,
            "sumGrossPrice": price if gross else 0,
            "taxRate": _rate(line.tax_rate),
            "unitNetPrice": 0 if gross else price,
            "sumNetPrice": 0 if gross else price,
            "unitPrice": price,
            "unitTaxAmountFullAggregation": tax,
            "sumTaxAmountFullAggregation": tax,
            "refundableAmount": to_pay,
            "canceledAmount": 0,
            "sumSubtotalAggregation": subtotal,
            "unitSubtotalAggregation": subtotal,
            "unitProductOptionPriceAggregation": option,
            "sumProductOptionPriceAggregation": option,
            "unitExpensePriceAggregation": 0,
            "sumExpensePriceAggregation": None,
            "unitDiscountAmountAggregation": discount,
            "sumDiscountAmountAggregation": discount,
            "unitDiscountAmountFullAggregation": discount,
            "sumDiscountAmountFullAggregation": discount,
            "unitPriceToPayAggregation": to_pay,
            "sumPriceToPayAggregation": to_pay,
            "taxRateAverageAggregation": _rate(line.tax_rate),
            "taxAmountAfterCancellation": None,
            "orderReference": None,
            "uuid": unit_uuid(line, index),
            "isReturnable": False,
            "idShipment": line.shipment_id,
            "bundleItemIdentifier": None,
            "relatedBundleItemIdentifier": None,
            "salesOrderConfiguredBundle": None,
            "salesOrderConfiguredBundleItem": None,
            "metadata": {"superAttributes": (line.metadata or {}).get("superAttributes", {}),
                         "image": (line.metadata or {}).get("image")},
            "salesUnit": None,
            "calculatedDiscounts": unit_discounts[index],
            "productOptions": [],
            "amount": None,
        })
    return items


# --- expenses, payments, shipments, discounts -----------------------------------------------


def _first_unit(total: int, quantity: int) -> int:
    return allocate(total, [1] * quantity)[0] if quantity > 0 else total


def expense_attributes(order: Order, expense) -> dict:
    gross = order.price_mode == PriceMode.GROSS
    quantity = expense.quantity or 1
    unit_discount = _first_unit(expense.sum_discount_amount, quantity)
    return {
        "type": expense.type,
        "name": expense.name,
        "sumPrice": expense.unit_price * quantity,
        "unitGrossPrice": expense.unit_price if gross else 0,
        "sumGrossPrice": expense.unit_price * quantity if gross else 0,
        "taxRate": _rate(expense.tax_rate),
        "unitNetPrice": 0 if gross else expense.unit_price,
        "sumNetPrice": 0 if gross else expense.unit_price * quantity,
        "canceledAmount": None,
        "unitDiscountAmountAggregation": unit_discount or None,
        "sumDiscountAmountAggregation": expense.sum_discount_amount or None,
        "unitTaxAmount": _first_unit(expense.sum_tax_amount, quantity),
        "sumTaxAmount": expense.sum_tax_amount,
        "unitPriceToPayAggregation": _first_unit(expense.sum_price_to_pay, quantity),
        "sumPriceToPayAggregation": expense.sum_price_to_pay,
        "taxAmountAfterCancellation": None,
        "idShipment": expense.shipment_id,
        "idSalesExpense": expense.id,
    }


def payment_attributes(payment) -> dict:
    return {"amount": payment.amount, "paymentProvider": payment.method.provider.name,
            "paymentMethod": payment.method.name}


def shipment_attributes(order: Order, shipment: Shipment) -> dict:
    gross = order.price_mode == PriceMode.GROSS
    method = shipment.method
    return {
        "shipmentMethodName": method.name if method else None,
        "carrierName": method.carrier.name if method else None,
        "deliveryTime": None,
        "defaultGrossPrice": shipment.cost if gross else 0,
        "defaultNetPrice": 0 if gross else shipment.cost,
        "currencyIsoCode": order.currency,
    }


def order_discounts(adjustments: list) -> list[dict]:
    """The order's discounts, one per label: what each took off in all, over how many units."""
    grouped: dict[tuple, dict] = {}
    for adjustment in adjustments:
        key = (adjustment.label, adjustment.description, adjustment.voucher_code)
        entry = grouped.setdefault(key, {
            "unitAmount": None, "sumAmount": 0, "displayName": adjustment.label,
            "description": adjustment.description, "voucherCode": _or_none(adjustment.voucher_code), "quantity": 0,
        })
        entry["sumAmount"] += adjustment.amount
        entry["quantity"] += adjustment.quantity
    return list(grouped.values())


# --- the resources ----------------------------------------------------------------------------


def order_attributes(order: Order) -> dict:
    shipments = list(order.shipments.all())
    by_id = {shipment.id: shipment for shipment in shipments}
    discounts = [a for a in order.adjustments.all() if a.kind == AdjustmentKind.DISCOUNT]
    by_line = defaultdict(list)
    for adjustment in discounts:
        if adjustment.line_item_id is not None:
            by_line[adjustment.line_item_id].append(adjustment)
    items = [item for line in order.line_items.all()
             for item in item_attributes(order, line, by_id, by_line[line.id])]
    split = len(shipments) > 1
    return {
        "merchantReferences": [],
        "itemStates": list(dict.fromkeys(item["state"] for item in items)),
        "createdAt": order.created_at.strftime("%Y-%m-%d %H:%M:%S.%f"),
        "currencyIsoCode": order.currency,
        "priceMode": order.price_mode,
        "totals": {
            "expenseTotal": order.expense_total,
            "discountTotal": order.discount_total,
            "taxTotal": order.tax_total,
            "subtotal": order.item_total,
            "grandTotal": order.grand_total,
            "canceledTotal": order.canceled_total,
            "remunerationTotal": 0,
        },
        "billingAddress": address_attributes(order.bill_address),
        "shippingAddress": None if split else address_attributes(order.ship_address),
        "items": items,
        "expenses": [expense_attributes(order, expense) for expense in order.expenses.all()],
        "payments": [payment_attributes(payment) for payment in order.payments.all()],
        "shipments": [shipment_attributes(order, shipment) for shipment in shipments],
        "calculatedDiscounts": order_discounts(discounts),
        "bundleItems": [],
    }


def order_resource(request, order: Order, includes: set[str] = frozenset()) -> dict:
    data = resource(request, "orders", order.reference, order_attributes(order))
    if "order-shipments" in includes:
        data["relationships"] = {"order-shipments": {"data": [
            {"type": "order-shipments", "id": str(shipment.id)} for shipment in order.shipments.all()
        ]}}
    return data


def order_shipment_resource(request, shipment: Shipment) -> dict:
    attributes = order_shipment_attributes(shipment, list(shipment.line_items.all()))
    return resource(request, "order-shipments", str(shipment.id), attributes)


def included_for(request, order: Order, includes: set[str]) -> list[dict]:
    """The resources ``?include=`` asked for, with what the order's prefetches hold."""
    included = []
    if "order-shipments" in includes:
        lines_by_shipment = defaultdict(list)
        for line in order.line_items.all():
            lines_by_shipment[line.shipment_id].append(line)
        for shipment in order.shipments.all():
            attributes = order_shipment_attributes(shipment, lines_by_shipment[shipment.id])
            included.append(resource(request, "order-shipments", str(shipment.id), attributes))
    return included


def order_shipment_attributes(shipment: Shipment, lines: list) -> dict:
    method = shipment.method
    date = shipment.requested_delivery_date
    return {
        "itemUuids": [u for line in lines for u in unit_uuids(line)],
        "methodName": method.name if method else None,
        "carrierName": method.carrier.name if method else None,
        "requestedDeliveryDate": date.strftime("%Y-%m-%d") if date else None,
        "shippingAddress": address_attributes(shipment.address),
    }
