"""Write the demo fleet's vendor device export (demo.vendor), for the stocktake's vendor reconciliation."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from demo.vendor import vendor_export_csv


class Command(BaseCommand):
    help = "Write a vendor device export of the fleet in the database, with a few of each disagreement."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="-", help="file to write (default: standard output)")

    def handle(self, *args, out: str, **options):
        data = vendor_export_csv()
        if out == "-":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        else:
            Path(out).write_bytes(data)
            self.stdout.write(f"Wrote {out}.")
