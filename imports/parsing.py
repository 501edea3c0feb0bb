"""From an uploaded file to rows of strings, with tablib; a file that cannot be read is refused whole.

Each refusal says what is wrong and what to do: too big, empty, not UTF-8, not CSV or XLSX, headers that
do not match the template (listing the missing and the unknown ones), a control character in a cell,
more rows than IMPORT_MAX_ROWS, and an XLSX that would unpack to more than a worker should read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import tablib
from django.conf import settings

from hartford_bwc.errors import DomainError

from .columns import Column, columns_for


class ImportRefused(DomainError):
    """The file as a whole cannot be imported; nothing was read into the database."""


@dataclass
class ParsedFile:
    file_format: str
    checksum: str
    headers: list[str]
    rows: list[dict]  # {"line": int, "values": {column: str}}


def normalize_header(text) -> str:
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())


def parse_upload(*, kind: str, filename: str, data: bytes, size: int | None = None) -> ParsedFile:
    """`size` is the file's full size when only its first bytes were read (enough to know it is too big)."""
    limit_mb = settings.IMPORT_MAX_UPLOAD_MB
    size = max(size or 0, len(data))
    if size > limit_mb * 1024 * 1024:
        raise ImportRefused(
            f"{filename} is {size / (1024 * 1024):.1f} MB; the limit is {limit_mb} MB. Split it into smaller files.",
            code="too_big",
        )
    if not data:
        raise ImportRefused(f"{filename} is empty. Fill in the template and upload it again.", code="empty")
    name = filename.lower()
    if name.endswith(".csv"):
        file_format, headers, rows = "csv", *_read_csv(filename, data)
    elif name.endswith(".xlsx"):
        file_format, headers, rows = "xlsx", *_read_xlsx(filename, data)
    else:
        raise ImportRefused(
            f"{filename} is not a CSV or XLSX file. Upload a .csv (UTF-8) or an Excel .xlsx file "
            "(older .xls files: open them in Excel and save as .xlsx).",
            code="unsupported_type",
        )
    columns = columns_for(kind)
    _check_control_characters(filename, [(1, headers)], headers=None)
    _check_headers(kind, headers, columns)
    keep = [i for i, header in enumerate(headers) if header]
    parsed = []
    for line, cells in rows:
        values = {headers[i]: _text(cells[i]) if i < len(cells) else "" for i in keep}
        if any(values.values()):
            parsed.append({"line": line, "values": values})
    _check_control_characters(filename, [(row["line"], row["values"]) for row in parsed], headers=headers)
    if not parsed:
        raise ImportRefused(
            f"{filename} has the header row but no data rows. Add one row per {columns[0].noun} and upload it again.",
            code="empty",
        )
    return ParsedFile(
        file_format=file_format,
        checksum=hashlib.sha256(data).hexdigest(),
        headers=[headers[i] for i in keep],
        rows=parsed,
    )


def _read_csv(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            f"{filename} is not UTF-8 text (byte 0x{data[error.start]:02X} on line {line}). "
            'In Excel choose "Save as: CSV UTF-8 (Comma delimited)", or upload the .xlsx file instead.',
            code="not_utf8",
        ) from None
    if not text.strip():
        raise ImportRefused(f"{filename} is empty. Fill in the template and upload it again.", code="empty")
    # Where each record starts, counted the way tablib reads the file (it skips blank lines), so
    # that messages name the line a person sees in an editor.
    starts, width, previous_end = [], None, 0
    try:
        for cells in (reader := csv.reader(io.StringIO(text))):
            if cells:
                if width is None:
                    width = len(cells)
                elif len(cells) > width:
                    raise ImportRefused(
                        f"Line {previous_end + 1} of {filename} has {len(cells)} cells but the header row has "
                        f"{width}. Remove the extra cells (or a stray comma) and upload it again.",
                        code="bad_shape",
                    )
                starts.append(previous_end + 1)
                if len(starts) > settings.IMPORT_MAX_ROWS + 1:  # + 1: the header row
                    raise _too_many_rows(filename)
            previous_end = reader.line_num
        dataset = tablib.Dataset().load(text, format="csv")
    except csv.Error as error:
        raise ImportRefused(f"{filename} is not a readable CSV file: {error}.", code="bad_csv") from None
    return [normalize_header(h) for h in dataset.headers or []], list(zip(starts[1:], dataset, strict=False))


