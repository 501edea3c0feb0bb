"""gunicorn.conf.py, as gunicorn itself reads it for the README's production command: pages are served
from a worker thread (CPython's frame-chunk churn in the main thread, python/cpython#142183), and
otherwise as the sync worker would serve them."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.app.wsgiapp import WSGIApplication

STATEMENT_TIMEOUT = "DATABASE_STATEMENT_TIMEOUT_MS"


def gunicorn_settings(monkeypatch, *options: str):
    """The settings of `gunicorn hartford_bwc.wsgi [options]` run from the repository's root."""
    monkeypatch.chdir(settings.BASE_DIR)
    if STATEMENT_TIMEOUT not in os.environ:
        # Recorded as absent, so that the default the conf gives os.environ goes with the test.
        monkeypatch.setenv(STATEMENT_TIMEOUT, "")
        monkeypatch.delenv(STATEMENT_TIMEOUT)
    monkeypatch.setattr("sys.argv", ["gunicorn", "hartford_bwc.wsgi", *options])
    cfg = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg
    cfg.on_starting(SimpleNamespace(cfg=cfg))  # what the arbiter runs before it forks the workers
    return cfg


def test_the_production_command_serves_pages_from_a_worker_thread(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, "--bind", "127.0.0.1:8000", "--workers", "4")

    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads) == (4, 1)


def test_a_busy_worker_takes_no_second_connection_and_keeps_none_alive(monkeypatch):
    """As the sync worker: a slow export never holds up a request that an idle worker could serve."""
    cfg = gunicorn_settings(monkeypatch)

    assert cfg.worker_connections == 1
    assert cfg.keepalive == 0


@pytest.mark.parametrize("threads", [2, 4])
def test_more_threads_take_as_many_connections(monkeypatch, threads):
    cfg = gunicorn_settings(monkeypatch, "--threads", str(threads))

    assert cfg.worker_connections == threads


def test_the_web_workers_statements_are_cancelled_after_gunicorns_default_timeout(monkeypatch):
    """gunicorn's --timeout no longer ends a request a gthread worker serves: the database bounds it."""
    monkeypatch.delenv(STATEMENT_TIMEOUT, raising=False)
    cfg = gunicorn_settings(monkeypatch)

    assert os.environ[STATEMENT_TIMEOUT] == str(cfg.timeout * 1000) == "30000"


def test_an_operators_statement_timeout_is_kept(monkeypatch):
    monkeypatch.setenv(STATEMENT_TIMEOUT, "5000")
    gunicorn_settings(monkeypatch)

    assert os.environ[STATEMENT_TIMEOUT] == "5000"


def settings_options(**environ: str) -> str:
    """The PostgreSQL connection options settings.py builds from `environ`, in a process of their own."""
    env = {name: value for name, value in os.environ.items() if name != STATEMENT_TIMEOUT}
    env.update({"DATABASE_URL": "postgres://bwc@db.internal:5432/bwc", **environ})
    script = (
        "from hartford_bwc import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_statement_timeout_is_given_to_every_postgresql_connection():
    assert settings_options(**{STATEMENT_TIMEOUT: "30000"}) == "-c jit=off -c statement_timeout=30000"


def test_without_one_statements_have_no_limit():
    assert "statement_timeout" not in settings_options()
