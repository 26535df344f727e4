"""Offline payment (Elastic Path's manual gateway): staff record what happens outside the shop."""

from __future__ import annotations

import uuid

from payments.models import PaymentPlugin as PluginCode
from payments.providers.base import AUTHORIZED, Authorization, PaymentRequest


class ManualPlugin:
    code = PluginCode.MANUAL.value

    def validate(self, request: PaymentRequest) -> None:
        """Nothing is asked of the customer."""

    def authorize(self, request: PaymentRequest) -> Authorization:
        return Authorization(status=AUTHORIZED, transaction_id=uuid.uuid4().hex)

    def capture(self, *, transaction_id: str, amount: int, currency: str) -> None:
        """The money arrives outside the shop; staff record it on the payment."""

    def void(self, *, transaction_id: str) -> None:
        """Nothing was held anywhere."""

    def refund(self, *, transaction_id: str, amount: int, currency: str) -> None:
        """Refunded outside the shop."""
