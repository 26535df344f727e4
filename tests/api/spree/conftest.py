import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Country, Region


@pytest.fixture
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def spree(client):
    """Send Spree requests as a storefront does: JSON bodies, optional headers; ``raw`` sends a body as given."""

    class Spree:
        def request(self, method, path, body=None, *, raw=None, content_type="application/json", **headers):
            data = raw if raw is not None else (json.dumps(body) if body is not None else "")
            return getattr(client, method)(path, data=data, content_type=content_type, headers=headers)

        def get(self, path, **headers):
            return client.get(path, headers=headers)

        def post(self, path, body=None, **kwargs):
            return self.request("post", path, body, **kwargs)

        def put(self, path, body=None, **kwargs):
            return self.request("put", path, body, **kwargs)

        def delete(self, path, **kwargs):
            return self.request("delete", path, None, **kwargs)

    return Spree()


@pytest.fixture
def us_ids(shop):
    """The seed's country_id 49 / state_id 48 are Spree's ids; here they are ours (US, Maryland)."""
    us = Country.objects.get(iso2_code="US")
    return {"country_id": us.pk, "state_id": Region.objects.get(country=us, iso2_code="MD").pk}


@pytest.fixture
def rental_dates():
    """Rental dates in the future (the seed's 2015 dates are in the past, which no shop would rent)."""
    today = timezone.localdate()
    start = today + timezone.timedelta(days=30)
    return str(start), str(start + timezone.timedelta(days=3))
