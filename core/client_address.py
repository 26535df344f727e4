"""The address a request comes from, as the login throttle counts it.

By default it is ``REMOTE_ADDR``: a header a client can write never chooses its own bucket.
Behind proxies, set ``TRUSTED_PROXY_COUNT`` to how many of them each append the address they
saw to ``CLIENT_ADDRESS_HEADER`` (``X-Forwarded-For``); the client is then the entry that many
places from the right, and whatever a client wrote further left is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        header = request.META.get("HTTP_" + settings.CLIENT_ADDRESS_HEADER.upper().replace("-", "_"), "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= proxies and _is_address(hops[-proxies]):
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
