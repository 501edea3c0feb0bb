"""hartford_bwc.spreadsheet: formula-like text is written as text, numbers as numbers, CSV with a BOM."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from hartford_bwc import spreadsheet

FORMULAS = ["=1+2", "+1", "-2+3", "@SUM(A1:A2)", "\t=1+2", "\r=1+2", "\n=1+2", "=cmd|' /C calc'!A0"]
PLAIN = ["HPD-BWC-0412", "José Núñez", "1 = 1", "a-b", "x@example.org", "", "'quoted"]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes):
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows())


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_prefixes_formula_like_text_with_a_quote(text):
    assert read_csv(spreadsheet.csv_bytes(["h"], [[text]]))[1] == ["'" + text]


@pytest.mark.parametrize("text", PLAIN)
def test_csv_leaves_other_text_as_it_is(text):
    assert read_csv(spreadsheet.csv_bytes(["h"], [[text]]))[1] == [text]


def test_csv_starts_with_a_utf8_bom_and_keeps_accents():
    data = spreadsheet.csv_bytes(["Name"], [["José Núñez"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "Name\r\nJosé Núñez\r\n"


def test_csv_writes_real_numbers_as_numbers_even_negative():
    rows = read_csv(spreadsheet.csv_bytes(["a", "b", "c", "d", "e"], [[-3, -1.5, Decimal("-2.25"), None, True]]))
    assert rows[1] == ["-3", "-1.5", "-2.25", "", "True"]


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_writes_formula_like_text_as_a_quote_prefixed_string_cell(text):
    [_, [cell]] = read_xlsx(spreadsheet.xlsx_bytes(["h"], [[text]]))
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "\n")  # XML reads a carriage return back as a line feed
    assert cell.quotePrefix


def test_xlsx_keeps_numbers_and_dates_typed():
    moment = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    [_, cells] = read_xlsx(spreadsheet.xlsx_bytes(list("abcd"), [[-3, -1.5, moment, "plain"]]))
    assert [cell.value for cell in cells[:2]] == [-3, -1.5] and cells[0].data_type == "n"
    assert cells[2].is_date
    assert cells[3].data_type == "s" and not cells[3].quotePrefix


def test_xlsx_replaces_control_characters_instead_of_failing():
    [_, [cell]] = read_xlsx(spreadsheet.xlsx_bytes(["h"], [["bad\x01byte"]]))
    assert cell.value == "bad\ufffdbyte"


def test_xlsx_header_is_bold_and_frozen_and_the_sheet_named():
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(["Badge"], [["1"]], title="Officers/2026")))
    sheet = book.active
    assert sheet.title == "Officers-2026"
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="csv, xlsx"):
        spreadsheet.file_bytes("tsv", ["h"], [])


def test_the_streamed_csv_is_the_same_file_across_chunk_boundaries():
    headers = ["Tag", "Note", "Count"]
    rows = [[f"T{i}", "=1+1" if i % 7 == 0 else f'say "{i}", then', i] for i in range(1234)]

    chunks = list(spreadsheet.csv_chunks(headers, iter(rows)))

    assert len(chunks) > 2, "written a few hundred rows at a time, not as one string"
    assert "".join(chunks).encode("utf-8") == spreadsheet.csv_bytes(headers, rows)


def test_a_streamed_response_is_a_download_and_xlsx_stays_whole():
    csv_response = spreadsheet.streaming_response("csv", ["A"], [["=x"]], filename="a.csv")
    assert csv_response.streaming and csv_response["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert csv_response.getvalue() == spreadsheet.csv_bytes(["A"], [["=x"]])
    xlsx_response = spreadsheet.streaming_response("xlsx", ["A"], [["=x"]], filename="a.xlsx")
    assert not xlsx_response.streaming and xlsx_response.content.startswith(b"PK")
