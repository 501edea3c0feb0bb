"""Every report table carries the report styles, whether or not it declares its own Meta."""

from __future__ import annotations

import pytest

from reports import tables


def _report_tables(cls=tables.ReportTable):
    for sub in cls.__subclasses__():
        yield sub
        yield from _report_tables(sub)


@pytest.mark.parametrize("table", sorted(_report_tables(), key=lambda t: t.__name__), ids=lambda t: t.__name__)
def test_every_report_table_has_the_report_table_class(table):
    assert table._meta.attrs.get("class") == "report-table"


def test_a_table_with_its_own_meta_keeps_its_row_classes():
    assert "class" in tables.ReadinessUnitTable._meta.row_attrs


@pytest.mark.django_db
def test_audit_log_hashes_sit_in_a_styled_table(fleet, supervisor_client):
    html = supervisor_client.get("/reports/audit-log/").content.decode()
    # The stylesheet wraps td.hash only inside .report-table: without the class the page overflowed.
    assert '<table class="report-table">' in html
    assert '<td class="hash">' in html
