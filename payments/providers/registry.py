"""Which plugin serves a payment method: ``PaymentMethod.plugin`` names it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payments.exceptions import InvalidPaymentMethod
from payments.providers.base import PaymentPlugin
from payments.providers.dummy import DummyCreditCardPlugin, DummyInvoicePlugin
from payments.providers.manual import ManualPlugin
from payments.providers.redirect import ExternalRedirectPlugin

if TYPE_CHECKING:
    from payments.models import PaymentMethod

# Plugins hold no state: one instance each serves every request.
PLUGINS: dict[str, PaymentPlugin] = {
    plugin.code: plugin
    for plugin in (DummyInvoicePlugin(), DummyCreditCardPlugin(), ExternalRedirectPlugin(), ManualPlugin())
}


def plugin_for(method: PaymentMethod) -> PaymentPlugin:
    """The plugin of ``method``; InvalidPaymentMethod (1108) when none is registered under its code."""
    try:
        return PLUGINS[method.plugin]
    except KeyError:
        raise InvalidPaymentMethod(method=method.name, provider=method.provider.name) from None
