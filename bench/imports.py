"""Time an import of generated camera and officer files: parse, preview (the plan) and apply.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bwc_bench_imports python bench/imports.py --rows 5000

Migrates the database and empties the cameras, officers and audit trail the benchmark made before
(it refuses a database that holds anything else), then for each kind: a file that creates --rows
records, and the same records again with one field changed on every row (the update path, with half
of the officers deactivated). Prints one line per step. --profile prints the 25 most expensive
functions of the slowest step.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")

CAMERA_HEADER = "asset_tag,serial_number,maker,model,firmware_version,purchase_batch,purchased_on,pool"
OFFICER_HEADER = "badge_number,first_name,last_name,rank,unit,shift,email,active"


def camera_file(rows: int, firmware: str) -> bytes:
    lines = [CAMERA_HEADER]
    lines += [f"BENCH-{i:06d},BSN{i:08d},Axon,Body 4,{firmware},2026 delivery,2026-01-05,spare" for i in range(rows)]
    return "\n".join(lines).encode()


def officer_file(rows: int, *, second: bool) -> bytes:
    lines = [OFFICER_HEADER]
    for i in range(rows):
        active = "no" if second and i % 2 else "yes"
        unit = "Traffic Division" if second else "Patrol District 1"
        lines.append(f"B{i:06d},Pat,Bench{i},Officer,{unit},Day,pat{i}@example.org,{active}")
    return "\n".join(lines).encode()


def _fresh_start():
    """Empty what an earlier run made, lay the reference rows, and return the importing user as an Actor."""
    from django.contrib.auth.models import User
    from django.db import connection

    from assignments.models import Shift, Unit
    from audit.actor import Actor
    from audit.db import truncate_allowed
    from inventory.models import CameraModel

    tables = ["audit_auditevent", "imports_importupload", "inventory_camera", "assignments_officer"]
    with truncate_allowed(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    CameraModel.objects.get_or_create(maker="Axon", name="Body 4", defaults={"battery_hours": 12})
    for name in ("Patrol District 1", "Traffic Division"):
        Unit.objects.get_or_create(name=name)
    Shift.objects.get_or_create(name="Day", defaults={"starts_at": "07:00", "ends_at": "15:00"})
    user, _ = User.objects.get_or_create(username="bench-importer")
    return Actor.staff(user)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from assignments.models import Officer
    from audit.models import AuditEvent
    from imports import services
    from imports.models import ImportUpload
    from inventory.models import Camera

    settings.IMPORT_BACKGROUND_APPLY_MIN_ROWS = 10**9  # apply in this process, timed
    call_command("migrate", verbosity=0)
    if Camera.objects.exclude(asset_tag__startswith="BENCH-").exists():
        print("This database holds other cameras; give the benchmark a scratch database.", file=sys.stderr)
        return 2
    by = _fresh_start()

    slowest: tuple[float, str, cProfile.Profile | None] = (0.0, "", None)

    def timed(label: str, step):
        nonlocal slowest
        profile = cProfile.Profile() if args.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        result = step()
        if profile:
            profile.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # The process's own CPU time as well: a shared machine's load moves the wall clock, not this.
        print(f"{label:<34} {seconds:7.2f} s   (this process's CPU: {cpu:6.2f} s)", flush=True)
        if seconds > slowest[0]:
            slowest = (seconds, label, profile)
        return result

    files = [
        ("cameras", "create", camera_file(args.rows, "4.1.0")),
        ("cameras", "update", camera_file(args.rows, "4.2.0")),
        ("officers", "create", officer_file(args.rows, second=False)),
        ("officers", "update", officer_file(args.rows, second=True)),
    ]
    print(f"{args.rows:,} rows a file, {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    for kind, what, data in files:
        upload = timed(
            f"{kind} {what}: parse",
            lambda kind=kind, data=data: services.create_upload(kind=kind, filename=f"{kind}.csv", data=data, by=by),
        )
        plan = timed(f"{kind} {what}: preview", lambda upload=upload: services.preview(upload))
        assert not plan.count("refused"), [row.errors for row in plan.rows if row.errors][:3]
        timed(
            f"{kind} {what}: apply",
            lambda upload=upload, plan=plan: services.apply_upload(
                upload=upload, checksum=upload.checksum, plan_digest=plan.digest, by=by
            ),
        )
    print(f"audit events: {AuditEvent.objects.count():,}; uploads: {ImportUpload.objects.count()}")
    print(f"officers inactive: {Officer.objects.filter(is_active=False).count():,}")
    if args.profile and slowest[2] is not None:
        print(f"\n--- {slowest[1]}")
        pstats.Stats(slowest[2]).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
