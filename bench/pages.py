"""Time the console pages, the reports and the API lists on an already-seeded fleet (PostgreSQL).

    DATABASE_URL=postgres://.../bwc_bench_pages_30k python bench/pages.py --label 30000 [--json out.json]
    python bench/pages.py --explain /            # EXPLAIN (ANALYZE, BUFFERS) the slowest queries of a page

Each page is requested in-process with Django's test client as the quartermaster (one warm-up, then
the median of up to --repeat requests, at most --budget seconds a page), counting its queries. The
figures are server time without the network or gunicorn; `run_all.py` compares two fleets' results.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIMEOUT_SECONDS = 30
# (name, path): what a quartermaster opens; search terms match the demo fleet's tags and badges.
PAGES = [
    ("dashboard", "/"),
    ("camera list, page 1", "/inventory/cameras/"),
    ("camera list, sorted, page 10", "/inventory/cameras/?sort=-asset_tag&page=10"),
    ("camera search, asset tag", "/inventory/cameras/?q=HPD-BWC-01"),
    ("camera search, officer name", "/inventory/cameras/?q=lopez"),
    ("officer list", "/assignments/officers/"),
    ("officer search, badge", "/assignments/officers/?q=1044"),
    ("officer page", "/assignments/officers/1044/"),
    ("officer duty page", "/assignments/officers/1044/duty/"),
    ("flags", "/inventory/flags/"),
    ("stocktake list", "/inventory/stocktake/"),
    ("stocktake shelves", "/inventory/stocktake/shelves/"),
    ("vendor reconciliation", "/inventory/stocktake/vendor/"),
    ("report: readiness", "/reports/readiness/"),
    ("report: coverage", "/reports/coverage/"),
    ("report: utilization", "/reports/utilization/"),
    ("report: compliance", "/reports/compliance/"),
    ("report: maintenance", "/reports/maintenance/"),
    ("report: audit log", "/reports/audit-log/"),
    ("report: signal readiness", "/reports/signal-readiness/"),
    ("report: signal readiness, widest", "/reports/signal-readiness/?start={widest_start}&end={today}"),
    ("device list", "/inventory/devices/"),
    ("device search", "/inventory/devices/?q=HPD-HS-0001"),
    ("device CSV export", "/inventory/devices/?_export=csv"),
    ("device page", "/inventory/devices/HPD-HS-00011/"),
    ("vehicle list", "/inventory/vehicles/"),
    ("vehicle page", "/inventory/vehicles/111/"),
    ("API cameras", "/api/v1/cameras/"),
    ("API checkouts", "/api/v1/checkouts/"),
]


def setup():
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.db.backends.signals import connection_created

    def statement_timeout(sender, connection, **kwargs):
        # A page that never finishes (coverage at 40,000 officers did) is cut short and reported.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(TIMEOUT_SECONDS * 1000)}")

    connection_created.connect(statement_timeout, weak=False)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts import roles
    from accounts.services import create_staff_user
    from audit.actor import Actor

    User = get_user_model()
    user = User.objects.filter(username="bench-quartermaster").first()
    if user is None:
        user = create_staff_user(
            username="bench-quartermaster",
            password="bench-only-not-a-secret",
            role=roles.QUARTERMASTER,
            by=Actor.system_process("bench"),
            first_name="Bench",
            last_name="Runner",
        )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


class Recorder:
    """Every query a request runs, with its time (CaptureQueriesContext is emptied at request start)."""

    def __init__(self):
        self.captured: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.captured.append((time.perf_counter() - t0, sql, params))


def record(client, path: str):
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        response = client.get(path)
    return response, recorder.captured


def measure(client, path: str, repeat: int, budget: float) -> dict:
    t0 = time.perf_counter()
    response = client.get(path)  # warm-up: caches, prepared plans, imports
    if response.status_code != 200 or time.perf_counter() - t0 > budget:
        ms = round((time.perf_counter() - t0) * 1000, 1)
        return {
            "status": response.status_code,
            "queries": None,
            "sql_ms": None,
            "p50_ms": ms,
            "min_ms": ms,
            "max_ms": ms,
            "n": 1,
        }
    response, queries = record(client, path)
    times = []
    started = time.perf_counter()
    while len(times) < repeat and time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "status": response.status_code,
        "queries": len(queries),
        # The database's share of one request: on a loaded machine the least noisy figure.
        "sql_ms": round(sum(seconds for seconds, _, _ in queries) * 1000, 1),
        "p50_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "n": len(times),
    }


def explain(client, path: str, top: int = 3) -> None:
    from django.db import connection

    client.get(path)
    _, queries = record(client, path)
    with connection.cursor() as cursor:
        for seconds, sql, params in sorted(queries, key=lambda q: -q[0])[:top]:
            print(f"\n--- {seconds * 1000:.1f} ms: {sql[:400]}")
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default=os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per page at most")
    parser.add_argument("--only", help="substring of the page names to run")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--explain", metavar="PATH", help="EXPLAIN the slowest queries of one page instead")
    args = parser.parse_args()
    client = setup()
    if args.explain:
        explain(client, args.explain)
        return 0
    results = {}
    print(f"{'page':<34} {'queries':>7} {'sql ms':>8} {'p50 ms':>8} {'min ms':>8} {'max ms':>8}  ({args.label})")
    from datetime import timedelta

    from django.utils import timezone

    from reports.forms import MAX_RANGE_DAYS

    today = timezone.localdate()
    dates = {"today": today, "widest_start": today - timedelta(days=MAX_RANGE_DAYS - 1)}
    for name, template in PAGES:
        if args.only and args.only not in name:
            continue
        path = template.format(**dates)
        row = measure(client, path, args.repeat, args.budget)
        results[name] = {"path": path, **row}
        status = "" if row["status"] == 200 else f"  HTTP {row['status']}"
        print(
            f"{name:<34} {row['queries']!s:>7} {row['sql_ms']!s:>8} {row['p50_ms']:>8} {row['min_ms']:>8} {row['max_ms']:>8}"
            f"{status}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"label": args.label, "pages": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
