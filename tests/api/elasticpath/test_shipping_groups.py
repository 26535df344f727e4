"""Shipping groups on a cart (/v2/carts/:cartID/shipping-groups) become the order's shipments."""

from checkout.models import Order
from tests.api.elasticpath.helpers import add_item, guest_checkout

MUNICH = {"first_name": "Grace", "last_name": "Hopper", "phone_number": "+49 89 1", "company_name": "",
          "line_1": "Marienplatz 1", "line_2": "", "city": "München", "postcode": "80331", "county": "",
          "country": "DE", "region": "BY", "instructions": "Ring twice"}


def _group(ep, cart_id, shipping_type="Express", address=MUNICH):
    return ep.post(f"/v2/carts/{cart_id}/shipping-groups",
                   {"data": {"type": "shipping_group", "shipping_type": shipping_type, "address": address}})


def test_items_in_a_shipping_group_ship_there_and_the_rest_to_the_shipping_address(shop, ep):
    add_item(ep, "split", "066_23294028", 1)
    items = add_item(ep, "split", "047_26408568", 2).json()["data"]
    phone_item = next(i for i in items if i["sku"] == "047_26408568")
    created = _group(ep, "split")
    assert created.status_code == 201, created.json()
    group = created.json()["data"]
    assert (group["type"], group["cart_id"], group["shipping_type"]) == ("shipping_group", "split", "Express")
    assert group["address"] == MUNICH

    assigned = ep.put(f"/v2/carts/split/items/{phone_item['id']}",
                      {"data": {"type": "cart_item", "shipping_group_id": group["id"]}})
    assert assigned.status_code == 200
    assert next(i for i in assigned.json()["data"] if i["sku"] == "047_26408568")["shipping_group_id"] == group["id"]

    response = guest_checkout(ep, "split")

    assert response.status_code == 200, response.json()
    order = Order.objects.get(uuid=response.json()["data"]["id"])
    shipments = {s.method.name: s for s in order.shipments.select_related("method", "address")}
    assert set(shipments) == {"Express", "Standard"}
    assert shipments["Express"].address.city == "München"
    assert shipments["Express"].address.instructions == "Ring twice"
    assert [i.sku for i in shipments["Express"].line_items.all()] == ["047_26408568"]
    assert [i.sku for i in shipments["Standard"].line_items.all()] == ["066_23294028"]
    assert shipments["Standard"].address.city == "Berlin"
    assert len(response.json()["data"]["relationships"]["shipping_groups"]["data"]) == 2


def test_a_group_with_items_cannot_be_deleted_until_they_leave_it(shop, ep):
    item = add_item(ep, "g2", "066_23294028", 1).json()["data"][0]
    group = _group(ep, "g2").json()["data"]
    ep.put(f"/v2/carts/g2/items/{item['id']}", {"data": {"type": "cart_item", "shipping_group_id": group["id"]}})

    refused = ep.delete(f"/v2/carts/g2/shipping-groups/{group['id']}")
    ep.put(f"/v2/carts/g2/items/{item['id']}", {"data": {"type": "cart_item", "shipping_group_id": None}})
    deleted = ep.delete(f"/v2/carts/g2/shipping-groups/{group['id']}")

    assert refused.status_code == 400
    assert deleted.status_code == 204
    assert ep.get(f"/v2/carts/g2/shipping-groups/{group['id']}").status_code == 404
    assert ep.get("/v2/carts/g2/shipping-groups").json()["data"] == []


def test_shipping_groups_are_checked(shop, ep):
    ep.get("/v2/carts/g3")
    unknown_method = _group(ep, "g3", shipping_type="Teleport")
    missing_address = ep.post("/v2/carts/g3/shipping-groups",
                              {"data": {"type": "shipping_group", "shipping_type": "Express"}})
    group = _group(ep, "g3").json()["data"]
    updated = ep.put(f"/v2/carts/g3/shipping-groups/{group['id']}",
                     {"data": {"type": "shipping_group", "shipping_type": "Standard"}})

    assert unknown_method.status_code == 400 and unknown_method.json()["errors"][0]["meta"]["shipping_type"] == "Teleport"
    assert missing_address.status_code == 400
    assert updated.status_code == 200 and updated.json()["data"]["shipping_type"] == "Standard"
    assert ep.get("/v2/carts/g3/shipping-groups/not-a-group").status_code == 404
