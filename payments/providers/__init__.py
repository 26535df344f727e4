"""Payment provider plugins: the provider side of a payment (see base.py for the contract).

``plugin_for`` is loaded on first use: the plugins import ``payments.cards``, which
imports ``base`` from this package.
"""

from payments.providers.base import Authorization, CardDetails, PaymentPlugin, PaymentRequest

__all__ = ["Authorization", "CardDetails", "PaymentPlugin", "PaymentRequest", "plugin_for"]


def __getattr__(name: str):
    if name == "plugin_for":
        from payments.providers.registry import plugin_for

        return plugin_for
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
