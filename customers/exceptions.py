from core.errors import DomainError


class InvalidCredentials(DomainError):
    code = "003"
    status = 401
    default_detail = "Failed to authenticate user."


class InvalidAccessToken(DomainError):
    code = "001"
    status = 401
    default_detail = "Invalid access token."


class RefreshTokenInvalid(DomainError):
    """A refresh token that is not valid, expired, already used or revoked, or older than the password."""

    code = "004"
    status = 401
    default_detail = "Failed to refresh token."


class TooManyLoginAttempts(DomainError):
    """The username or the client address has too many recent failed logins; ``retry_after`` is in seconds."""

    code = "too_many_login_attempts"
    status = 429
    default_detail = "Too many failed login attempts. Try again later."

    def __init__(self, detail: str | None = None, *, retry_after: int, meta: dict | None = None):
        super().__init__(detail, meta=meta)
        self.retry_after = retry_after


class GuestIdInvalid(DomainError):
    code = "guest_id_invalid"
    status = 400
    default_detail = "X-Anonymous-Customer-Unique-Id must be 1 to 255 printable characters."


# --- Glue's customer and address codes (CustomersRestApiConfig) -----------------------------


class CustomerAlreadyExists(DomainError):
    code = "400"
    status = 422
    field = ("email",)
    default_detail = "Customer with this email already exists."


class CustomerNotFound(DomainError):
    code = "402"
    status = 404
    default_detail = "Customer not found."


class AddressNotFound(DomainError):
    code = "404"
    status = 404
    default_detail = "Address was not found."


class PasswordsDoNotMatch(DomainError):
    code = "406"
    status = 422
    field = ("confirm_password",)
    default_detail = "Value in field password should be identical to value in the confirmPassword field."


class PasswordInvalid(DomainError):
    """The current password given to change it is wrong."""

    code = "408"
    status = 400
    field = ("password",)
    default_detail = "Invalid password"


class TermsNotAccepted(DomainError):
    code = "413"
    status = 400
    field = ("accepted_terms",)
    default_detail = "Terms and Conditions was not accepted."


class GenderInvalid(DomainError):
    code = "414"
    status = 400
    field = ("gender",)
    default_detail = "Gender is not valid. Possible options are: Male, Female"


class EmailInvalid(DomainError):
    code = "416"
    status = 422
    field = ("email",)
    default_detail = "Invalid Email address format."


class EmailTooLong(DomainError):
    code = "417"
    status = 422
    field = ("email",)
    default_detail = "Email is too long. It should have 100 characters or less."


class PasswordTooShort(DomainError):
    code = "418"
    status = 400
    field = ("password",)
    default_detail = "The password is too short."


class PasswordTooLong(DomainError):
    code = "419"
    status = 400
    field = ("password",)
    default_detail = "The password is too long."


class PasswordCharacterSetInvalid(DomainError):
    code = "420"
    status = 400
    field = ("password",)
    default_detail = "The password character set is invalid."


class PasswordTooCommon(DomainError):
    code = "422"
    status = 400
    field = ("password",)
    default_detail = "The password is listed as common."


class CustomerFieldInvalid(DomainError):
    """A missing or malformed field of a customer or an address (Glue's request validation, 901)."""

    code = "901"
    status = 422
    default_detail = "This field is not valid."


# --- who may place an order for whom (customers.selectors) --------------------------------------


class CustomerSignInRequired(DomainError):
    code = "customer_sign_in_required"
    status = 401
    default_detail = "Placing an order for a customer needs that customer's sign-in."


class CustomerSignInMismatch(DomainError):
    code = "customer_sign_in_mismatch"
    status = 401
    default_detail = "The sign-in belongs to another customer."


class AccountMemberSignInRequired(DomainError):
    code = "account_member_sign_in_required"
    status = 401
    default_detail = "Placing an order for an account needs staff or the account member's sign-in."


class AccountMemberSignInMismatch(DomainError):
    code = "account_member_sign_in_mismatch"
    status = 401
    default_detail = "The sign-in does not belong to this account member."


class AccountMemberNotFound(DomainError):
    code = "account_member_not_found"
    status = 404
    default_detail = "Account member not found."
