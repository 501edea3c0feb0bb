"""The downloadable templates: the header row of each import, as CSV or XLSX."""

from __future__ import annotations

from hartford_bwc import spreadsheet

from .columns import columns_for

CONTENT_TYPES = spreadsheet.CONTENT_TYPES


def template_file(kind: str, file_format: str) -> bytes:
    headers = [column.name for column in columns_for(kind)]
    return spreadsheet.file_bytes(file_format, headers, [], title=kind.capitalize())
