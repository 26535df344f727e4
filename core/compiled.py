"""Reads whose SQL Django builds once per process, then runs with new values.

Building and compiling a queryset with a few subqueries costs Django 1.5 to 2.5 ms of
Python, more than PostgreSQL takes to answer it, and the shop's hottest reads (a cart's
priced items, a variant for sale, the candidate cart rules) run on every cart request.
``CompiledRead`` builds its queryset once per database and shape with marker values,
remembers where each marker landed among the SQL's parameters, and afterwards sends the same
SQL with the real values; Django's own iterable turns the rows into model instances, with
``select_related`` objects, annotations and prefetches as the queryset would have them.

The builder takes two kinds of arguments. ``shape`` ones may change the SQL itself (a price
mode picking a column, the length of a list, None): the queryset is built and compiled again
for each different shape. Bound ones (ints, strs, aware datetimes, uuids) are only ever compared
with columns: the builder must not look at them otherwise, since it sees markers in their
place. A builder that uses one in a pattern or a slice, where it would not be sent as a
parameter of its own, is refused when it is first compiled, so a test of the read finds it.
The builder must depend on its arguments alone: whatever else it reads (the clock, settings,
the database) is compiled into the SQL once and for all.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

MAX_SHAPES = 64  # per read
_INT_MARKER = 2_146_000_000  # inside integer and big integer columns' range, so Django keeps it a parameter;
# an int compared with a small integer column must be part of the shape
_BOUND_TYPES = (int, str, datetime, uuid.UUID)


class CompiledRead:
    """``read(shape={...}, **bound)``: the rows (a list) that ``build(**shape, **bound)`` would
    give, a queryset of model instances; its SQL is compiled once per database and shape."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *, shape: dict | None = None, using: str = "default", **bound) -> list:
        shape = shape or {}
        refused = [name for name, value in bound.items() if not _is_bound(value)]
        if refused:
            raise TypeError(f"CompiledRead binds ints, strs, datetimes and uuids; {refused} belong to the shape.")
        key = (connections[using].vendor, using, tuple(sorted(shape.items())),
               tuple(sorted((name, type(value).__name__) for name, value in bound.items())))
        compiled = self._compiled.get(key)
        if compiled is not None and len(self._compiled) >= MAX_SHAPES:
            with self._lock:  # the least recently used shape goes first when the read is full
                self._compiled[key] = self._compiled.pop(key, compiled)
        if compiled is None:
            compiled = _Compiled.build(self._build, shape, bound, using)
            if compiled is None:  # the shape matches nothing (e.g. ids out of any column's range)
                return []
            with self._lock:  # threaded servers and tests share it
                if len(self._compiled) >= MAX_SHAPES:  # shapes may come from requests: keep a bounded few
                    del self._compiled[next(iter(self._compiled))]
                self._compiled[key] = compiled
        return compiled.run(bound)


def _is_bound(value) -> bool:
    return isinstance(value, _BOUND_TYPES) and not isinstance(value, bool)


def _marker(n: int, value):
    if isinstance(value, int):
        return _INT_MARKER + n
    if isinstance(value, str):
        return f"\ue000bound-{n}\ue000"
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=n + 1)
    return datetime(1901, 1, 1, 0, 0, 0, n + 1, tzinfo=timezone.utc)


class _Compiled:
    def __init__(self, queryset: QuerySet, compiler, sql: str, params: tuple, slots: dict[int, str]):
        self.queryset, self.compiler, self.sql, self.params, self.slots = queryset, compiler, sql, params, slots

    @classmethod
    def build(cls, build: Callable[..., QuerySet], shape: dict, bound: dict, using: str) -> _Compiled | None:
        connection = connections[using]
        markers = {name: _marker(n, value) for n, (name, value) in enumerate(sorted(bound.items()))}
        queryset = build(**shape, **markers).using(using)
        if queryset._iterable_class is not ModelIterable:
            raise TypeError("CompiledRead reads model instances, not values().")
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        prepared = {_prepared(connection, marker): name for name, marker in markers.items()}
        slots = {n: prepared[param] for n, param in enumerate(params) if _hashable(param) and param in prepared}
        missing = set(markers) - set(slots.values())
        if missing or any(str(marker) in sql for marker in markers.values()):
            raise ValueError(f"CompiledRead: {sorted(missing or markers)} must only be compared with columns.")
        return cls(queryset, compiler, sql, tuple(params), slots)

    def run(self, bound: dict) -> list:
        params = list(self.params)
        connection = connections[self.queryset.db]
        for n, name in self.slots.items():
            params[n] = _prepared(connection, bound[name])
        queryset = QuerySet(model=self.queryset.model, query=_Sent(self.compiler, self.sql, tuple(params)),
                            using=self.queryset.db)
        queryset._prefetch_related_lookups = self.queryset._prefetch_related_lookups
        return list(queryset)


def _prepared(connection, value):
    """The value as Django sends it for a column of its type (``Field.get_db_prep_value``)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _Sent:
    """What Django's ``ModelIterable`` asks of a query: a compiler, here one already set up that
    sends the compiled SQL with this read's parameters."""

    def __init__(self, compiler, sql: str, params: tuple):
        self.compiler, self.sql, self.params = compiler, sql, params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[using] if using else connection
        compiler.as_sql = lambda *args, **kwargs: (self.sql, self.params)
        return compiler
