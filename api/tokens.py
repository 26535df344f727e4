"""The shop's bearer tokens (simplejwt JWTs): what makes them end before they expire.

- **A password change ends every earlier token.** Every token carries simplejwt's
  ``hash_password`` claim (``CHECK_REVOKE_TOKEN``), a hash of the user's password hash when it
  was issued. ``token_user`` is the one place a token becomes a user, for every dialect, and it
  refuses a token whose claim no longer matches: so any way a password changes (the API, the
  admin, ``changepassword``) counts, and the check reads only the user row a request needs anyway.
- **A refresh token is spent by its first use** and can be revoked (logging out): both put it on
  simplejwt's blacklist with an insert that only one of two racing requests can make.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from customers.exceptions import RefreshTokenInvalid


class TokenRefused(Exception):
    """The token is not one the shop takes (any more); each dialect says so in its own words."""


def token_user(raw: str, *, kind: type[Token] = AccessToken):
    """The active user a valid token of this kind was issued to, their customer (if any) loaded
    with them in the same query; ``TokenRefused`` when the token is invalid, expired, spent or
    older than the user's password."""
    return _token_and_user(raw, kind)[1]


def token_and_user(raw: str, *, kind: type[Token] = AccessToken):
    """The valid token of this kind (its claims) and the user it was issued to, as ``token_user``."""
    return _token_and_user(raw, kind)


def tokens_refresh(raw: str) -> RefreshToken:
    """A new refresh token (its ``access_token`` with it) for a refresh token used for the first
    time, which is spent from now on; ``RefreshTokenInvalid`` otherwise."""
    try:
        token, user = _token_and_user(raw, RefreshToken)
    except TokenRefused:
        raise RefreshTokenInvalid() from None
    if not _spend(token, user):  # another request used it at the same moment
        raise RefreshTokenInvalid()
    return RefreshToken.for_user(user)


def refresh_token_revoke(*, user, raw: str) -> None:
    """Revoke one of the user's refresh tokens; another user's, a spent or an invalid one is left alone."""
    try:
        token = RefreshToken(raw)
    except TokenError:
        return
    if str(token.get(api_settings.USER_ID_CLAIM)) == str(user.pk):
        _spend(token, user)


def refresh_tokens_revoke_all(*, user) -> None:
    """Revoke every refresh token the user holds (logging out everywhere)."""
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)


def _token_and_user(raw: str, kind: type[Token]):
    try:
        token = kind(raw)  # a refresh token is also looked up on the blacklist
        user_id = token[api_settings.USER_ID_CLAIM]
    except (TokenError, KeyError):
        raise TokenRefused() from None
    user = get_user_model().objects.select_related("customer").filter(pk=user_id, is_active=True).first()
    if user is None or token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise TokenRefused()
    return token, user


def _spend(token: RefreshToken, user) -> bool:
    """Blacklist the token; False when it already was. The blacklist's unique row decides a race."""
    outstanding, _ = OutstandingToken.objects.get_or_create(jti=token[api_settings.JTI_CLAIM], defaults={
        "user": user, "token": str(token), "created_at": datetime_from_epoch(token["iat"]) if "iat" in token else None,
        "expires_at": datetime_from_epoch(token["exp"])})
    _, spent_now = BlacklistedToken.objects.get_or_create(token=outstanding)
    return spent_now
