"""Where the settings come from: the process environment, then a `.env` file beside manage.py.

Read before anything else: by the settings, and by manage.py, which must know whether it runs on a
laptop before the settings load.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

import environ

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def read_env_file(path: Path = ENV_FILE) -> None:
    """Add the file's variables to the environment; a variable already set wins."""
    environ.Env.read_env(path, overwrite=False)


def commands_default_to_debug(env: MutableMapping[str, str] = os.environ) -> None:
    """manage.py on a machine that gives no SECRET_KEY runs as `make run` does, with DEBUG on.

    Without a secret key DEBUG off cannot start at all (the settings refuse it), so a laptop's
    `manage.py makemigrations` would fail on a setting it does not need. A deployment gives
    SECRET_KEY, and its commands keep DEBUG's default, off; the web server (gunicorn, through
    wsgi.py) never takes this path.
    """
    if "SECRET_KEY" not in env:
        env.setdefault("DEBUG", "true")
