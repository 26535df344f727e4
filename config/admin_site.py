"""The shop's admin site: Django's, with an index that opens on what needs attention
(checkout.dashboard) above the usual list of apps."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ShopAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from checkout.dashboard import shop_dashboard  # the admin site loads before the apps' models

        return super().index(request, {**(extra_context or {}), "dashboard": shop_dashboard()})


class ShopAdminConfig(AdminConfig):
    default_site = "config.admin_site.ShopAdminSite"
