"""django-fsm-log, with the history rows of a batch of transitions written in one INSERT.

Placing an order runs about seven transitions (the order's three machines, the payment's);
django-fsm-log's SimpleBackend writes one row per transition as it happens. Inside
``state_logs_batched()`` the rows are collected instead, and written together when the
block ends without an error, which also lets a transition run on an object that is saved
(and gets its pk) only afterwards. Outside a batch this backend is the SimpleBackend.

    DJANGO_FSM_LOG_STORAGE_METHOD = "core.fsm_log.BatchingBackend"
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django_fsm_log.backends import BaseBackend, SimpleBackend
from django_fsm_log.conf import settings
from django_fsm_log.helpers import FSMLogDescriptor

_batch: ContextVar[list | None] = ContextVar("state_log_batch", default=None)


@contextmanager
def state_logs_batched():
    """Collect the history rows of the transitions in this block; write them in one INSERT at its end."""
    if _batch.get() is not None:  # already batching: the outer block writes
        yield
        return
    pending: list[tuple[object, dict]] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    _write(pending)


def _write(pending: list[tuple[object, dict]]) -> None:
    from django_fsm_log.models import StateLog

    unsaved = [instance for instance, _ in pending if instance.pk is None]
    if unsaved:
        raise RuntimeError(f"A transition of an unsaved {type(unsaved[0]).__name__} was never saved.")
    StateLog.objects.bulk_create([StateLog(content_object=instance, **values) for instance, values in pending])


def _values(sender, instance, name, source, target) -> dict | None:
    if BaseBackend._get_model_qualified_name__(sender) in settings.DJANGO_FSM_LOG_IGNORED_MODELS or target is None:
        return None
    values = {"source_state": source, "state": target, "transition": name}
    for attribute in ("by", "description"):
        try:
            values[attribute] = FSMLogDescriptor(instance, attribute).get()
        except AttributeError:
            pass
    return values


class BatchingBackend(SimpleBackend):
    @staticmethod
    def post_transition_callback(sender, instance, name, source, target, **kwargs):
        pending = _batch.get()
        if pending is None:
            return SimpleBackend.post_transition_callback(sender, instance, name, source, target, **kwargs)
        values = _values(sender, instance, name, source, target)
        if values is not None:
            pending.append((instance, values))
