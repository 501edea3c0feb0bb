"""The project's admin site: Django's, with the password change page under the sign-in lock-out."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from .passwords import GuardedAdminPasswordChangeForm, GuardedPasswordChangeView


class StaffAdminSite(admin.AdminSite):
    def password_change(self, request, extra_context=None):
        # As AdminSite.password_change, whose form checks the current password with nothing counting.
        defaults = {
            "form_class": GuardedAdminPasswordChangeForm,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return GuardedPasswordChangeView.as_view(**defaults)(request)
