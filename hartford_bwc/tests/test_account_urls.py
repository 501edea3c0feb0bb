"""Only the account pages staff use are served: no self-service password reset, which would let anyone
send reset emails to any address without limit (an administrator resets a password in the admin)."""

from __future__ import annotations

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/"],
)
def test_password_reset_pages_do_not_exist(client, path):
    assert client.get(path).status_code == 404


def test_no_reset_email_can_be_requested(client, django_user_model):
    django_user_model.objects.create_user("qm", email="qm@hartford.example", password="x" * 12)
    client.post("/accounts/password_reset/", {"email": "qm@hartford.example"})
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password_change/"])
def test_the_pages_staff_use_are_still_there(client, path):
    assert client.get(path).status_code in (200, 302)
