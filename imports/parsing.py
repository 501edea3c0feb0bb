"""From an uploaded file to rows of strings, with tablib; a file that cannot be read is refused whole.

Each refusal says what is wrong and what to do: too big, empty, not UTF-8, not CSV or XLSX, headers that
do not match the template (listing the missing and the unknown ones).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

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
    _check_headers(kind, headers, columns)
    keep = [i for i, header in enumerate(headers) if header]
    parsed = []
    for line, cells in rows:
        values = {headers[i]: _text(cells[i]) if i < len(cells) else "" for i in keep}
        if any(values.values()):
            parsed.append({"line": line, "values": values})
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
    if "\x00" in text:
        # No cell holds a NUL, and PostgreSQL refuses one in text (it was a 500): a damaged or
        # binary file. (Minimal guard from the apiprops lane's property test; issue 10 item 4.)
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportRefused(
            f"{filename} holds a NUL character on line {line}: it is not a text CSV. "
            'Save it again from Excel as "CSV UTF-8", or upload the .xlsx file instead.',
            code="nul",
        )
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
            previous_end = reader.line_num
        dataset = tablib.Dataset().load(text, format="csv")
    except csv.Error as error:
        raise ImportRefused(f"{filename} is not a readable CSV file: {error}.", code="bad_csv") from None
    return [normalize_header(h) for h in dataset.headers or []], list(zip(starts[1:], dataset, strict=False))


def _read_xlsx(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    try:
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file
        raise ImportRefused(
            f"{filename} is not a readable Excel .xlsx file. Save it again from Excel as .xlsx, or as CSV UTF-8.",
            code="bad_xlsx",
        ) from None
    headers = [normalize_header(h) for h in dataset.headers or []]
    if not any(headers):
        raise ImportRefused(f"{filename} is empty. Fill in the template and upload it again.", code="empty")
    # openpyxl reads every row of the sheet, blank ones too: row i of the data is line i + 2.
    return headers, [(i + 2, list(row)) for i, row in enumerate(dataset)]


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
