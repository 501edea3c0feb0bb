"""Firmware versions: the one check every input uses, and the reading the flag sweep compares with."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from packaging.version import InvalidVersion, Version

# Vendors add a build to the numbers ("4.1.0-b12", "3.2.0+r7"); the numbers are what is compared.
_NUMBERS_WITH_BUILD = re.compile(r"(\d+(?:\.\d+)*)(?:[-+_][0-9A-Za-z][0-9A-Za-z._-]*)?")


def parse_firmware_version(text: str) -> Version | None:
    """A firmware version compared as numbers (3.10 > 3.9), or None when it is not a version."""
    text = (text or "").strip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        match = _NUMBERS_WITH_BUILD.fullmatch(text)
        return Version(match.group(1)) if match else None


def validate_firmware_version(value: str) -> None:
    """Refuse text that is not a version: the sweep could not compare it with the department minimum,
    so the camera would silently escape the "firmware below minimum" flag. Blank means unknown."""
    if not (value or "").strip():
        return
    if parse_firmware_version(value) is None:
        shown = value.strip()[:40]
        raise ValidationError(
            f"“{shown}” is not a firmware version. Enter its numbers separated by dots, such as 4.1.0 "
            "(a vendor build after them, such as 4.1.0-b12, is fine).",
            code="invalid_firmware_version",
            params={"value": value},
        )
