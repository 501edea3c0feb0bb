"""A signed-in user's own password, checked under the sign-in lock-out.

Changing a password asks for the current one. Checked with `user.check_password()` (as Django's
PasswordChangeForm does) it was a guess that nothing counted: a stolen session could try passwords at
full speed and learn the one that opens every other door. Here the current password goes through
`authenticate()`, as a sign-in does: django-axes refuses a locked username and counts a wrong password
against it, the login guard counts it against the address, and each wrong one is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor


def check_own_password(*, request: Any, user: Any, password: str) -> bool:
    """True when `password` is `user`'s; a wrong one counts as a failed sign-in and is audited.

    While the username (or the address) is locked the password is not checked at all, and the answer
    is False: django-axes then marks the request, and its middleware answers with the lock-out page.
    """
    username = user.get_username()
    if authenticate(request, username=username, password=password) == user:
        return True
    audit.record(
        by=Actor.from_request(request),
        action=Action.STAFF_PASSWORD_CHECK_FAILED,
        obj=user,
        reason="wrong current password"
        if not getattr(request, "axes_locked_out", False)
        else "username locked: password not checked",
    )
    return False


class GuardedOldPassword:
    """Mixin for PasswordChangeForm and its admin variant: the current password checked as above."""

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not check_own_password(request=self.request, user=self.user, password=old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class GuardedPasswordChangeForm(GuardedOldPassword, PasswordChangeForm):
    pass


class GuardedAdminPasswordChangeForm(GuardedOldPassword, AdminPasswordChangeForm):
    pass


class GuardedPasswordChangeView(PasswordChangeView):
    """Django's password change page with the guarded form (which needs the request)."""

    form_class = GuardedPasswordChangeForm
    # The console's own layout (Section 508 checked), not the admin's: the admin's page keeps its own.
    template_name = "accounts/password_change_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
