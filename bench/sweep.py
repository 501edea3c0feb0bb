"""Benchmark the flag sweep: seed N cameras with D days of history, time one sweep twice.

The first sweep raises the flags the seed planted; the second must change nothing (idempotent).
It empties the database it is pointed at, so it refuses a database whose name lacks "bench":

    createdb -h 127.0.0.1 -U postgres bwc_sweep_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bwc_sweep_bench \
        .venv/bin/python bench/sweep.py --cameras 30000 --days 30

Targets (issue 5): 30,000 cameras in under 2 s, 475 in well under 100 ms; (issue 11) 100,000 cameras
in under 3 s with a fixed number of queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
# Measured as before DEBUG defaulted to off (the dev-only key and hosts); figures stay comparable.
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def backend_pid(connection) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu_seconds(pid: int | None) -> float | None:
    """CPU time of the connection's PostgreSQL backend so far, when the server runs on this machine.

    On a machine shared with other work the wall-clock figure swings with the load; the CPU the sweep
    costs (this process's and its backend's) much less, so the two are printed side by side.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # SQLite, or a server on another machine
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed_sweep(run_sweep, pid: int | None):
    """One sweep, with the CPU it cost: (report, this process's CPU s, the backend's CPU s or None)."""
    server, python = backend_cpu_seconds(pid), time.process_time()
    report = run_sweep()
    python = time.process_time() - python
    after = backend_cpu_seconds(pid)
    return report, python, (after - server if after is not None and server is not None else None)


def cpu_text(python: float, server: float | None) -> str:
    return f"CPU {python * 1000:.0f} ms Python" + (
        f" + {server * 1000:.0f} ms PostgreSQL" if server is not None else ""
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=30000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="Idempotent sweeps to time after the first.")
    parser.add_argument("--keep", action="store_true", help="Reuse the fleet already seeded, if its size matches.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assignments.models import OfficerFlag
    from demo import services as demo
    from devices.models import Device, DeviceFlag, Vehicle
    from inventory.flags.sweep import run_sweep
    from inventory.models import Camera, Flag

    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        print(f"Refusing to empty database {name!r}: point DATABASE_URL at a database named *bench*.")
        return 2
    call_command("migrate", verbosity=0)
    if not (args.keep and Camera.objects.count() == args.cameras):
        demo.reset_fleet()
        started = time.perf_counter()
        seeded = demo.seed_fleet(cameras=args.cameras, days=args.days)
        print(f"seeded {seeded.cameras} cameras, {seeded.checkouts} checkouts, {seeded.charge_events} charge events "
              f"({args.days} days) in {time.perf_counter() - started:.1f} s")  # fmt: skip
    else:
        # Flags start again from none, so the first sweep is timed again without seeding (the audit
        # trail keeps the old raises): the cameras', the devices' and the officers'.
        Flag.objects.all().delete()
        DeviceFlag.objects.all().delete()
        OfficerFlag.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # Issue 11: a fixed number of queries whatever the fleet's size (the tests pin it; this shows it).
    pid = backend_pid(connection)
    with CaptureQueriesContext(connection) as queries:
        first, python, server = timed_sweep(run_sweep, pid)
    raised = sum(c.raised for c in first.counts.values())
    print(
        f"{connection.vendor}, {args.cameras} cameras: first sweep {first.seconds * 1000:.0f} ms, raised {raised}, "
        f"{len(queries)} queries ({cpu_text(python, server)}; "
        f"load {os.getloadavg()[0]:.1f})"
    )
    # The signal devices and cruisers (demo.signal scales them with --cameras): their share of the sweep.
    devices = {kind: first.counts[kind].raised for kind in DeviceFlag.Kind.values}
    print(
        f"  of which device and vehicle flags: {sum(devices.values())} "
        f"({', '.join(f'{kind} {n}' for kind, n in devices.items())}); "
        f"{Device.objects.count()} devices, {Vehicle.objects.count()} cruisers"
    )
    times, cpu = [], []
    for _ in range(args.repeat):
        again, python, server = timed_sweep(run_sweep, pid)
        assert not any(c.raised or c.resolved for c in again.counts.values()), "second sweep changed something"
        times.append(again.seconds)
        cpu.append((python, server))
    python, server = cpu[times.index(statistics.median_low(times))]
    print(
        f"{connection.vendor}, {args.cameras} cameras: idempotent sweep median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {len(times)} runs; the median's "
        f"{cpu_text(python, server)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
