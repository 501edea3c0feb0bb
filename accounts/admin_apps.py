"""The admin app with the project's own site (its own module: app configs load before any model)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS so that `admin.site` is a StaffAdminSite."""

    default_site = "accounts.admin_site.StaffAdminSite"
