"""GET/PUT /v2/orders[/:id], order items, and who may read an order."""

from checkout.models import Order, OrderState
from shipping.models import StockItem
from tests.api.elasticpath.helpers import add_item, guest_checkout


def _place(ep, cart_id="o-cart", sku="066_23294028", quantity=1, **headers):
    add_item(ep, cart_id, sku, quantity, **headers)
    response = guest_checkout(ep, cart_id, **headers)
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_a_guest_reads_their_order_with_its_id_and_the_cart_id(shop, ep):
    order = _place(ep, "guest-cart")

    with_cart = ep.get(f"/v2/orders/{order['id']}", **{"X-Moltin-Cart-Id": "guest-cart"})
    without = ep.get(f"/v2/orders/{order['id']}")
    other_cart = ep.get(f"/v2/orders/{order['id']}", **{"X-Moltin-Cart-Id": "another-cart"})

    assert with_cart.status_code == 200 and with_cart.json()["data"] == order
    assert without.status_code == other_cart.status_code == 404
    assert without.json()["errors"][0] == {"status": 404, "title": "Order not found", "detail": "Order not found.",
                                           "meta": {"id": order["id"], "code": "order_not_found"}}


def test_a_customer_lists_and_reads_only_their_orders(shop, ep, spencor_token, sonia_token):
    spencor = {"X-Moltin-Customer-Token": spencor_token}
    sonia = {"X-Moltin-Customer-Token": sonia_token}
    add_item(ep, "sp", "066_23294028", 1)
    body = {"data": {"customer": {"id": "DE--1"}, "billing_address": _address(), "shipping_address": _address()}}
    order = ep.post("/v2/carts/sp/checkout", body, **spencor).json()["data"]

    listed = ep.get("/v2/orders", **spencor).json()["data"]
    assert order["id"] in [o["id"] for o in listed]
    assert all(Order.objects.get(uuid=o["id"]).customer.email == "spencor.hopkin@spryker.com" for o in listed)
    assert order["id"] not in [o["id"] for o in ep.get("/v2/orders", **sonia).json()["data"]]
    assert ep.get(f"/v2/orders/{order['id']}", **sonia).status_code == 404
    assert ep.get(f"/v2/orders/{order['id']}", **spencor).status_code == 200
    assert ep.get("/v2/orders").status_code == 401
    assert ep.get("/v2/orders/not-a-uuid", **spencor).status_code == 404


def _address():
    from tests.api.elasticpath.helpers import BERLIN

    return BERLIN


def test_order_items_show_what_was_bought(shop, ep):
    order = _place(ep, "items-cart", "047_26408568", 2)

    response = ep.get(f"/v2/orders/{order['id']}/items", **{"X-Moltin-Cart-Id": "items-cart"})

    assert response.status_code == 200
    [item] = response.json()["data"]
    assert (item["type"], item["sku"], item["quantity"]) == ("order_item", "047_26408568", 2)
    assert item["unit_price"] == {"amount": 5724, "currency": "EUR", "includes_tax": True}
    assert item["value"]["amount"] == 2 * 5724
    assert item["meta"]["display_price"]["with_tax"]["value"]["currency"] == "EUR"


def test_a_shopper_sets_order_number_and_external_ref(shop, ep):
    order = _place(ep, "refs-cart")
    headers = {"X-Moltin-Cart-Id": "refs-cart"}

    response = ep.put(f"/v2/orders/{order['id']}",
                      {"data": {"type": "order", "order_number": "PO-77", "external_ref": "SAP 0042"}}, **headers)

    assert response.status_code == 200
    assert (response.json()["data"]["order_number"], response.json()["data"]["external_ref"]) == ("PO-77", "SAP 0042")
    assert Order.objects.get(uuid=order["id"]).external_ref == "SAP 0042"


def test_a_backend_cancels_an_order_and_its_stock_comes_back(shop, ep, backend_token):
    stock = StockItem.objects.get(variant__sku="136_24425591", stock_location__name="Warehouse Berlin")
    order = _place(ep, "cancel-cart", "136_24425591", 2)
    assert StockItem.objects.get(pk=stock.pk).count_on_hand == stock.count_on_hand - 2
    body = {"data": {"type": "order", "status": "cancelled"}}

    by_shopper = ep.put(f"/v2/orders/{order['id']}", body, **{"X-Moltin-Cart-Id": "cancel-cart"})
    by_backend = ep.put(f"/v2/orders/{order['id']}", body, **{"Authorization": f"Bearer {backend_token}"})

    assert by_shopper.status_code == 403
    assert by_backend.status_code == 200
    assert by_backend.json()["data"]["status"] == "cancelled"
    assert Order.objects.get(uuid=order["id"]).state == OrderState.CANCELED
    assert StockItem.objects.get(pk=stock.pk).count_on_hand == stock.count_on_hand


def test_addresses_change_until_the_order_ships_and_only_within_the_country(shop, ep):
    from tests.api.elasticpath.helpers import BERLIN

    order = _place(ep, "addr-cart")
    headers = {"X-Moltin-Cart-Id": "addr-cart"}
    moved = {**BERLIN, "line_1": "Unter den Linden 5", "postcode": "10117"}

    changed = ep.put(f"/v2/orders/{order['id']}", {"data": {"type": "order", "shipping_address": moved,
                                                            "billing_address": moved}}, **headers)
    abroad = ep.put(f"/v2/orders/{order['id']}", {"data": {"type": "order", "shipping_address": {
        **BERLIN, "country": "AT", "postcode": "1010", "region": ""}}}, **headers)
    invalid = ep.put(f"/v2/orders/{order['id']}", {"data": {"type": "order", "billing_address": {
        **BERLIN, "postcode": "x"}}}, **headers)

    assert changed.status_code == 200, changed.json()
    assert changed.json()["data"]["shipping_address"]["line_1"] == "Unter den Linden 5"
    assert changed.json()["data"]["billing_address"]["postcode"] == "10117"
    placed = Order.objects.get(uuid=order["id"])
    assert placed.shipments.get().address.address1 == "Unter den Linden 5"
    assert abroad.status_code == 422
    assert invalid.status_code == 422
    assert Order.objects.get(uuid=order["id"]).bill_address.zip_code == "10117"


def test_orders_come_in_pages(shop, ep, backend_token):
    staff = {"Authorization": f"Bearer {backend_token}"}
    total = Order.objects.filter(reference__isnull=False).count()

    first = ep.get("/v2/orders?page[limit]=2", **staff).json()
    second = ep.get("/v2/orders?page[limit]=2&page[offset]=2", **staff).json()

    assert len(first["data"]) == 2 and first["meta"]["results"]["total"] == total
    assert first["meta"]["page"] == {"limit": 2, "offset": 0, "current": 1, "total": -(-total // 2)}
    assert not {o["id"] for o in first["data"]} & {o["id"] for o in second["data"]}
    assert ep.get("/v2/orders?page[limit]=1000", **staff).status_code == 400
    assert ep.get("/v2/orders?page[offset]=-1", **staff).status_code == 400
