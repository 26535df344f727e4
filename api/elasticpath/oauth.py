"""POST /oauth/access_token: Elastic Path's tokens, as the shop issues them.

- ``grant_type=implicit`` (a storefront, ``client_id`` only): a token that identifies no one.
  Storefronts send it as ``Authorization: Bearer`` on every request, as they do with Elastic
  Path; it opens what anyone holding a cart id may open, nothing more.
- ``grant_type=client_credentials`` (a trusted backend): ``client_id`` and ``client_secret``
  are the username and password of an active staff user; the token acts for that user. Wrong
  secrets are throttled with every other login (``customers.logins``): 429 with Retry-After.

Both are the shop's signed access tokens (simplejwt), with Elastic Path's response fields.
"""

from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework_simplejwt.tokens import AccessToken

from api.elasticpath.errors import EPError
from api.elasticpath.identity import CLIENT_CREDENTIALS, IMPLICIT
from api.elasticpath.views import EPView
from api.parsers import JSONBodyParser
from customers.logins import password_check



def _field(request, name: str) -> str:
    value = request.data.get(name) if hasattr(request.data, "get") else None
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise EPError(f"{name} is required.", meta={"field": name}, status=422, title="Failed Validation")
    return value.strip()


class AccessTokenView(EPView):
    parser_classes = [FormParser, MultiPartParser, JSONBodyParser]

    def post(self, request):
        grant_type = _field(request, "grant_type")
        client_id = _field(request, "client_id")
        if grant_type == IMPLICIT:
            token = AccessToken()
            token["grant_type"] = IMPLICIT
            token["client_id"] = client_id
        elif grant_type == CLIENT_CREDENTIALS:
            user = password_check(request=request, username=client_id, password=_field(request, "client_secret"))
            if user is None or not user.is_staff:
                raise EPError("The client credentials are not valid.", status=401, title="Unauthorized")
            token = AccessToken.for_user(user)
            token["grant_type"] = CLIENT_CREDENTIALS
        else:
            raise EPError('grant_type must be "implicit" or "client_credentials".', meta={"field": "grant_type"},
                          status=422, title="Failed Validation")
        lifetime = int(token.lifetime.total_seconds())
        return Response({"client_id": client_id, "access_token": str(token), "expires": int(token["exp"]),
                         "expires_in": lifetime, "identifier": grant_type, "token_type": "Bearer"})
