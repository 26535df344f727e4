"""The base of every business error the domain raises.

Services raise subclasses of ``DomainError``; each API dialect renders them in its own
error shape with one exception handler. A subclass declares its stable ``code``, the
HTTP ``status`` a client should see, and the JSON pointer of the offending input.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 422
    pointer: ClassVar[str] = "/data"
    default_detail: ClassVar[str] = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, meta: dict[str, Any] | None = None):
        self.detail = detail or self.default_detail
        self.meta = meta or {}
        super().__init__(self.detail)

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
