"""Run every benchmark against PostgreSQL, each in its own scratch database, and print the figures.

    make bench                      # or: .venv/bin/python bench/run_all.py [--quick]

Databases are created on BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432) and named
bwc_bench_*; they are emptied by the benchmarks, never your DATABASE_URL's. --quick skips the
30,000-camera runs and the 1,000,000-checkout reports dataset.
"""

from __future__ import annotations

import argparse
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


def kiosk_cycle(url: str) -> None:
    """Seed 475 cameras, serve them with runserver, time the kiosk cycle over HTTP, stop the server."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
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
        print("\n=== kiosk: sign-in -> check-out -> sign-out -> check-in over HTTP (475 cameras)", flush=True)
        subprocess.run([PYTHON, "bench/kiosk_cycle.py", base], cwd=ROOT, env=env, check=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 475-camera runs")
    args = parser.parse_args()

    seed_db = database("bwc_bench_seed")
    run("seed_demo: 475 cameras, 28 days", ["bench/seed.py", "--cameras", "475", "--days", "28"], seed_db)
    sweep_db = database("bwc_bench_sweep")
    run("sweep: 475 cameras", ["bench/sweep.py", "--cameras", "475", "--days", "28"], sweep_db)
    kiosk_cycle(database("bwc_bench_kiosk"))
    if not args.quick:
        run("seed_demo: 30,000 cameras, 30 days", ["bench/seed.py", "--cameras", "30000", "--days", "30"], seed_db)
        run("sweep: 30,000 cameras, 30 days", ["bench/sweep.py", "--cameras", "30000", "--days", "30"], sweep_db)
        run("reports: 30,000 cameras, 1,000,000 checkouts", ["bench/reports.py"], database("bwc_bench_reports"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
