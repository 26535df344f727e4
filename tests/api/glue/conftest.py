import json
from io import StringIO

import pytest
from django.core.management import call_command

JSON_API = "application/vnd.api+json"


@pytest.fixture
def shop(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def glue(client):
    """Send Glue requests as a storefront does; ``raw`` sends a body as given."""

    class Glue:
        def post(self, path, body=None, *, raw=None, content_type=JSON_API, **headers):
            data = raw if raw is not None else json.dumps(body)
            return client.post(path, data=data, content_type=content_type, headers=headers)

        def get(self, path, **headers):
            return client.get(path, headers=headers)

        def patch(self, path, body=None, *, raw=None, content_type=JSON_API, **headers):
            data = raw if raw is not None else json.dumps(body)
            return client.patch(path, data=data, content_type=content_type, headers=headers)

        def delete(self, path, **headers):
            return client.delete(path, headers=headers)

    return Glue()
