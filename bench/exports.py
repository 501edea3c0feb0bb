"""Time the whole-list CSV exports (cameras, devices) on an already-seeded fleet: the old path (every cell
through django-tables2, spreadsheet.table_response) against the new one (values_list rows streamed,
spreadsheet.fast_table_response), in one process on the same database, counting queries.

    DATABASE_URL=postgres://.../bwc_export python bench/exports.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hartford_bwc.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tables2 import RequestConfig

    from assignments import tables as officer_tables
    from assignments.filters import OfficerFilter
    from assignments.selectors import officer_list
    from devices import selectors as device_selectors
    from devices import tables as device_tables
    from devices.filters import DeviceFilter
    from hartford_bwc import spreadsheet
    from inventory import tables as camera_tables
    from inventory.filters import CameraFilter
    from inventory.selectors.cameras import camera_list

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated list names: cameras,devices,officers")
    args = parser.parse_args()

    lists = [
        (
            "cameras",
            "/inventory/cameras/",
            camera_tables.CameraTable,
            camera_tables.export_rows,
            lambda: CameraFilter({}, queryset=camera_list(), now=timezone.now()).qs,
        ),
        (
            "devices",
            "/inventory/devices/",
            device_tables.DeviceTable,
            device_tables.export_rows,
            lambda: DeviceFilter({}, queryset=device_selectors.device_list()).qs,
        ),
        (
            "officers",
            "/assignments/officers/",
            officer_tables.OfficerTable,
            officer_tables.export_rows,
            lambda: OfficerFilter(None, queryset=officer_list()).qs,
        ),
    ]

    def table(table_class, queryset, path):
        built = table_class(queryset)
        RequestConfig(RequestFactory().get(path), paginate=False).configure(built)
        return built

    only = set(filter(None, args.only.split(",")))
    for name, path, table_class, rows, queryset in lists:
        if only and name not in only:
            continue

        def before(table_class=table_class, queryset=queryset, path=path) -> bytes:
            built = table(table_class, queryset(), path)
            return spreadsheet.table_response(built, "csv", filename="x.csv", exclude_columns=("select",)).content

        def after(table_class=table_class, queryset=queryset, path=path, rows=rows) -> bytes:
            built = table(table_class, queryset(), path)
            return b"".join(
                spreadsheet.fast_table_response(built, rows, "csv", filename="x.csv", exclude_columns=("select",))
            )

        ways = {"before (table cells)": before, "after (values_list, streamed)": after}
        for way, run in ways.items():
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    body = run()
                    times.append(time.perf_counter() - start)
            # Peak Python memory on one more run (tracemalloc slows it: not timed). The bench joins the
            # streamed body, so its peak includes the whole file; a client reading the stream does not.
            tracemalloc.start()
            run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            lines = body.count(b"\n") - 1
            print(
                f"| {name} | {lines} | {way} | {len(queries)} | {statistics.median(times):.2f} s | "
                f"{peak / 2**20:.0f} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
