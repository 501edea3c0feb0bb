"""Report dates: only dates the code can do arithmetic on, and ranges of at most 731 days, checked
before any query runs; anything else is a 400 that shows the form's message."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db

REPORTS_WITH_DATES = {
    "/reports/coverage/": {},
    "/reports/utilization/": {},
    "/reports/compliance/": {},
    "/reports/maintenance/": {},
    "/reports/officer-history/": {"badge": "1044"},
    "/reports/camera-custody/": {"asset_tag": "HPD-BWC-0001"},
    "/reports/audit-log/": {},
}
EXTREME_DATES = ["9999-12-31", "0001-01-05", "0001-01-01", "1969-12-31", "3000-01-01"]


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    return client


def _report_queries(queries) -> list[str]:
    # Signing in reads the session, the user and their groups, and the form looks its badge or asset
    # tag up (one row) and lists the kiosks to choose from; a report's own queries are anything else.
    ignored = ("django_session", "auth_", "SAVEPOINT", 'FROM "kiosk_kiosk" ORDER BY')
    return [
        q["sql"] for q in queries if not any(word in q["sql"] for word in ignored) and not q["sql"].endswith("LIMIT 1")
    ]


@pytest.mark.parametrize("path", REPORTS_WITH_DATES)
@pytest.mark.parametrize("value", EXTREME_DATES)
@pytest.mark.parametrize("name", ["start", "end"])
def test_a_date_outside_1970_to_2999_is_a_400_with_the_forms_message(staff, path, value, name):
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(path, {**REPORTS_WITH_DATES[path], name: value})
    assert response.status_code == 400
    assert "Enter a date between 1970-01-01 and 2999-12-31." in response.content.decode()
    assert _report_queries(queries.captured_queries) == []


@pytest.mark.parametrize("path", REPORTS_WITH_DATES)
def test_a_range_longer_than_731_days_is_refused_before_any_query(staff, path):
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(path, {**REPORTS_WITH_DATES[path], "start": "1970-01-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "Choose a range of at most 731 days." in response.content.decode()
    assert _report_queries(queries.captured_queries) == []


def test_audit_log_from_a_start_alone_is_capped_too(staff):
    # No end means "to today": a start decades back would chart hundreds of thousands of days.
    response = staff.get("/reports/audit-log/", {"start": "1970-01-01"})
    assert response.status_code == 400
    assert "Choose a range of at most 731 days." in response.content.decode()


@pytest.mark.parametrize("path", REPORTS_WITH_DATES)
def test_the_last_and_first_accepted_dates_work(staff, path):
    for params in ({"start": "2999-12-31", "end": "2999-12-31"}, {"start": "1970-01-01", "end": "1970-01-31"}):
        response = staff.get(path, {**REPORTS_WITH_DATES[path], **params})
        assert response.status_code == 200, params


@pytest.mark.parametrize("path", REPORTS_WITH_DATES)
def test_a_reversed_range_is_a_400(staff, path):
    response = staff.get(path, {**REPORTS_WITH_DATES[path], "start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()
