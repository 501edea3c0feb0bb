"""Helpers shared by the browser tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DOC_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def publish_screenshot(source: Path, name: str) -> None:
    """Copy a test's screenshot into docs/screenshots, only when asked (UPDATE_DOC_SCREENSHOTS=1).

    A plain test run must leave the checkout clean; the committed pictures change on purpose.
    """
    if os.environ.get("UPDATE_DOC_SCREENSHOTS") != "1":
        return
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, DOC_SCREENSHOTS / name)
