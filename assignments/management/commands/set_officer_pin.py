"""`manage.py set_officer_pin BADGE`: set an officer's kiosk PIN (from stdin when not a terminal)."""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from assignments import services
from assignments.models import Officer
from audit.actor import Actor
from hartford_bwc.errors import DomainError


class Command(BaseCommand):
    help = "Sets an officer's kiosk PIN; reads it from stdin when stdin is not a terminal."

    def add_arguments(self, parser):
        parser.add_argument("badge")

    def handle(self, *args, badge, **options):
        try:
            officer = Officer.objects.get(badge_number=badge)
        except Officer.DoesNotExist:
            raise CommandError(f"No officer has badge number {badge}.") from None
        if sys.stdin.isatty():
            pin = getpass.getpass("New PIN: ")
            if getpass.getpass("Repeat PIN: ") != pin:
                raise CommandError("The two PINs differ; nothing changed.")
        else:
            pin = sys.stdin.readline().strip()
        try:
            services.set_officer_pin(officer=officer, pin=pin, by=Actor.system_process("set_officer_pin"))
        except DomainError as error:
            raise CommandError(f"{error} Nothing changed.") from None
        self.stdout.write(f"PIN set for {officer.display_name} (badge {officer.badge_number}).")
