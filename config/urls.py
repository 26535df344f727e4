from django.contrib import admin
from django.urls import include, path, re_path

from api.schema import RedocView, SchemaView, SwaggerView  # the schema, with every operation described

from api.dialects import unknown_path
from api.elasticpath.oauth import AccessTokenView
from api.health import health

admin.site.site_header = "Shop backoffice"
admin.site.site_title = "Shop backoffice"
admin.site.index_title = "Run the shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    # API docs: OpenAPI 3 schema, Swagger UI and Redoc (offline assets); before Spree's /api/ routes.
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/docs/redoc/", RedocView.as_view(url_name="api-schema"), name="api-docs-redoc"),
    path("api/", include("api.spree.urls")),
    path("v2/", include("api.elasticpath.urls")),
    path("oauth/access_token", AccessTokenView.as_view(), name="ep-access-token"),  # Elastic Path's tokens
    path("health", health, name="health"),  # load balancers: 200 when the database answers, else 503
    path("", include("api.glue.urls")),
    re_path(r"^", unknown_path),  # any other path: its dialect's 404, not Django's page (DEBUG on too)
]
