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
