"""Helpers for the console's view tests: signed-in clients per role, and reading pages."""

from __future__ import annotations

from accounts import roles
from accounts.tests.factories import UserFactory

ROLES = (roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR)


def sign_in(client, role: str = roles.QUARTERMASTER):
    user = UserFactory(username=f"{role.lower()}-user", role=role)
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def page_tags(response) -> list[str]:
    """The asset tags of the rows on the camera list page, in order."""
    return [row.record.asset_tag for row in response.context["table"].paginated_rows]
