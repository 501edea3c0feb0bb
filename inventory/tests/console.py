"""Helpers for the camera console's view tests (those every app's tests use live in hartford_bwc.testing)."""

from __future__ import annotations


def page_tags(response) -> list[str]:
    """The asset tags of the rows on the camera list page, in order."""
    return [row.record.asset_tag for row in response.context["table"].paginated_rows]
