"""The shop's admin site: Django's, with an index that opens on what needs attention
(checkout.dashboard) above the usual list of apps, and a page for a login locked out."""

import math

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import render


class ShopAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from checkout.dashboard import shop_dashboard  # the admin site loads before the apps' models

        return super().index(request, {**(extra_context or {}), "dashboard": shop_dashboard()})


class ShopAdminConfig(AdminConfig):
    default_site = "config.admin_site.ShopAdminSite"


def locked_out(request, original_response, credentials):
    """The admin login's page while the username or the client address is locked out (django-axes'
    AXES_LOCKOUT_CALLABLE): a 429 that says why and for how long, instead of the login form."""
    from customers.logins import lockout_seconds  # the admin site loads before the apps' models

    seconds = lockout_seconds(request=request, username=(credentials or {}).get("username"))
    context = {**admin.site.each_context(request), "title": "Too many failed login attempts",
               "minutes": math.ceil(seconds / 60)}
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
