"""Only hartford_bwc/spreadsheet.py writes CSV or XLSX: an export written elsewhere would skip its neutralising."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ROOT / "hartford_bwc" / "spreadsheet.py"
# bench/ serves nobody: it reads the CSV statistics its load generator (locust) writes.
SKIPPED_DIRS = {".venv", "venv", "node_modules", "tests", "migrations", "var", "artifacts", ".git", "bench"}

# Ways to write a spreadsheet: the csv module's writers, openpyxl/xlsxwriter workbooks, tablib's
# export (Dataset.export, .csv/.xlsx properties), django-tables2's exporters, and a response
# declared as CSV or XLSX. Reading (csv.reader, load_workbook, Dataset().load) stays allowed.
WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\b"
    r"|\bWorkbook\s*\("
    r"|xlsxwriter"
    r"|\.export\s*\("
    r"|\.export_set\b"
    r"|\w\.(csv|xlsx|tsv|xls|ods)\b"
    r"|\b(TableExport|ExportMixin)\b"
    r"|text/csv"
    r"|spreadsheetml"
)


def _sources():
    for path in ROOT.rglob("*.py"):
        if SKIPPED_DIRS.isdisjoint(path.relative_to(ROOT).parts) and path != ALLOWED:
            yield path


def writers_outside_spreadsheet_module() -> list[str]:
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if WRITERS.search(code) and "spreadsheet." not in code:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_module_but_spreadsheet_writes_csv_or_xlsx():
    assert writers_outside_spreadsheet_module() == []


def test_the_guard_sees_each_way_of_writing():
    offenders = [
        "writer = csv.writer(out)",
        "book = openpyxl.Workbook()",
        "data = dataset.export('xlsx')",
        "data = dataset.csv",
        "exporter = TableExport('csv', table)",
        "class V(ExportMixin, View): ...",
        "HttpResponse(data, content_type='text/csv')",
    ]
    allowed = ["rows = csv.reader(io.StringIO(text))", "book = load_workbook(stream, read_only=True)"]
    assert all(WRITERS.search(line) for line in offenders)
    assert not any(WRITERS.search(line) for line in allowed)
