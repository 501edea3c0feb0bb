"""`manage.py enroll_kiosk NAME`: register a kiosk (or give an existing one a new link) and print its one-time URL."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from audit.actor import Actor
from hartford_bwc.errors import DomainError
from kiosk import services
from kiosk.models import Kiosk


class Command(BaseCommand):
    help = "Registers a kiosk and prints a one-time enrollment URL to open in the kiosk's browser."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The kiosk's name, e.g. 'HQ front desk'.")
        parser.add_argument("--location", default="", help="Where the kiosk stands (new kiosks only).")
        parser.add_argument("--base-url", default=None, help="The address the kiosk opens (default: SITE_URL).")

    def handle(self, *args, name, location, base_url, **options):
        by = Actor.system_process("enroll_kiosk")
        existing = Kiosk.objects.filter(name__iexact=name.strip()).first()
        try:
            if existing is None:
                kiosk, token = services.register_kiosk(name=name, location=location, by=by)
                verb = "Registered"
            else:
                kiosk, token = existing, services.issue_enrollment_link(kiosk=existing, by=by)
                verb = "New enrollment link for"
        except DomainError as error:
            raise CommandError(str(error)) from None
        base = (base_url or settings.SITE_URL).rstrip("/")
        url = f"{base}{reverse('kiosk:enroll', args=[token])}"
        self.stderr.write(
            f"{verb} kiosk {kiosk.name}. Open this URL once in the kiosk's browser "
            f"(valid {settings.KIOSK_ENROLLMENT_LINK_HOURS} h):"
        )
        self.stdout.write(url)
