from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Shop backoffice"
admin.site.site_title = "Shop backoffice"
admin.site.index_title = "Run the shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.spree.urls")),
    path("v2/", include("api.elasticpath.urls")),
    path("", include("api.glue.urls")),
]
