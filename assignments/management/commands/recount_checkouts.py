"""`manage.py recount_checkouts`: count every check-out again into the reports' per-day counts."""

from django.core.management.base import BaseCommand

from assignments import tallies


class Command(BaseCommand):
    help = (
        "Counts every check-out again into the reports' per-day, per-officer-and-camera and per-hour counts "
        "and each officer's shift days worked (after history was written outside the services, e.g. by SQL); "
        "the services keep them otherwise."
    )

    def handle(self, *args, **options):
        days, hours = tallies.rebuild()
        self.stdout.write(f"{days} day rows, {hours} hour rows")
