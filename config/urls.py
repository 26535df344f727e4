from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Shop backoffice"
admin.site.site_title = "Shop backoffice"
admin.site.index_title = "Run the shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("api.glue.urls")),
]
