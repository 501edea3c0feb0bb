"""Time the coverage report's missed-shifts query, from the check-outs (before) and from the kept shift
days (after), on an existing database (PostgreSQL), in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bwc_coverage_30k python bench/coverage.py [--runs 5]

For each range (the default 14 days, the widest 731 days) and each way of reading: the best and the
median of `--runs` calls of `missed_by_officer` (after a warm-up), then EXPLAIN (ANALYZE, BUFFERS) of
its one statement, the sums per unit and the first page of officers (the summary lines; `--plans` prints
the whole plans). The load average is printed with it.
A way that takes longer than `--timeout` seconds is cut short (statement_timeout) and said so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--only", choices=["before", "after"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.utils import OperationalError
    from django.utils import timezone

    from assignments.models import Checkout, CheckoutShiftDay
    from reports.forms import MAX_RANGE_DAYS, Period
    from reports.selectors import counted, coverage, exemptions

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{args.timeout}s'")
    now = timezone.now()
    print(
        f"{Checkout.objects.count():,} check-outs, {CheckoutShiftDay.objects.count():,} shift days kept;"
        f" load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}"
    )
    ways = {"before": {"from_checkouts": True}, "after": {}}
    for days in (14, MAX_RANGE_DAYS):
        period = Period.last_days(days)
        exempt = exemptions.exemptions(period)
        most = counted.range_is_most_of_history(period)
        for name, way in ways.items():
            if args.only and name != args.only:
                continue
            label = f"{days:>3} days, {name:<6} ({'check-outs' if way else 'kept, most' if most else 'kept, range'})"
            try:
                coverage.missed_by_officer(period, now, exempt, **way)  # warm-up
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    rows = coverage.missed_by_officer(period, now, exempt, **way)
                    times.append(time.perf_counter() - started)
            except OperationalError:
                print(f"{label}: no answer in {args.timeout} s")
                continue
            sql, params = coverage.missed_page_sql(
                period, now, exempt, from_checkouts=bool(way), most=most and not way, offset=0, limit=25
            )
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = [row[0] for row in cursor.fetchall()]
            execution = next(line for line in plan if line.startswith("Execution Time"))
            print(
                f"{label}: best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms,"
                f" {len(rows):,} officers; EXPLAIN ANALYZE {execution}; load {os.getloadavg()[0]:.1f}"
            )
            if args.plans:
                print("\n".join(plan))


if __name__ == "__main__":
    main()
