"""Which address failed logins count against: REMOTE_ADDR unless trusted proxies are configured."""

import pytest
from django.test import RequestFactory

from core.client_address import client_address


def request_from(remote: str, forwarded: str | None = None, **meta):
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/access-tokens", REMOTE_ADDR=remote, **meta)


def test_without_trusted_proxies_a_forwarded_header_is_ignored():
    assert client_address(request_from("203.0.113.7", "192.0.2.1")) == "203.0.113.7"


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (1, "198.51.100.4", "198.51.100.4"),  # one proxy: the address it saw
    (1, "192.0.2.1, 198.51.100.4", "198.51.100.4"),  # what the client wrote itself is ignored
    (2, "192.0.2.1, 198.51.100.4, 10.0.0.2", "198.51.100.4"),  # a CDN, then a load balancer
    (2, "198.51.100.4", "10.0.0.9"),  # fewer hops than proxies: not through them, REMOTE_ADDR
    (1, "not-an-address", "10.0.0.9"),
    (1, "", "10.0.0.9"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_behind_trusted_proxies_the_client_is_counted_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from("10.0.0.9", forwarded)) == expected


def test_the_header_can_be_another_one(settings):
    settings.TRUSTED_PROXY_COUNT, settings.CLIENT_ADDRESS_HEADER = 1, "X-Real-IP"
    request = request_from("10.0.0.9", "192.0.2.1", HTTP_X_REAL_IP="198.51.100.4")
    assert client_address(request) == "198.51.100.4"
