"""reports.selectors.sql.LazyRows: rows a page at a time, with a count known in advance."""

from __future__ import annotations

import pytest

from reports.selectors.sql import LazyRows

pytestmark = pytest.mark.django_db


def test_rows_known_to_be_none_are_never_read(django_assert_num_queries):
    # A report with nothing to count may have no statement to give (coverage's missed shifts, "").
    rows = LazyRows("", [], count=0)
    with django_assert_num_queries(0):
        assert len(rows) == 0
        assert rows[0:25] == []
        assert list(rows) == []  # an export, which streams from a cursor otherwise


def test_an_export_reads_every_row_in_order_and_a_page_its_rows():
    rows = LazyRows("SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) t ORDER BY n", [], count=3)
    assert list(rows) == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert rows[1:3] == [{"n": 2}, {"n": 3}]
