"""Running workers at the same moment on real threads, for the PostgreSQL race tests."""

import threading

import pytest
from django.db import connection, connections

# Race tests need row locks, which SQLite ignores; they run on PostgreSQL (as in CI).
postgres_only = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(workers: list, *, timeout: float = 30) -> list:
    """Start all workers at once; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return results
