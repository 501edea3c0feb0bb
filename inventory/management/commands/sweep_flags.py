"""`manage.py sweep_flags`: run the flag sweep once, now, and print per kind: raised, resolved, open."""

from django.core.management.base import BaseCommand
from django.db import transaction

from inventory import counts
from inventory.flags.sweep import run_sweep


class Command(BaseCommand):
    help = "Runs the flag sweep once, synchronously; prints one line per flag kind: raised, resolved, open."

    def handle(self, *args, **options):
        report = run_sweep()
        # As the sweep's Celery task does: fold the kept counts' rows into one a key (inventory.counts).
        with transaction.atomic():
            counts.recount()
        if report.skipped:
            self.stdout.write("Another flag sweep is running; this one skipped. Nothing changed.")
            return
        for line in report.lines():
            self.stdout.write(line)
