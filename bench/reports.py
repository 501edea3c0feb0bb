"""Benchmark every report on 30,000 cameras, 40,000 officers and 10,000,000 check-outs (PostgreSQL).

    python bench/reports.py                      # build the dataset once (kept for the next run), then time
    python bench/reports.py --rebuild            # rebuild it
    python bench/reports.py --checkouts 1000000  # a smaller history (rebuilt when the size differs)
    python bench/reports.py --build-only         # build it for bench/load.py, time nothing

It uses its own database (BENCH_DATABASE_URL, default bwc_reports_bench), never DATABASE_URL's:
the demo seed makes the cameras and officers (no history), then INSERT ... SELECT over
generate_series writes the history in minutes: check-outs for every officer's shifts going back as
far as the count needs (10 M: about 13 months; 3 % late, 0.4 % damaged), a dock record after each
return but ~1 % (the first dock time written on the check-out as record_charge keeps it), a repair
per damaged return, and 50,000 resolved flags; then the reports' per-day counts and the officers'
shift days worked are recounted (assignments.tallies.rebuild, as the check-out services keep them).
The bulk writes skip row triggers and rebuild indexes once (`bulk_load`). Each report is then
requested with Django's test client: one warm-up, then the best and the median of five, at the
default ranges, 28 days and the widest range allowed (731 days).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bwc_reports_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CAMERAS = 30_000
OFFICERS = 40_000
CHECKOUTS = 10_000_000
FLAGS = 50_000
BUDGET_SECONDS = 1.0


def ensure_database() -> None:
    import psycopg

    name = BENCH_URL.rsplit("/", 1)[1]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


HISTORY_SQL = """
WITH o AS (
    SELECT row_number() OVER (ORDER BY o.id) - 1 AS idx, o.id AS officer_id, s.starts_at, s.ends_at, pi.camera_id
    FROM assignments_officer o
    JOIN assignments_shift s ON s.id = o.shift_id
    JOIN assignments_personalissue pi ON pi.officer_id = o.id AND pi.revoked_at IS NULL
    JOIN inventory_camera c ON c.id = pi.camera_id AND c.status NOT IN ('retired', 'lost')
),
n AS (SELECT count(*)::int AS c FROM o),
g AS (
    SELECT x %% n.c AS idx, 2 + x / n.c AS back, random() AS r1, random() AS r2
    FROM generate_series(0, %(total)s - 1) AS x, n
),
w AS (
    SELECT o.officer_id, o.camera_id, g.r1, g.r2,
           ((now() AT TIME ZONE %(tz)s)::date - g.back + o.starts_at) AT TIME ZONE %(tz)s AS start,
           ((now() AT TIME ZONE %(tz)s)::date - g.back + CASE WHEN o.ends_at <= o.starts_at THEN 1 ELSE 0 END
             + o.ends_at) AT TIME ZONE %(tz)s AS finish
    FROM g JOIN o ON o.idx = g.idx
),
returned AS (
    SELECT w.*, finish + (CASE WHEN r2 < 0.03 THEN 70 + floor(r1 * 130) ELSE 5 + floor(r1 * 40) END)
                          * interval '1 minute' AS back
    FROM w
)
INSERT INTO assignments_checkout
    (camera_id, officer_id, checked_out_at, due_back_at, checked_in_at, condition, damage_description,
     first_docked_at)
