import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework_simplejwt.tokens import AccessToken

from tests.api.elasticpath.helpers import token_for


@pytest.fixture
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def ep(client):
    """Send Elastic Path requests as a storefront does: JSON bodies, headers as keyword arguments."""

    class EP:
        def request(self, method, path, body=None, *, raw=None, content_type="application/json", **headers):
            data = raw if raw is not None else (json.dumps(body) if body is not None else "")
            return getattr(client, method)(path, data=data, content_type=content_type, headers=headers)

        def get(self, path, **headers):
            return client.get(path, headers=headers)

        def post(self, path, body=None, **kwargs):
            return self.request("post", path, body, **kwargs)

        def put(self, path, body=None, **kwargs):
            return self.request("put", path, body, **kwargs)

        def delete(self, path, **headers):
            return client.delete(path, headers=headers)

    return EP()


@pytest.fixture
def spencor_token(shop):
    return token_for("spencor.hopkin@spryker.com")


@pytest.fixture
def sonia_token(shop):
    return token_for("sonia@spryker.com")


@pytest.fixture
def backend_token(shop):
    """A client-credentials token: the access token of a staff user (seed_demo's admin)."""
    from django.contrib.auth import get_user_model

    token = AccessToken.for_user(get_user_model().objects.get(username="admin"))
    token["grant_type"] = "client_credentials"
    return str(token)
