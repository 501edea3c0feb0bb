"""`manage.py bootstrap_demo`: what `make run` needs once: the demo fleet and the demo staff users."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts import roles
from accounts.services import create_staff_user
from audit.actor import Actor
from demo import services

# Demo-only credentials, printed at every start; production creates users with createsuperuser.
DEMO_USERS = (
    ("quartermaster", "hartford-qm-2026", roles.QUARTERMASTER, "Quinn", "Marsh"),
    ("supervisor", "hartford-sgt-2026", roles.SUPERVISOR, "Sam", "Ortega"),
    ("admin", "hartford-admin-2026", roles.ADMINISTRATOR, "Alex", "Reyes"),
)


class Command(BaseCommand):
    help = "Seeds the demo fleet if the database has none, creates the demo staff users, prints how to sign in."

    def add_arguments(self, parser):
        # `make run PORT=8001` passes the address it serves on, so the banner names the right one.
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the demo is served.")

    def handle(self, *args, base_url, **options):
        base_url = base_url.rstrip("/")
        if not services.fleet_exists():
            call_command("seed_demo", stdout=self.stdout)
        User = get_user_model()
        by = Actor.system_process("bootstrap_demo")
        for username, password, role, first, last in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                create_staff_user(
                    username=username, password=password, role=role, by=by, first_name=first, last_name=last
                )
        self.stdout.write(f"\nHartford BWC inventory: {base_url}/")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {role:<14} {username} / {password}")
        self.stdout.write(f"  Kiosk demo officer: badge {services.demo_badge() or '(none)'}, PIN {services.DEMO_PIN}")
        # DEBUG=true: settings refuse to load without SECRET_KEY otherwise (only `make run` turns it on).
        self.stdout.write(
            f"  Enroll a kiosk: DEBUG=true .venv/bin/python manage.py enroll_kiosk 'Front desk' --base-url {base_url}\n"
        )
