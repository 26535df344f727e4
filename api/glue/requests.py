"""Reading Glue request documents: {"data": {"type": …, "attributes": {…}}}."""

from core.errors import Conflict, DomainError


class DocumentInvalid(DomainError):
    code = "bad_request"
    status = 400
    default_detail = "The request body is not a valid JSON:API document."


class WrongResourceType(Conflict):
    code = "wrong_resource_type"
    pointer = "/data/type"


def glue_attributes(request, type_: str) -> dict:
    """The attributes of a request document of ``type_``; a clear 400/409 for anything else."""
    body = request.data
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise DocumentInvalid("The body needs a data object.", meta={"expected": {"data": {"type": type_}}})
    if data.get("type") != type_:
        raise WrongResourceType(f"The resource type must be {type_!r}.", meta={"type": data.get("type")})
    attributes = data.get("attributes", {})
    if not isinstance(attributes, dict):
        raise DocumentInvalid("data.attributes must be an object.")
    return attributes


def required_string(attributes: dict, name: str, *, max_length: int = 255) -> str:
    value = attributes.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise DocumentInvalid(f"{name} is required: a text of at most {max_length} characters.",
                              pointer=f"/data/attributes/{name}")
    return value


def requested_includes(request, allowed: set[str]) -> set[str]:
    """``?include=a,b``: only what the resource can include; anything else is a 400."""
    names = {name.strip() for name in request.query_params.get("include", "").split(",") if name.strip()}
    if unknown := names - allowed:
        raise DocumentInvalid(f"Unknown include: {', '.join(sorted(unknown))}. Allowed: {', '.join(sorted(allowed))}.",
                              pointer="/include")
    return names