SELECT camera_id, officer_id,
       start - (2 + floor(r1 * 18)) * interval '1 minute',
       finish + interval '60 minutes',
       back,
       CASE WHEN r2 > 0.996 THEN 'damaged' ELSE 'working' END,
       CASE WHEN r2 > 0.996 THEN 'Lens cracked; does not record.' ELSE '' END,
       -- Docked 6 minutes after a working return, but 1 in 97 never (and the last day's not yet).
       CASE WHEN r2 <= 0.996 AND (r1 * 1000)::int %% 97 <> 0 AND back < now() - interval '1 day'
            THEN back + interval '6 minutes' END
FROM returned
"""

DOCKS_SQL = """
INSERT INTO inventory_chargeevent (camera_id, kind, dock_id, bay, battery_percent, recorded_at)
SELECT camera_id, 'docked', (SELECT min(id) FROM inventory_dock), NULL, NULL, first_docked_at
FROM assignments_checkout
WHERE first_docked_at IS NOT NULL
"""

REPAIRS_SQL = """
INSERT INTO inventory_maintenancerecord
    (camera_id, kind, performed_by, rma_number, problem, opened_at, started_at, closed_at, outcome, notes)
SELECT camera_id, 'repair',
       CASE WHEN id %% 4 = 0 THEN 'vendor' ELSE 'in_house' END,
       CASE WHEN id %% 4 = 0 THEN 'RMA-B' || id ELSE '' END,
       damage_description, checked_in_at, checked_in_at + interval '2 hours',
       LEAST(checked_in_at + (CASE WHEN id %% 4 = 0 THEN 12 ELSE 2 END) * interval '1 day', now() - interval '1 hour'),
       'returned_to_service', ''
FROM assignments_checkout
WHERE condition = 'damaged' AND checked_in_at < now() - interval '2 hours'
"""

FLAGS_SQL = """
WITH c AS (SELECT array_agg(id) AS ids FROM inventory_camera),
f AS (
    SELECT c.ids[1 + floor(random() * array_length(c.ids, 1))::int] AS camera_id,
           (ARRAY['charging_overdue', 'not_docked', 'inspection_due', 'return_overdue', 'repair_overdue'])
               [1 + floor(random() * 5)::int] AS kind,
           now() - random() * interval '40 days' - interval '1 day' AS raised_at,
           random() AS r
    FROM generate_series(1, %(total)s), c
)
INSERT INTO inventory_flag (camera_id, kind, detail, raised_at, resolved_at, resolution, acknowledged_at)
SELECT camera_id, kind, '', raised_at, raised_at + r * interval '30 hours', 'Condition cleared', NULL FROM f
"""


# The tables the history is written into, in bulk.
BULK_TABLES = (
    "assignments_checkout",
    "inventory_chargeevent",
    "inventory_maintenancerecord",
    "inventory_flag",
    "assignments_checkoutday",
    "assignments_checkouttotal",
    "assignments_checkouthour",
    "assignments_checkoutshiftday",
    "assignments_checkoutshiftdaytotal",
)


@contextlib.contextmanager
def bulk_load(cursor):
    """Write the history the way a restore does: row triggers off and secondary indexes rebuilt once.

    Row by row, each check-out fires two triggers (the camera's status check, the kept count's +1 row)
    and updates a dozen indexes: 61 minutes for 10 M check-outs on this machine. The rows written here
    are closed history the triggers have nothing to say about, and the kept counts are recounted after
    (inventory.counts.recount), as the seed does. `session_replication_role = replica` skips user
    triggers (foreign keys included: every id is read from the tables). Indexes that back a constraint
    stay (they cannot be dropped alone); every other index of the bulk tables is dropped and built again
    from its own definition, with memory to sort in.
    """
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
           WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)""",
        [list(BULK_TABLES)],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
    step = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute("RESET maintenance_work_mem")
    print(f"{len(indexes)} indexes built again in {time.perf_counter() - step:.1f} s")


def build(*, reseed: bool, checkouts: int) -> None:
    from django.db import connection, transaction

    from assignments import tallies
    from demo.services import reset_fleet, seed_fleet
    from inventory import counts

    started = time.perf_counter()
    if reseed:
        reset_fleet()
        result = seed_fleet(cameras=CAMERAS, officers=OFFICERS, days=0)
        print(
            f"seed_fleet: {result.cameras} cameras, {result.officers} officers in {time.perf_counter() - started:.0f} s"
        )
    tz = "America/New_York"
    with connection.cursor() as cursor:
        with transaction.atomic(), bulk_load(cursor):
            for label, sql, params in (
                ("check-outs", HISTORY_SQL, {"total": checkouts, "tz": tz}),
                ("dock records", DOCKS_SQL, {}),
                ("repairs", REPAIRS_SQL, {}),
                ("flags", FLAGS_SQL, {"total": FLAGS}),
            ):
                step = time.perf_counter()
                cursor.execute(sql, params)
                print(f"{label}: {cursor.rowcount} rows in {time.perf_counter() - step:.1f} s")
            # What the skipped triggers would have counted, and the reports' per-day counts, as the
            # check-out services keep them (assignments.tallies); inside the bulk load too, so that
            # their foreign keys are not checked row by row at commit (minutes at 10 M).
            step = time.perf_counter()
            counts.recount()
            days, hours = tallies.rebuild()
            print(f"check-out counts: {days} day rows, {hours} hour rows in {time.perf_counter() - step:.1f} s")
        # VACUUM too: the visibility map lets the reports read their indexes without the table.
        step = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE in {time.perf_counter() - step:.1f} s")
    print(f"dataset built in {time.perf_counter() - started:.0f} s")


def estimated_rows(model) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0


def timings() -> list[tuple[str, float, float, int, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assignments.models import Checkout
    from reports.forms import Period

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    month = Period.last_days(28)
    widest = Period.last_days(731)  # reports.forms.MAX_RANGE_DAYS
    sample = Checkout.objects.select_related("officer", "camera").order_by("-checked_out_at").first()
    urls = [
        ("index", "/reports/"),
        ("readiness", "/reports/readiness/"),
        ("coverage (default 14 days)", "/reports/coverage/"),
        ("utilization (default 7 days)", "/reports/utilization/"),
        ("compliance (default 7 days)", "/reports/compliance/"),
        ("maintenance (90 days)", "/reports/maintenance/"),
        ("officer history (28 days)", f"/reports/officer-history/?badge={sample.officer.badge_number}"),
        ("camera custody (90 days)", f"/reports/camera-custody/?asset_tag={sample.camera.asset_tag}"),
        ("audit log", "/reports/audit-log/"),
        ("signal readiness (default 7 days)", "/reports/signal-readiness/"),
        # Wider than the defaults, for the record (not held to the budget).
        ("coverage, 28 days", f"/reports/coverage/?start={month.start}&end={month.end}"),
        ("utilization, 28 days", f"/reports/utilization/?start={month.start}&end={month.end}"),
        ("compliance, 28 days", f"/reports/compliance/?start={month.start}&end={month.end}"),
        ("signal readiness, 28 days", f"/reports/signal-readiness/?start={month.start}&end={month.end}"),
        # The widest range a report accepts: held to the budget like the defaults (issue 11).
        ("coverage (widest, 731 days)", f"/reports/coverage/?start={widest.start}&end={widest.end}"),
        ("utilization (widest)", f"/reports/utilization/?start={widest.start}&end={widest.end}"),
        ("compliance (widest)", f"/reports/compliance/?start={widest.start}&end={widest.end}"),
        ("maintenance (widest)", f"/reports/maintenance/?start={widest.start}&end={widest.end}"),
    ]
    results = []
    for label, url in urls:
        client.get(url)  # warm-up: caches, first-connection costs
        runs = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                runs.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        results.append((label, min(runs), statistics.median(runs), len(queries), len(response.content)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dataset, the seed included")
    parser.add_argument("--checkouts", type=int, default=CHECKOUTS, help="check-outs of history (default 10 M)")
    parser.add_argument("--build-only", action="store_true", help="build the dataset if needed, time nothing")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a report is over budget")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from assignments.models import Checkout
    from inventory.models import Camera

    call_command("migrate", verbosity=0)
    reseed = args.rebuild or Camera.objects.count() != CAMERAS
    # An estimate is enough to tell the sizes apart (count(*) of 10 M rows takes seconds).
    history = 0 if reseed or not Checkout.objects.exists() else estimated_rows(Checkout)
    if not args.checkouts * 0.9 <= history <= args.checkouts * 1.2:
        # A fleet without history (a build cut short after the seed) keeps its seed.
        build(reseed=reseed or history > 0, checkouts=args.checkouts)
    print(f"\n{Camera.objects.count()} cameras, ~{estimated_rows(Checkout)} check-outs\n")
    if args.build_only:
        return 0
    print(f"{'report':28} {'best':>8} {'median':>8} {'queries':>8}")
    slow = 0
    for label, best, median, queries, _size in timings():
        mark = "" if median < BUDGET_SECONDS or "," in label else "  OVER BUDGET"
        slow += bool(mark)
        print(f"{label:28} {best * 1000:6.0f}ms {median * 1000:6.0f}ms {queries:8d}{mark}")
    # A report over budget is a figure to read, not a failed run: make bench goes on to the load table.
    return 1 if slow and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
