"""Control characters (C0 and DEL): what no value typed, scanned or sent to the inventory holds.

A name, asset tag, badge or dock name holds none; free text (a damage description, a note) may hold
tab and line breaks. PostgreSQL refuses NUL, and the others would be stored invisibly and break
pages, exports and the audit trail's readability. The forms, the API (also in its OpenAPI patterns)
and the middleware that cleans form fields all read them from here.
"""

from __future__ import annotations

import re

#: Every control character, as the body of a regex character class.
ANY = r"\x00-\x1f\x7f"
#: Every control character but tab, line feed and carriage return, likewise.
EXCEPT_WHITESPACE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"

_ANY = re.compile(f"[{ANY}]")
_EXCEPT_WHITESPACE = re.compile(f"[{EXCEPT_WHITESPACE}]")


def has_any(value: str) -> bool:
    return _ANY.search(value) is not None


def has_any_but_whitespace(value: str) -> bool:
    return _EXCEPT_WHITESPACE.search(value) is not None


def strip(value: str) -> str:
    """The value without control characters; tab and line breaks stay."""
    return _EXCEPT_WHITESPACE.sub("", value)
