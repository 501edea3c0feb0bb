"""Helpers for the camera console's view tests. The ones every app's tests use (signing in, reading
messages) live in hartford_bwc.testing; they are re-exported here only for branches still importing
them from this module."""

from __future__ import annotations

from hartford_bwc.testing import ROLES, messages_of, sign_in

__all__ = ["ROLES", "messages_of", "page_tags", "sign_in"]


def page_tags(response) -> list[str]:
    """The asset tags of the rows on the camera list page, in order."""
    return [row.record.asset_tag for row in response.context["table"].paginated_rows]
