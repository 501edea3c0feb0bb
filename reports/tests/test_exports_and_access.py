"""Exports hold exactly what the tables show; only staff roles see reports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from accounts import roles
from audit import services as audit
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc import spreadsheet
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/reports/",
    "/reports/readiness/",
    "/reports/coverage/",
    "/reports/utilization/",
    "/reports/compliance/",
    "/reports/maintenance/",
    "/reports/officer-history/?badge=101",
    "/reports/camera-custody/?asset_tag=C1",
    "/reports/audit-log/",
    "/reports/signal-readiness/",
]

# (page, table): every table of every report.
EXPORTS = [
    ("/reports/readiness/", "shift1"),
    ("/reports/readiness/", "charging"),
    ("/reports/coverage/?start=2026-02-16&end=2026-03-01", "units"),
    ("/reports/coverage/?start=2026-02-16&end=2026-03-01", "officers"),
    ("/reports/utilization/?start=2026-02-16&end=2026-03-01", "models"),
    ("/reports/utilization/?start=2026-02-16&end=2026-03-01", "cameras"),
    ("/reports/utilization/?start=2026-02-16&end=2026-03-01", "idle"),
    ("/reports/utilization/?start=2026-02-16&end=2026-03-01", "days"),
    ("/reports/utilization/?start=2026-02-16&end=2026-03-01", "hours"),
    ("/reports/compliance/?start=2026-02-16&end=2026-03-04", "units"),
    ("/reports/compliance/?start=2026-02-16&end=2026-03-04", "officers"),
    ("/reports/compliance/?start=2026-02-16&end=2026-03-04", "overdue"),
    ("/reports/compliance/?start=2026-02-16&end=2026-03-04", "flags"),
    ("/reports/maintenance/", "routes"),
    ("/reports/maintenance/", "open"),
    ("/reports/maintenance/", "repeat"),
    ("/reports/maintenance/", "batches"),
    ("/reports/maintenance/", "refresh"),
    ("/reports/officer-history/?badge=101&start=2026-02-16&end=2026-03-01", "checkouts"),
    ("/reports/camera-custody/?asset_tag=C1&start=2026-02-16&end=2026-03-04", "custody"),
    ("/reports/camera-custody/?asset_tag=C1&start=2026-02-01&end=2026-03-04", "maintenance"),
    ("/reports/camera-custody/?asset_tag=C1&start=2026-02-01&end=2026-03-04", "audit"),
    ("/reports/camera-custody/?asset_tag=C1&start=2026-02-16&end=2026-03-04", "docks"),
    ("/reports/audit-log/", "events"),
    ("/reports/signal-readiness/?start=2026-02-16&end=2026-03-04", "units"),
    ("/reports/signal-readiness/?start=2026-02-16&end=2026-03-04", "gaps"),
]


def _text(value) -> str:
    """Numbers compared as numbers: a spreadsheet stores 24.0 as 24."""
    text = "" if value is None else str(value)
    try:
        return repr(float(text))
    except ValueError:
        return text


def _joined(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize(("url", "name"), EXPORTS)
def test_csv_and_xlsx_exports_match_the_table(fleet, supervisor_client, url, name):
    by = Actor.system_process("tests")
    audit.record(by=by, action="camera.docked", obj=fleet.cameras["C1"], camera=fleet.cameras["C1"], after={"dock": 1})
    page = supervisor_client.get(url)
    expected_values = list(page.context["tables"][name].as_values())
    expected = [[_text(value) for value in row] for row in expected_values]
    assert len(expected) > 1, "every export under test has rows"

    response = supervisor_client.get(_joined(url, f"_export=csv&_table={name}"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = [[_text(value) for value in row] for row in csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")))]
    # CSV holds the table's values with formula-like text quoted (hartford_bwc.spreadsheet).
    assert rows == [[_text(spreadsheet.csv_cell(value)) for value in row] for row in expected_values]

    response = supervisor_client.get(_joined(url, f"_export=xlsx&_table={name}"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == expected


def test_export_holds_every_row_not_only_the_first_page(fleet, supervisor_client):
    for n in range(60):
        audit.record(by=Actor.system_process("tests"), action="camera.battery", obj=fleet.cameras["C1"], after={"n": n})

    response = supervisor_client.get("/reports/audit-log/?_export=csv&_table=events")

    # A header and every event: the 60 above and those that setting up the fleet wrote (docks, units...).
    assert AuditEvent.objects.count() > 60
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1 + AuditEvent.objects.count()


def test_an_unknown_export_format_shows_the_page(fleet, supervisor_client):
    response = supervisor_client.get("/reports/maintenance/?_export=pdf")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_a_user_without_a_role_is_refused(client, db, url):
    user = UserFactory()
    user.save()
    client.force_login(user)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", roles.ALL_ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_staff_role_sees_every_report(fleet, client, role, url):
    client.force_login(UserFactory(role=role))

    assert client.get(url).status_code == 200
