"""Locks on names rather than rows, for "create it unless it exists" without a row to lock yet."""

from django.db import connection


def name_lock(name: str) -> None:
    """Hold a lock on ``name`` until the current transaction ends (call inside ``transaction.atomic``).

    A PostgreSQL advisory lock on the name's 64-bit hash: callers with the same name take
    turns, everyone else goes on. SQLite lets one writer in at a time, so there it is a no-op.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
