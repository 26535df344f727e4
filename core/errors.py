"""The base of every business error the domain raises.

Services raise subclasses of ``DomainError``; each API dialect renders them in its own
error shape with one exception handler. A subclass declares its stable ``code`` and the
HTTP ``status`` a client should see; an error about one input names it by ``field``, the
domain's path to it: the names of ``checkout.inputs`` and the models, with list positions,
e.g. ``("shipments", 0, "address", "zip_code")`` or ``("quantity",)``. Each dialect's
``errors.py`` owns the one map from these paths to its own pointers and field names.

``pointer`` is where a dialect's request parser found bad input, in that dialect's words
(``/data/attributes/idCart``); the domain never sets it. A pointer given to an error
(``given_pointer``) wins over its field, then the field, then a dialect class's own pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

FieldPath = tuple[str | int, ...]


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 422
    field: FieldPath = ()
    pointer: str = "/data"
    default_detail: ClassVar[str] = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, field: FieldPath | None = None, pointer: str | None = None,
                 meta: dict[str, Any] | None = None):
        self.detail = detail or self.default_detail
        self.meta = meta or {}
        if field is not None:
            self.field = tuple(field)
        if pointer is not None:
            self.pointer = pointer
        super().__init__(self.detail)

    @property
    def given_pointer(self) -> str | None:
        """The pointer a dialect gave this error (a request parser's finding); it wins over ``field``."""
        return vars(self).get("pointer")

    def at(self, *prefix: str | int) -> DomainError:
        """The same error about the same input nested under ``prefix`` (an address inside a shipment)."""
        self.field = (*prefix, *self.field)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it (never say which)."""

    code = "not_found"
    status = 404
    default_detail = "Not found."


class Conflict(DomainError):
    """The request conflicts with the object's current state."""

    code = "conflict"
    status = 409
    default_detail = "The request conflicts with the current state."


def spell(field: FieldPath, *, names: dict[str, str], paths: dict[tuple, tuple] | None = None,
          word: Callable[[str], str] = str) -> list[str]:
    """A field path in a dialect's words. ``paths`` rewrites runs of parts, longest first (``int`` in
    a key matches any position: ``("shipments", int, "address")``); then ``names`` a single name,
    else ``word(name)``; positions stay."""
    runs = sorted(paths or {}, key=len, reverse=True)
    words: list[str] = []
    i = 0
    while i < len(field):
        run = next((r for r in runs if _matches(r, field[i:i + len(r)])), None)
        if run is not None:
            words.extend(paths[run])
            i += len(run)
            continue
        part = field[i]
        words.append(str(part) if isinstance(part, int) else names.get(part) or word(part))
        i += 1
    return words


def _matches(run: tuple, parts: FieldPath) -> bool:
    return len(run) == len(parts) and all(
        isinstance(p, int) if r is int else p == r for r, p in zip(run, parts))
