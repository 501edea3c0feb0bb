"""Each report's query count is pinned, and stays the same when the fleet grows (no N+1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts import roles
from assignments import tallies
from assignments.models import Checkout, DutyAssignment, PersonalIssue, Unit
from audit import services as audit
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from inventory.models import ChargeEvent, Dock, Flag, MaintenanceRecord

from .conftest import at

pytestmark = pytest.mark.django_db

# Queries per page, including 3 for the session, the user and their groups (the session is saved at
# most every SESSION_REFRESH_SECONDS, and the warm-up request below has just saved it). Coverage and
# compliance read the range's camera exemptions in one query, whether there are none or many.
QUERIES = {
    "/reports/": 3,
    "/reports/readiness/": 10,
    # Coverage: + which of the kept shift days hold less, the range's or all-time counts less the rest
    # (the per-hour counts summed, in and out of the range: reports.selectors.counted), read once for
    # both tables; the missed shifts summed per unit with the page of officers shown in one statement,
    # the units' officers in another (with those who took a camera joined once); shifts, unit names,
    # the spare pool. Any page of officers, not only the first.
    "/reports/coverage/?start=2026-02-16&end=2026-03-01": 10,
    "/reports/coverage/?start=2026-02-16&end=2026-03-01&officers-per_page=1&officers-page=2": 10,
    "/reports/coverage/?start=2024-03-04&end=2026-03-04": 10,  # the widest range allowed
    # Read from the per-day counts (reports.selectors.counted): + which counts hold less (the per-hour
    # counts summed, in and out of the range). Utilization: that, the per-camera counts with their
    # correction for check-outs still out or back after the range's end, summed per model and cut to
    # the page of cameras shown, in one statement; the cameras in service per model, the per-hour
    # counts, the idle cameras' count and page.
    "/reports/utilization/?start=2026-02-16&end=2026-03-01": 9,
    "/reports/utilization/?start=2024-03-04&end=2026-03-04": 9,  # the widest range allowed
    # Compliance: the offenders (late, overdue, undocked per officer) summed, ordered and cut to the
    # page shown with their count in one query (the undocked returns are no longer read apart).
    "/reports/compliance/?start=2026-02-16&end=2026-03-04": 11,
    "/reports/compliance/?start=2024-03-04&end=2026-03-04": 11,
    # Repair cost per model and batch, the warranty repairs listed (counted with the costs); the fleet
    # and its failures per model and batch in one query, the repeat failures' page with its count.
    "/reports/maintenance/": 11,
    "/reports/officer-history/?badge=101&start=2026-02-16&end=2026-03-01": 8,
    "/reports/camera-custody/?asset_tag=C1&start=2026-02-01&end=2026-03-04": 9,
    "/reports/signal-readiness/?start=2026-02-16&end=2026-03-04": 8,  # + devices: test_signal_readiness.py
    "/reports/audit-log/": 6,
    "/reports/audit-log/?camera=C1&officer=101&action=camera.docked&actor=tests": 6,
}


def grow(fleet, n: int = 12) -> None:
    """More of everything: a new unit, officers on both shifts with cameras and history, flags, repairs,
    events, camera exemptions."""
    unit = Unit.objects.create(name="Community Response")
    approver = UserFactory(role=roles.SUPERVISOR)
    dock = Dock.objects.first()
    by = Actor.system_process("tests")
    for i in range(n):
        shift = fleet.shifts["day"] if i % 2 else fleet.shifts["evening"]
        officer = OfficerFactory(unit=unit if i % 3 else fleet.units["patrol"], shift=shift)
        camera = CameraFactory(
            pool="personal" if i % 4 else "spare", warranty_ends_on=date(2027, 1, 1) if i % 2 else None
        )
        if i % 4:
            PersonalIssue.objects.create(officer=officer, camera=camera, issued_at=at("2026-01-01", 9))
        for day in range(16, 27):
            out = at(f"2026-02-{day}", 6 if i % 2 else 14, 50)
            back = out + timedelta(hours=8, minutes=30 + 60 * (i % 3 == 0 and day == 20))
            Checkout.objects.create(
                camera=camera,
                officer=officer,
                checked_out_at=out,
                due_back_at=out + timedelta(hours=9, minutes=10),
                checked_in_at=back,
                condition="working",
            )
            if day % 5:
                ChargeEvent.objects.create(
                    camera=camera, kind="docked", dock=dock, recorded_at=back + timedelta(minutes=5)
                )
        MaintenanceRecord.objects.create(
            camera=camera,
            kind="repair",
            performed_by="vendor" if i % 2 else "in_house",
            rma_number=f"R{i}",
            opened_at=at("2026-02-02", 9),
            closed_at=at("2026-02-05", 9),
            outcome="returned_to_service",
            repair_cost=Decimal("120.00"),
        )
        Flag.objects.create(
            camera=camera, kind="charging_overdue", raised_at=at("2026-02-20", 9), resolved_at=at("2026-02-20", 19)
        )
        if i % 3 == 0:
            DutyAssignment.objects.create(
                officer=officer,
                kind=DutyAssignment.EXEMPT_KINDS[i % 3],
                starts_on=date(2026, 2, 16) + timedelta(days=i),
                ends_on=date(2026, 2, 18) + timedelta(days=i) if i % 2 else None,
                reason="Assignment",
                approved_by=approver,
            )
        audit.record(by=by, action="camera.docked", obj=camera, camera=camera, officer=officer)
        audit.record(
            by=by,
            action="camera.docked",
            obj=fleet.cameras["C1"],
            camera=fleet.cameras["C1"],
            officer=fleet.officers["E1"],
        )
    tallies.rebuild()  # the check-outs above were written directly, not through the services that count them


@pytest.mark.parametrize("url", list(QUERIES))
def test_report_query_count_is_pinned_at_two_sizes(fleet, supervisor_client, django_assert_num_queries, url):
    audit.record(
        by=Actor.system_process("tests"),
        action="camera.docked",
        obj=fleet.cameras["C1"],
        camera=fleet.cameras["C1"],
        officer=fleet.officers["E1"],
    )
    supervisor_client.get(url)  # the session's refresh after sign-in is not the report's cost

    with django_assert_num_queries(QUERIES[url]):
        assert supervisor_client.get(url).status_code == 200

    grow(fleet)
    with django_assert_num_queries(QUERIES[url]):
        assert supervisor_client.get(url).status_code == 200
