"""POST /access-tokens, POST /refresh-tokens and DELETE /refresh-tokens/{refreshToken}: a customer
logs in, stays logged in, and logs out."""

from django.conf import settings
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from api.glue.customers import glue_customer
from api.glue.documents import PARSERS, RENDERERS, resource
from api.glue.requests import glue_attributes, required_string
from api.identity import GUEST_HEADER
from api.tokens import refresh_token_revoke, refresh_tokens_revoke_all, tokens_refresh
from checkout.cart_editing import guest_carts_merge_at_login
from customers.services import customer_authenticate

EVERY_REFRESH_TOKEN = "mine"  # DELETE /refresh-tokens/mine: log out everywhere


class GlueView(APIView):
    parser_classes = PARSERS
    renderer_classes = RENDERERS
    authentication_classes = []
    permission_classes = []


def token_attributes(refresh: RefreshToken) -> dict:
    return {
        "tokenType": "Bearer",
        "expiresIn": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        "accessToken": str(refresh.access_token),
        "refreshToken": str(refresh),
        "refreshTokenExpiresIn": int(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()),
        "idCompanyUser": None,
    }


class AccessTokensView(GlueView):
    def post(self, request):
        attributes = glue_attributes(request, "access-tokens")
        customer = customer_authenticate(request=request, username=required_string(attributes, "username"),
                                         password=required_string(attributes, "password", max_length=4096))
        # A guest logging in brings their cart along (Spryker merges it into the customer's cart).
        guest_carts_merge_at_login(anonymous_id=request.headers.get(GUEST_HEADER), customer=customer)
        tokens = token_attributes(RefreshToken.for_user(customer.user))
        return Response({"data": resource(request, "access-tokens", None, tokens, self_path="/access-tokens")},
                        status=201)


class RefreshTokensView(GlueView):
    def post(self, request):
        attributes = glue_attributes(request, "refresh-tokens")
        renewed = tokens_refresh(required_string(attributes, "refreshToken", max_length=4096))
        return Response({"data": resource(request, "refresh-tokens", None, token_attributes(renewed),
                                          self_path="/refresh-tokens")}, status=201)


class RefreshTokenView(GlueView):
    def delete(self, request, refresh_token: str):
        """Revoke one of the caller's refresh tokens, or all of them (``mine``); 204 whatever it was, as Spryker."""
        customer = glue_customer(request)
        if refresh_token == EVERY_REFRESH_TOKEN:
            refresh_tokens_revoke_all(user=customer.user)
        else:
            refresh_token_revoke(user=customer.user, raw=refresh_token)
        return Response(status=204)
