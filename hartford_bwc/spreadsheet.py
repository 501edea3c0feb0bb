"""Every CSV and XLSX file the application writes is written here, so that no cell reaches a spreadsheet as a formula.

Text typed at a kiosk without signing in (a damage description) or put in an imported file (serials,
batches, names) ends up in exports that staff open in Excel. A cell starting with `=`, `+`, `-`, `@`,
tab or carriage return would be evaluated there (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`): the OWASP
CSV-injection rule. In CSV such a cell is prefixed with a single quote; in XLSX it is a string cell
with Excel's quote prefix, so even editing the cell does not turn it into a formula. Real numbers
(ints, floats, decimals) stay numbers. CSV starts with a UTF-8 byte order mark, without which Excel
reads "José Núñez" as "JosÃ© NÃºÃ±ez".

`hartford_bwc/tests/test_spreadsheet_guard.py` fails when another module writes CSV or XLSX itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django_tables2 import RequestConfig
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)

# OWASP's list, plus line feed: LibreOffice, like Excel with a carriage return, skips a leading
# line break and evaluates what follows.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"
# Excel's sheet names: at most 31 characters, none of these.
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "-" for c in "\\/*?:[]"})
_MAX_COLUMN_WIDTH = 60


def starts_like_formula(value: Any) -> bool:
    """True for text a spreadsheet would evaluate (or might, after a leading tab or line break)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _is_number(value: Any) -> bool:
    # bool is an int, but "True" is text in a report, not 1.
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: numbers as they are, text that looks like a formula quoted."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)
    return "'" + text if starts_like_formula(text) else text


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([csv_cell(value) for value in headers])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None or _is_number(value) or isinstance(value, bool):
        return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Excel has no time zones: the department's local time, as the pages show it.
        return timezone.make_naive(value)
    if hasattr(value, "isoformat"):  # naive datetimes, dates, times: Excel dates
        return value
    # Control characters are not allowed in XLSX; openpyxl would refuse the whole export for one.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def _xlsx_cell(sheet, value: Any, *, font: Font | None = None) -> WriteOnlyCell:
    value = _xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl makes any text starting with "=" a formula: force a string cell. The quote prefix
        # keeps Excel from turning it into a formula when someone edits the cell.
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "Export") -> bytes:
    rows = [list(row) for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Export").translate(_SHEET_NAME_FORBIDDEN)[:31])
    # Column widths and frozen header must be set before the first row is written (write-only sheet).
    for index, width in enumerate(_column_widths(headers, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, value, font=bold) for value in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_widths(headers: Sequence[Any], rows: list[list[Any]]) -> list[int]:
    widths = [len(str(value)) for value in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    return [min(width + 2, _MAX_COLUMN_WIDTH) for width in widths]


def file_bytes(file_format: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "") -> bytes:
    if file_format == CSV:
        return csv_bytes(headers, rows)
    if file_format == XLSX:
        return xlsx_bytes(headers, rows, title=title)
    raise ValueError(f"Unknown spreadsheet format {file_format!r}; the formats are {', '.join(FORMATS)}.")


def response(
    file_format: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str, title: str = ""
) -> HttpResponse:
    """A download of the rows as CSV or XLSX."""
    result = HttpResponse(file_bytes(file_format, headers, rows, title=title), content_type=CONTENT_TYPES[file_format])
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


def table_response(table, file_format: str, *, filename: str, title: str = "", exclude_columns=()) -> HttpResponse:
    """A django-tables2 table (every row, with its export values) as a CSV or XLSX download."""
    headers, *rows = table.as_values(exclude_columns=exclude_columns)
    return response(file_format, headers, rows, filename=filename, title=title)


# Rows written to a streamed CSV per chunk: few enough to keep memory flat, enough to keep writes cheap.
_CSV_CHUNK_ROWS = 500


class _Line:
    """A file-like target for csv.writer that hands back what it was given."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV of csv_bytes, a few hundred rows at a time, for a StreamingHttpResponse."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([csv_cell(value) for value in headers])
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([csv_cell(value) for value in row]))
        if len(chunk) >= _CSV_CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def streaming_response(
    file_format: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str, title: str = ""
) -> HttpResponse | StreamingHttpResponse:
    """A download of the rows: CSV streamed as the rows are read (memory stays flat at any fleet size);
    XLSX is a zip file, written whole (openpyxl's write-only sheet)."""
    if file_format != CSV:
        return response(file_format, headers, rows, filename=filename, title=title)
    result = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_chunks(headers, rows)), content_type=CONTENT_TYPES[CSV]
    )
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


# An export row builder: given the list's filtered and sorted queryset, the exported column names (as
# the table names them) and an iterator of rows, one value per column in that order.
RowsBuilder = Callable[[Any], tuple[Sequence[str], Iterable[Sequence[Any]]]]


def exported_columns(table, exclude_columns=()) -> list:
    """The table's bound columns that its export holds (django-tables2's as_values picks the same)."""
    return [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]


def fast_table_response(
    table, rows_builder: RowsBuilder, file_format: str, *, filename: str, title: str = "", exclude_columns=()
) -> HttpResponse | StreamingHttpResponse:
    """The export of a django-tables2 list without rendering each cell through django-tables2.

    `table` is configured (filtered data, sorted, not paginated); `rows_builder` reads the rows from
    its queryset in a fixed number of queries (values_list, not model instances) and must name the same
    columns, in the same order, as the table exports: the headers stay the table's verbose names.
    """
    columns = exported_columns(table, exclude_columns)
    names, rows = rows_builder(table.data.data)
    expected = [column.name for column in columns]
    if list(names) != expected:
        raise ValueError(f"The export names the columns {list(names)}; the table exports {expected}.")
    headers = [str(column.header) for column in columns]
    return streaming_response(file_format, headers, rows, filename=filename, title=title)


class ExportMixin:
    """django-tables2's ExportMixin, limited to CSV and XLSX and written by this module.

    django-tables2's own mixin also answers ?_export=tsv, json, ods, yaml or latex through tablib,
    which would carry a formula out untouched.
    """

    export_trigger_param = "_export"
    export_formats = FORMATS
    exclude_columns = ()
    export_title = "Export"

    def get_export_filename(self, export_format: str) -> str:
        return f"export.{export_format}"

    # A RowsBuilder (see fast_table_response) for the list's export, or None to export through the table.
    export_rows: RowsBuilder | None = None

    def _fast_export(self) -> bool:
        return self.export_rows is not None and self.request.GET.get(self.export_trigger_param) in self.export_formats

    def get_context_data(self, **kwargs):
        # The page's context (its table, paginated: a COUNT and a page of rows) is not the export's.
        if self._fast_export():
            return kwargs
        return super().get_context_data(**kwargs)  # type: ignore[misc]

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if self._fast_export():
            table = self.get_table_class()(self.get_table_data(), **self.get_table_kwargs())
            RequestConfig(self.request, paginate=False).configure(table)
            return fast_table_response(
                table,
                type(self).export_rows,
                export_format,
                filename=self.get_export_filename(export_format),
                title=self.export_title,
                exclude_columns=self.exclude_columns,
            )
        if export_format in self.export_formats:
            return table_response(
                self.get_table(**self.get_table_kwargs()),
                export_format,
                filename=self.get_export_filename(export_format),
                title=self.export_title,
                exclude_columns=self.exclude_columns,
            )
        return super().render_to_response(context, **kwargs)
