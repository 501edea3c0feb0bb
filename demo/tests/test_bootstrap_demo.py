"""bootstrap_demo's banner: the address `make run` serves on, and commands a newcomer can paste as printed."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.services import seed_fleet

pytestmark = pytest.mark.django_db


def banner(*args: str) -> str:
    seed_fleet(cameras=12, days=2)  # a fleet exists: bootstrap_demo only adds the users and prints
    out = StringIO()
    call_command("bootstrap_demo", *args, stdout=out)
    return out.getvalue()


def test_banner_names_the_address_it_is_served_on():
    # `make run PORT=8127` printed http://127.0.0.1:8000/ while serving on 8127.
    text = banner("--base-url", "http://127.0.0.1:8127/")
    assert "Hartford BWC inventory: http://127.0.0.1:8127/\n" in text
    assert "8000" not in text


def test_enroll_hint_runs_with_debug_on_and_prints_a_link_for_the_same_address():
    # Pasted as printed, the hint failed: with DEBUG off (the default) settings require SECRET_KEY.
    text = banner("--base-url", "http://127.0.0.1:8127")
    hint = re.search(r"Enroll a kiosk: (.*)", text)[1]
    assert hint.startswith("DEBUG=true .venv/bin/python manage.py enroll_kiosk ")
    assert hint.endswith("--base-url http://127.0.0.1:8127")


def test_make_run_passes_its_port_to_the_banner():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "bootstrap_demo --base-url http://127.0.0.1:$(PORT)" in makefile


def test_banner_prints_the_demo_pin_and_passwords_only_while_they_still_work(django_user_model):
    from assignments.services import set_officer_pin
    from audit.actor import Actor
    from demo import services

    first = banner()
    badge = services.demo_badge()
    assert f"badge {badge}, PIN {services.DEMO_PIN}" in first
    assert "quartermaster / hartford-qm-2026" in first

    set_officer_pin(officer=services.demo_officer(), pin="975310", by=Actor.system_process("tests"))
    user = django_user_model.objects.get(username="quartermaster")
    user.set_password("a-new-and-longer-passphrase")
    user.save()
    out = StringIO()
    call_command("bootstrap_demo", stdout=out)
    text = out.getvalue()
    assert f"badge {badge}, PIN changed since the seed" in text and services.DEMO_PIN not in text
    assert "quartermaster / (password changed)" in text and "hartford-qm-2026" not in text
