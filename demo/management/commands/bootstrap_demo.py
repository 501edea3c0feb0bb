"""`manage.py bootstrap_demo`: what `make run` needs once: the demo fleet and the demo staff users."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts import roles
from accounts.services import create_staff_user
from assignments.services import pin_matches
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
        User = get_user_model()
        by = Actor.system_process("bootstrap_demo")
        # The users first: the demo's camera exemptions are approved by its supervisor.
        for username, password, role, first, last in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                create_staff_user(
                    username=username, password=password, role=role, by=by, first_name=first, last_name=last
                )
        if not services.fleet_exists():
            call_command("seed_demo", stdout=self.stdout)
        self.stdout.write(f"\nHartford BWC inventory: {base_url}/")
        users = {user.username: user for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}
        for username, password, role, *_ in DEMO_USERS:
            # Never print a password that no longer works (someone changed it since the first run).
            user = users.get(username)
            shown = password if user is not None and user.check_password(password) else "(password changed)"
            self.stdout.write(f"  {role:<14} {username} / {shown}")
        self.stdout.write(f"  Kiosk demo officer: {self._demo_officer()}")
        # DEBUG=true: settings refuse to load without SECRET_KEY otherwise (only `make run` turns it on).
        self.stdout.write(
            f"  Enroll a kiosk: DEBUG=true .venv/bin/python manage.py enroll_kiosk 'Front desk' --base-url {base_url}\n"
        )

    @staticmethod
    def _demo_officer() -> str:
        officer = services.demo_officer()
        if officer is None:
            return "(none)"
        if not pin_matches(officer, services.DEMO_PIN):
            return f"badge {officer.badge_number}, PIN changed since the seed (reset it on the officer's page)"
        return f"badge {officer.badge_number}, PIN {services.DEMO_PIN}"
