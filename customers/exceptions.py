from core.errors import DomainError


class InvalidCredentials(DomainError):
    code = "003"
    status = 401
    default_detail = "Failed to authenticate user."


class InvalidAccessToken(DomainError):
    code = "001"
    status = 401
    default_detail = "Invalid access token."


class GuestIdInvalid(DomainError):
    code = "guest_id_invalid"
    status = 400
    default_detail = "X-Anonymous-Customer-Unique-Id must be 1 to 255 printable characters."
