"""`manage.py seed_demo`: the Hartford demo fleet (475 cameras by default) with weeks of history."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo import services
from hartford_bwc.errors import DomainError


class Command(BaseCommand):
    help = "Creates the Hartford demo fleet with history; refuses when data exists unless --reset."

    def add_arguments(self, parser):
        parser.add_argument("--cameras", type=int, default=475)
        parser.add_argument("--officers", type=int, default=None, help="Default: enough for spares to remain.")
        parser.add_argument("--days", type=int, default=28, help="Days of history.")
        parser.add_argument("--seed", type=int, default=2019, help="Random seed, for a repeatable fleet.")
        parser.add_argument("--reset", action="store_true", help="Delete the existing fleet and its history first.")

    def handle(self, *args, cameras, officers, days, seed, reset, **options):
        started = time.perf_counter()
        if services.fleet_exists():
            if not reset:
                raise CommandError(
                    "The database already holds a fleet. Run with --reset to delete it and seed the demo again."
                )
            services.reset_fleet()
        try:
            result = services.seed_fleet(cameras=cameras, officers=officers, days=days, seed=seed)
        except DomainError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {result.cameras} cameras, {result.officers} officers, {result.checkouts} checkouts, "
            f"{result.charge_events} charge events, {result.maintenance_records} maintenance records "
            f"({days} days of history) in {elapsed:.1f} s."
        )
        for kind, tags in sorted(result.planted.items()):
            self.stdout.write(f"  planted {kind}: {', '.join(tags)}")
        self.stdout.write(f"  BWC certifications expiring within 30 days: {', '.join(result.certifications_expiring)}")
        self.stdout.write(f"  camera exemptions in force (badges): {', '.join(result.exemptions)}")
        self.stdout.write(f"  signal devices: {result.devices}, cruisers: {result.vehicles}")
        for kind, tags in sorted(result.signal_planted.items()):
            self.stdout.write(f"  planted {kind}: {', '.join(tags)}")
        if result.demo_badge:
            self.stdout.write(f"Demo officer for the kiosk: badge {result.demo_badge}, PIN {result.demo_pin}")
