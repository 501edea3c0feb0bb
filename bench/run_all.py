"""Run every benchmark against PostgreSQL, each in its own scratch database, and print the figures.

    make bench                      # or: .venv/bin/python bench/run_all.py [--quick]

Databases are created on BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432) and named
bwc_bench_*; they are emptied by the benchmarks, never your DATABASE_URL's, and the ones seeded afresh
each run (SCRATCH) are dropped before the load is timed. --quick skips the
30,000-camera runs and the 10,000,000-checkout reports dataset (--checkouts N for a smaller one). The page
benchmark (bench/pages.py) keeps its two fleets (475 cameras; 30,000 cameras and 40,000 officers) in
bwc_bench_pages_475 and bwc_bench_pages_30k (prefix BENCH_PAGES_PREFIX), and the reports dataset
(bench/reports.py) in bwc_bench_reports, each seeded on the first run only: drop a database to seed it again.
Last, bench/load.py serves every fleet with gunicorn and loads it with locust at 1 and 8 clients, and
prints the table bench/RESULTS.md holds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Every benchmark runs with DEBUG on, as it always has: the dev-only key and hosts, figures comparable.
os.environ.setdefault("DEBUG", "true")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
KIOSK_PORT = 8099
PAGES_PREFIX = os.environ.get("BENCH_PAGES_PREFIX", "bwc_bench_pages_")


def database(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def run(title: str, args: list[str], url: str) -> None:
    print(f"\n=== {title}", flush=True)
    env = {**os.environ, "DATABASE_URL": url, "BENCH_DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True)


# The databases the benchmarks below seed afresh each run (the page fleets and the reports' are kept).
SEED_DB, SWEEP_DB, IMPORTS_DB, KIOSK_DB = "bwc_bench_seed", "bwc_bench_sweep", "bwc_bench_imports", "bwc_bench_kiosk"
SCRATCH = (SEED_DB, SWEEP_DB, IMPORTS_DB, KIOSK_DB)


def drop_scratch() -> None:
    """Drop the databases the benchmarks above seed afresh each run, before the load is timed: the
    100,000-camera sweep leaves its week of history for autovacuum to work through on one of the two cores
    while the first pages would be timed."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in SCRATCH:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kiosk_cycle(url: str, *, seed: bool = True, label: str = "475 cameras") -> None:
    """Seed 475 cameras (unless `seed` is false), serve them with runserver, time the kiosk cycle over HTTP."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if seed:
        subprocess.run([*manage, "seed_demo", "--reset"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{KIOSK_PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{KIOSK_PORT}"
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        print(f"\n=== kiosk: sign-in -> check-out -> sign-out -> check-in over HTTP ({label})", flush=True)
        subprocess.run([PYTHON, "bench/kiosk_cycle.py", base, "--cycles", "20"], cwd=ROOT, env=env, check=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


PAGE_FLEETS = {
    # name: seed_demo options; seeded once into bwc_bench_pages_<name> and kept for the next runs.
    "475": ["--cameras", "475"],
    "30k": ["--cameras", "30000", "--officers", "40000", "--days", "30"],
}


def pages_fleet(name: str, options: list[str]) -> str:
    """The page benchmark's fleet `name`, migrated, seeded the first time only, analyzed."""
    import psycopg

    url = database(f"{PAGES_PREFIX}{name}")
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(url, autocommit=True) as conn:
        seeded = conn.execute("SELECT EXISTS (SELECT 1 FROM inventory_camera)").fetchone()[0]
        if not seeded:
            print(f"\n=== pages: seeding fleet {name} ({' '.join(options)}), once", flush=True)
            subprocess.run(
                [PYTHON, "manage.py", "seed_demo", *options], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
            conn.execute("VACUUM ANALYZE")
    return url


def pages(quick: bool) -> None:
    """Console pages, reports and API lists on each fleet, then one table with the ratio 30k / 475."""
    fleets = {name: options for name, options in PAGE_FLEETS.items() if not quick or name == "475"}
    results = {}
    for name, options in fleets.items():
        url = pages_fleet(name, options)
        out = ROOT / "var" / f"bench-pages-{name}.json"
        out.parent.mkdir(exist_ok=True)
        run(f"pages: fleet {name}", ["bench/pages.py", "--label", name, "--json", str(out)], url)
        results[name] = json.loads(out.read_text())["pages"]
    if len(results) < 2:
        return
    small, big = results["475"], results["30k"]
    print(f"\n{'page':<34} {'queries':>9} {'475 p50':>8} {'30k p50':>8} {'ratio':>6} {'475 sql':>8} {'30k sql':>8}")
    for page, row in small.items():
        other = big.get(page, {})
        ratio = other.get("p50_ms", 0) / row["p50_ms"] if row["p50_ms"] else 0
        queries = f"{row['queries']}/{other.get('queries')}"
        print(
            f"{page:<34} {queries:>9} {row['p50_ms']:>8} {other.get('p50_ms', '-'):>8} {ratio:>6.1f}"
            f" {row['sql_ms']!s:>8} {other.get('sql_ms', '-')!s:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 475-camera runs")
    parser.add_argument("--checkouts", type=int, default=10_000_000, help="the reports dataset's history")
    args = parser.parse_args()

    seed_db = database(SEED_DB)
    run("seed_demo: 475 cameras, 28 days", ["bench/seed.py", "--cameras", "475", "--days", "28"], seed_db)
    sweep_db = database(SWEEP_DB)
    run("sweep: 475 cameras", ["bench/sweep.py", "--cameras", "475", "--days", "28"], sweep_db)
    run("imports: 5,000 rows", ["bench/imports.py", "--rows", "5000"], database(IMPORTS_DB))
    kiosk_cycle(database(KIOSK_DB))
    pages(args.quick)
    if not args.quick:
        run("seed_demo: 30,000 cameras, 30 days", ["bench/seed.py", "--cameras", "30000", "--days", "30"], seed_db)
        run("sweep: 30,000 cameras, 30 days", ["bench/sweep.py", "--cameras", "30000", "--days", "30"], sweep_db)
        run(
            f"reports: 30,000 cameras, 40,000 officers, {args.checkouts:,} checkouts",
            ["bench/reports.py", "--checkouts", str(args.checkouts)],
            database("bwc_bench_reports"),
        )
        # Issue 11: the sweep at 100,000 cameras (a week of history keeps the seed to minutes) and the
        # kiosk on the page benchmark's 30,000-camera fleet (not reseeded).
        run("sweep: 100,000 cameras, 7 days", ["bench/sweep.py", "--cameras", "100000", "--days", "7"], sweep_db)
        kiosk_cycle(pages_fleet("30k", PAGE_FLEETS["30k"]), seed=False, label="30,000 cameras")
    # Issue 11: gunicorn + locust at 1 and 8 clients on every fleet kept above; the table for RESULTS.md.
    drop_scratch()
    print("\n=== load: gunicorn + locust, 1 and 8 clients", flush=True)
    subprocess.run([PYTHON, "bench/load.py", *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
