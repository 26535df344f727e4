import uuid


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from what a client sent, or None: a malformed id simply matches nothing."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