def _read_xlsx(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    _check_archive(filename, data)
    rows: list[tuple[int, list]] = []
    try:
        # Read-only mode streams the sheet's XML (parsed by defusedxml, which openpyxl uses when it is
        # installed) instead of building the whole workbook, so the row limit stops it early.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet_rows = book.active.iter_rows(values_only=True)
            headers = [normalize_header(h) for h in next(sheet_rows, ())]
            filled = 0
            # openpyxl reads every row of the sheet, blank ones too: row i of the data is line i + 2.
            for line, cells in enumerate(sheet_rows, start=2):
                if any(cell not in (None, "") for cell in cells):
                    filled += 1
                    if filled > settings.IMPORT_MAX_ROWS:
                        raise _too_many_rows(filename)
                    rows.append((line, list(cells)))
        finally:
            book.close()
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file
        raise ImportRefused(
            f"{filename} is not a readable Excel .xlsx file. Save it again from Excel as .xlsx, or as CSV UTF-8.",
            code="bad_xlsx",
        ) from None
    if not any(headers):
        raise ImportRefused(f"{filename} is empty. Fill in the template and upload it again.", code="empty")
    return headers, rows


def _check_archive(filename: str, data: bytes) -> None:
    """Refuse an XLSX (a zip of XML) that unpacks to too much before any XML of it is parsed.

    The sizes are the archive's own declarations; zipfile, which openpyxl reads through, stops at the
    declared size (and fails on a mismatched CRC), so a member that lies about its size cannot unpack
    past it. A 4.8 MB file unpacking to 1 GB of sheet XML kept a worker busy for 30 s.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(
            f"{filename} is not a readable Excel .xlsx file. Save it again from Excel as .xlsx, or as CSV UTF-8.",
            code="bad_xlsx",
        ) from None
    limit_mb = settings.IMPORT_MAX_UNPACKED_MB
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit_mb * 1024 * 1024:
        raise ImportRefused(
            f"{filename} unpacks to {unpacked / (1024 * 1024):.0f} MB; the limit is {limit_mb} MB. "
            "Split it into smaller files, or save it as CSV UTF-8.",
            code="too_big_unpacked",
        )
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    for member in members:
        # Small parts (styles, themes) may compress well without costing anything to read.
        if member.file_size >= 1024 * 1024 and member.file_size > ratio_limit * max(member.compress_size, 1):
            raise ImportRefused(
                f"{filename} is compressed {member.file_size // max(member.compress_size, 1)} to 1 "
                f"({member.filename}); more than {ratio_limit} to 1 is not a spreadsheet a person filled in. "
                "Save it again from Excel, or as CSV UTF-8.",
                code="compression_ratio",
            )


def _too_many_rows(filename: str) -> ImportRefused:
    limit = settings.IMPORT_MAX_ROWS
    return ImportRefused(
        f"{filename} has more than {limit:,} rows; the limit is {limit:,}. Split it into smaller files.",
        code="too_many_rows",
    )


def _text(value) -> str:
    """A cell as the text a person typed: Excel dates as ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Tab, line feed and carriage return are the only control characters a cell may hold (a quoted CSV
# cell may span lines); the rest are never typed by a person. NUL in particular cannot be stored at all:
# PostgreSQL refuses U+0000 in text and jsonb, which was a 500.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def _control_character(text: str) -> str | None:
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            return char
    return None


def clean_filename(filename: str) -> str:
    """The uploaded file's name without control characters: it is stored and shown in messages."""
    return "".join("?" if _control_character(char) else char for char in filename)


def _check_control_characters(filename: str, rows: list[tuple[int, list | dict]], *, headers: list | None) -> None:
    """Refuse the file at the first cell holding a control character, naming its line and column."""
    for line, cells in rows:
        items = cells.items() if isinstance(cells, dict) else ((None, cell) for cell in cells)
        for column, cell in items:
            if (char := _control_character(str(cell or ""))) is None:
                continue
            name = "NUL" if char == "\x00" else "a control character"
            where = f"line {line}, column {column}" if column else f"the header row (line {line})"
            raise ImportRefused(
                f"{filename} has {name} (U+{ord(char):04X}) in {where}. "
                "Remove it (it is often left by copying from another system) and upload the file again.",
                code="control_character",
            )


def _check_headers(kind: str, headers: list[str], columns: tuple[Column, ...]) -> None:
    known = {column.name for column in columns}
    required = [column.name for column in columns if column.required]
    present = [h for h in headers if h]
    duplicates = sorted({h for h in present if present.count(h) > 1})
    missing = [name for name in required if name not in present]
    unknown = [h for h in present if h not in known]
    if not (duplicates or missing or unknown):
        return
    parts = []
    if missing:
        parts.append(f"missing: {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown: {', '.join(unknown)}")
    if duplicates:
        parts.append(f"repeated: {', '.join(duplicates)}")
    raise ImportRefused(
        f"The header row does not match the {kind} template ({'; '.join(parts)}). "
        f"The columns are: {', '.join(c.name for c in columns)}. Download the template to start from it.",
        code="bad_headers",
    )
