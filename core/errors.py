"""The base of every business error the domain raises.

Services raise subclasses of ``DomainError``; each API dialect renders them in its own
error shape with one exception handler. A subclass declares its stable ``code`` and the
HTTP ``status`` a client should see; an error about one input names it by ``field``, the
domain's path to it: the names of ``checkout.inputs`` and the models, with list positions,
e.g. ``("shipments", 0, "address", "zip_code")`` or ``("quantity",)``. Each dialect's
``errors.py`` owns the one map from these paths to its own pointers and field names.

``pointer`` is where a dialect's request parser found bad input, in that dialect's words
(``/data/attributes/idCart``); the domain never sets it.
"""

from __future__ import annotations

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
