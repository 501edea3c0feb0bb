"""The dashboard, the searches, the camera page and the API lists read their indexes on PostgreSQL, never
a whole table of cameras, officers, check-outs or their history (issue 11: flat at 30,000 cameras).

As in test_search_indexes.py: on a handful of rows the planner would rather scan, so sequential scans
are priced out (enable_seqscan off) and each query a page runs is EXPLAINed: a plan that still scans
a big table, or walks one of its indexes end to end with no condition and no LIMIT to stop it, has
nothing better to read, and the test fails naming the query. The dashboard's counts must name the
index each reads. No timings here: bench/pages.py and bench/load.py measure them.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import roles
from assignments import services as assignment_services
from audit.actor import Actor
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import sign_in
from inventory.tests.test_dashboard import NOW, build_fleet

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]
SYSTEM = Actor.system_process("tests")
# The tables that grow with the fleet and its history.
BIG_TABLES = (
    "inventory_camera",
    "inventory_chargeevent",
    "inventory_maintenancerecord",
    "inventory_flag",
    "inventory_dock",
    "assignments_officer",
    "assignments_checkout",
    "assignments_personalissue",
    "audit_auditevent",
)


@pytest.fixture
def fleet(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    build_fleet(NOW)
    lopez = OfficerFactory(first_name="Maria", last_name="Lopez", badge_number="90210")
    assignment_services.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0412"), officer=lopez, by=SYSTEM)
    CameraFactory.create_batch(5)
    forget_statistics()


def forget_statistics() -> None:
    """Plan as on fresh tables, whatever an earlier test left: a test that commits rows (then flushes
    them) leaves autovacuum's statistics behind, and on a handful of rows they lead the planner to other
    plans than a real fleet's. Inside the test's transaction, so rolled back with it (needs a superuser,
    as CI's `postgres` is)."""
    with connection.cursor() as cursor:
        for table in (*BIG_TABLES, "inventory_keptcount"):
            cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table])
            cursor.execute("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = %s::regclass", [table])


def plans(get, path: str) -> list[tuple[str, dict]]:
    """(query, JSON plan) for every SELECT that requesting `path` runs, sequential scans priced out."""
    get(path)  # the session's refresh after sign-in is not the page's
    with CaptureQueriesContext(connection) as captured:
        assert get(path).status_code == 200
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                found.append((sql, cursor.fetchone()[0][0]["Plan"]))
    return found


# Nodes that read all their input before giving a row: below one, a LIMIT above does not stop the read.
BLOCKING = {"Sort", "Hash", "Aggregate", "SetOp", "Materialize", "WindowAgg"}
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan"}


def _partial_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%% WHERE %%'")
        return {name for (name,) in cursor.fetchall()}


def whole_reads(node: dict, partial: set[str], *, limited: bool = False) -> list[str]:
    """The big tables `node`'s plan reads whole: a sequential scan, or an index walked end to end with
    no condition (unless the index is partial: it holds only the rows wanted) where no LIMIT stops it."""
    found = []
    kind = node["Node Type"]
    if kind in SCANS and node.get("Relation Name") in BIG_TABLES:
        unbounded = "Index Cond" not in node and node.get("Index Name") not in partial and not limited
        if kind == "Seq Scan" or unbounded:
            found.append(f"{kind} on {node['Relation Name']} ({node.get('Index Name', '')})")
    if kind == "Bitmap Heap Scan" and node.get("Relation Name") in BIG_TABLES and "Recheck Cond" not in node:
        # Its bitmap came from an index read end to end (no condition to recheck).
        indexes = {child.get("Index Name") for child in node.get("Plans", [])}
        if not indexes <= partial:
            found.append(f"{kind} on {node['Relation Name']} ({', '.join(sorted(map(str, indexes)))})")
    limited = kind == "Limit" or (limited and kind not in BLOCKING)
    for child in node.get("Plans", []):
        once = child.get("Parent Relationship") in ("InitPlan", "SubPlan")
        found += whole_reads(child, partial, limited=limited and not once)
    return found


def scans(found: list[tuple[str, dict]]) -> list[str]:
    partial = _partial_indexes()
    return [f"{reads}: {sql[:300]}" for sql, plan in found if (reads := whole_reads(plan, partial))]


def mentions(plan: dict, index: str) -> bool:
    return plan.get("Index Name") == index or any(mentions(child, index) for child in plan.get("Plans", []))


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inventory/cameras/?q=HPD-BWC-04",
        "/inventory/cameras/?q=lopez",
        "/inventory/cameras/?q=Ofc.+Maria+Lopez",
        "/assignments/officers/?q=90210",
        "/assignments/officers/?q=Lopez%2C+Maria",
        "/inventory/cameras/HPD-BWC-0412/",
    ],
)
def test_console_pages_read_no_big_table_whole(fleet, qm, path):
    assert scans(plans(qm.get, path)) == []


@pytest.mark.parametrize("path", ["/api/v1/cameras/", "/api/v1/checkouts/", "/api/v1/checkouts/?open=true"])
def test_api_lists_read_no_big_table_whole(fleet, path):
    api = APIClient()
    api.force_authenticate(UserFactory(role=roles.SUPERVISOR))
    assert scans(plans(api.get, path)) == []


@pytest.mark.parametrize(
    "index",
    [
        "checkout_open_due_back",
        "camera_not_docked_after_return",
        # Not "camera_spare_last_charge": for the spares' last charge the planner may as well start from
        # another of the camera's indexes (it did after the inventory suite on PostgreSQL, whatever the
        # statistics); test_console_pages_read_no_big_table_whole["/"] still holds it to no whole read.
        "camera_inspected",
        "maintenance_open_by_performer",
        "kept_count_key",
    ],
)
def test_the_dashboards_counts_read_their_indexes(fleet, qm, index):
    [counts_plan] = [plan for sql, plan in plans(qm.get, "/") if "inventory_keptcount" in sql]
    assert mentions(counts_plan, index)


def test_the_camera_search_by_holder_probes_the_open_checkouts_by_officer(fleet, qm):
    [search_plan, *_] = [plan for sql, plan in plans(qm.get, "/inventory/cameras/?q=lopez") if "COUNT(*)" in sql]
    assert mentions(search_plan, "checkout_open_by_officer")
