"""Add the signal kit (demo.signal: device models, holster sensors, signal weapons, cruisers with their
vehicle units) to a bench fleet seeded before the devices app existed, without reseeding the cameras.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bwc_bench_pages_30k python bench/seed_signal.py

Migrates first; refuses when the database already holds devices or vehicles. The kit is the one
`seed_demo` writes (the same builder step, from its own random generator) over the officers and
units already there, in the order the seed wrote them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from assignments.models import Officer, Unit
    from demo.base import SeedResult
    from demo.signal import Signal
    from devices.models import Device, Vehicle
    from inventory import counts
    from inventory.models import Camera

    call_command("migrate", verbosity=0)
    if Device.objects.exists() or Vehicle.objects.exists():
        print("devices or vehicles already there: nothing done")
        return 1
    n_cameras = Camera.objects.count()
    step = Signal()
    step.seed, step.days, step.now = args.seed, args.days, timezone.now()
    step.n_cameras = n_cameras
    step.plants = max(1, round(n_cameras / 160))
    step.result = SeedResult()
    step.units = list(Unit.objects.order_by("pk"))
    step.officers = list(Officer.objects.order_by("pk"))
    started = time.perf_counter()
    with transaction.atomic():
        step.signal_devices()
        counts.recount()
    print(
        f"signal kit: cameras={n_cameras} devices={step.result.devices} vehicles={step.result.vehicles} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
