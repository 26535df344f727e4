"""Password checks that hold against guessing.

Every password a client sends (a Glue or Elastic Path login, an Elastic Path client secret, the
current password of a password change, the admin's login form) is checked by Django's
``authenticate()`` together with the request it came with. django-axes, the first authentication
backend, counts the failures in the database per username and per client address, and while
either has ``AXES_FAILURE_LIMIT`` failures less than ``AXES_COOLOFF_TIME`` apart it refuses every
password, the right one too. The counters are rows, so every worker on every machine sees them.
"""

from __future__ import annotations

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Max, Q
from django.utils import timezone

from core.client_address import client_address
from customers.exceptions import TooManyLoginAttempts


def password_check(*, request, username: str, password: str):
    """The active user with these credentials, or None; ``TooManyLoginAttempts`` while locked out.

    A failure is written at once: call this outside any transaction that could roll it back."""
    user = authenticate(request, username=username, password=password)
    if user is None and getattr(request, "axes_locked_out", False):
        raise TooManyLoginAttempts(retry_after=lockout_seconds(request=request, username=username))
    return user


def lockout_seconds(*, request, username: str | None) -> int:
    """Seconds until the lock on this username and on the request's address lifts, at the latest:
    until the newest failure counted against either is AXES_COOLOFF_TIME old (attempts made while
    locked out are not counted, so waiting that long is enough)."""
    cool_off = settings.AXES_COOLOFF_TIME
    newest = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=client_address(request))).aggregate(
        newest=Max("attempt_time"))["newest"]
    if newest is None:
        return int(cool_off.total_seconds())
    return max(1, math.ceil((newest + cool_off - timezone.now()).total_seconds()))
