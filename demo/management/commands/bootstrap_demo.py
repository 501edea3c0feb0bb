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

    def handle(self, *args, **options):
        if not services.fleet_exists():
            call_command("seed_demo", stdout=self.stdout)
        User = get_user_model()
        by = Actor.system_process("bootstrap_demo")
        for username, password, role, first, last in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                create_staff_user(
                    username=username, password=password, role=role, by=by, first_name=first, last_name=last
                )
        self.stdout.write("\nHartford BWC inventory: http://127.0.0.1:8000/")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {role:<14} {username} / {password}")
        self.stdout.write(f"  Kiosk demo officer: badge {services.demo_badge() or '(none)'}, PIN {services.DEMO_PIN}")
        self.stdout.write("  Enroll a kiosk: .venv/bin/python manage.py enroll_kiosk 'Front desk'\n")
