from django.contrib import admin
from django.urls import include, path

from api.elasticpath.oauth import AccessTokenView

admin.site.site_header = "Shop backoffice"
admin.site.site_title = "Shop backoffice"
admin.site.index_title = "Run the shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.spree.urls")),
    path("v2/", include("api.elasticpath.urls")),
    path("oauth/access_token", AccessTokenView.as_view(), name="ep-access-token"),  # Elastic Path's tokens
    path("", include("api.glue.urls")),
]
