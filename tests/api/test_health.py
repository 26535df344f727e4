"""GET /health: 200 when the database answers a SELECT 1, 503 when it does not."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_database_fails(client, monkeypatch, caplog):
    def fail(self, sql, params=None):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr(CursorWrapper, "execute", fail)  # the one thing a test cannot do for real: stop the DB
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert "127.0.0.1" not in response.content.decode()  # the reason is logged, not shown
    assert "the database did not answer" in caplog.text


def test_health_answers_head_and_refuses_writes(client):
    assert client.head("/health").status_code == 200
    assert client.post("/health").status_code == 405
