"""The downloadable templates: the header row of each import, as CSV or XLSX (tablib)."""

from __future__ import annotations

import tablib

from .columns import columns_for

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_file(kind: str, file_format: str) -> bytes:
    dataset = tablib.Dataset(headers=[column.name for column in columns_for(kind)], title=kind.capitalize())
    exported = dataset.export(file_format)
    return exported.encode("utf-8") if isinstance(exported, str) else exported
