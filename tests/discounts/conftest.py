import pytest

from catalog.models import Store
from shipping.models import Carrier, ShipmentMethod
from tests.discounts.rows import STANDARD


@pytest.fixture
def de(db) -> Store:
    return Store.objects.create(code="DE", name="Germany", default_currency="EUR")


@pytest.fixture
def at(db) -> Store:
    return Store.objects.create(code="AT", name="Austria", default_currency="EUR")


@pytest.fixture
def standard(db) -> ShipmentMethod:
    carrier = Carrier.objects.create(name="Spryker Dummy Shipment")
    return ShipmentMethod.objects.create(carrier=carrier, key=STANDARD, name="Standard")


@pytest.fixture
def express(standard) -> ShipmentMethod:
    return ShipmentMethod.objects.create(
        carrier=standard.carrier, key="spryker_dummy_shipment-express", name="Express"
    )
