"""Time the demo seed at a given size against DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bwc_seed python bench/seed.py --cameras 30000 --days 30

Migrates the database, empties the demo tables if a fleet exists (timed apart), seeds, and prints
one line of figures. --profile prints the 25 most expensive functions. The target for 30,000
cameras with 30 days of history is under two minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
# Measured as before DEBUG defaulted to off (the dev-only key and hosts); figures stay comparable.
os.environ.setdefault("DEBUG", "true")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=475)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--profile", action="store_true", help="print the 25 most expensive functions")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demo import services

    call_command("migrate", verbosity=0)
    reset_s = 0.0
    if services.fleet_exists():
        started = time.perf_counter()
        services.reset_fleet()
        reset_s = time.perf_counter() - started

    def run():
        return services.seed_fleet(cameras=args.cameras, days=args.days, seed=args.seed)

    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(run)
        elapsed = time.perf_counter() - started
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        result = run()
        elapsed = time.perf_counter() - started

    print(
        f"seed {connection.vendor} cameras={result.cameras} officers={result.officers} days={args.days} "
        f"checkouts={result.checkouts} charge_events={result.charge_events} "
        f"maintenance={result.maintenance_records}: {elapsed:.1f} s (reset {reset_s:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
