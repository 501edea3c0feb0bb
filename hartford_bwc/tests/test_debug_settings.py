"""DEBUG is off unless asked for, and SECURE_COOKIES lets a DEBUG-off run work over plain HTTP."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s;"
    "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT]))"
)


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`argv` in a fresh Python process in the project, with exactly this environment."""
    return subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production_settings(**extra: str) -> list:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hartford_bwc.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "bwc.hartford.example",
        **extra,
    }
    for name in ("DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "DATABASE_URL"):
        if name not in extra:
            env.pop(name, None)
    result = _run(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_and_cookies_secure_when_nothing_is_set():
    assert _production_settings() == [False, True, True, True]


def test_secure_cookies_false_allows_plain_http_with_debug_off():
    assert _production_settings(SECURE_COOKIES="false") == [False, False, False, False]


def test_debug_off_without_a_secret_key_refuses_to_start():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hartford_bwc.settings"}
    for name in ("DEBUG", "SECRET_KEY"):
        env.pop(name, None)
    result = _run(["-c", PRINT_SETTINGS], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_manage_py_on_a_laptop_runs_with_debug_on_without_any_setting():
    # With DEBUG off by default, a bare `manage.py makemigrations --check` failed on the missing SECRET_KEY
    # (as a confusing AppRegistryNotReady) although the command needs no secret.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_commands_keep_debug_off_where_a_secret_key_is_given():
    from hartford_bwc.environment import commands_default_to_debug

    deployment = {"SECRET_KEY": "k"}
    commands_default_to_debug(deployment)
    assert "DEBUG" not in deployment

    laptop: dict[str, str] = {}
    commands_default_to_debug(laptop)
    assert laptop == {"DEBUG": "true"}

    told = {"DEBUG": "false"}
    commands_default_to_debug(told)
    assert told == {"DEBUG": "false"}
