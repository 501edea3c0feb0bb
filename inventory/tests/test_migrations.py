"""The models and the migrations agree: CI fails when someone forgets `makemigrations`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_makemigrations_check_is_clean():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exited:  # --check exits 1 when a migration is missing
        pytest.fail(f"models changed without a migration (exit {exited.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
