"""What every payment provider plugin speaks: a request in, an authorization out.

A plugin is the provider side of a payment. It validates the client's payment object
(pure, no I/O), calls the provider, and returns what may be kept. States live in the
``Payment`` model; a plugin only talks to the provider.

Card numbers and security codes travel only inside ``PaymentRequest.data`` (the
client's payment object as sent), which is left out of ``repr``. Nothing a plugin
returns holds them: ``CardDetails`` keeps the brand, the last four digits, the expiry
and the name, as Spree's stored ``source`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

if TYPE_CHECKING:
    from payments.models import PaymentMethod

AUTHORIZED: Final = "authorized"  # money held (or an invoice sent): capture later
CAPTURED: Final = "captured"  # money taken
REDIRECT: Final = "redirect"  # the customer must confirm on the provider's page
AuthorizationStatus = Literal["authorized", "captured", "redirect"]


@dataclass(frozen=True)
class CardDetails:
    """What may be kept of a card; ``token`` is the provider's name for it, what it charges later."""

    brand: str
    last_digits: str
    month: int
    year: int
    name: str
    token: str = ""


@dataclass(frozen=True)
class PaymentRequest:
    method: PaymentMethod
    amount: int  # minor units
    currency: str
    reference: str  # the order reference or the attempt id, for the provider
    # The client's payment object as sent; may hold a card number, so never shown.
    data: Mapping[str, Any] = field(repr=False)

    def __post_init__(self):
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError("A payment amount is a non-negative integer in minor units.")


@dataclass(frozen=True)
class Authorization:
    status: AuthorizationStatus
    transaction_id: str
    redirect_url: str = ""  # when status == "redirect"
    card: CardDetails | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # safe to store: never a card number or CVC


class PaymentPlugin(Protocol):
    code: str  # == PaymentMethod.plugin

    def validate(self, request: PaymentRequest) -> None:
        """Raise PaymentDataInvalid when the payment object is incomplete or malformed. Pure, no I/O."""

    def authorize(self, request: PaymentRequest) -> Authorization:
        """Call the provider. Raises PaymentDeclined when it refuses."""

    def capture(self, *, transaction_id: str, amount: int, currency: str) -> None: ...

    def void(self, *, transaction_id: str) -> None: ...

    def refund(self, *, transaction_id: str, amount: int, currency: str) -> None: ...
