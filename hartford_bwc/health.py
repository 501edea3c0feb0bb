"""`/healthz`: is the database up (503 if not), can the broker be reached (reported, never fatal)."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 1.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:
        return False


@never_cache
def healthz(request):
    database = _database_ok()
    body = {"database": "ok" if database else "down", "broker": "ok" if _broker_ok() else "down"}
    return JsonResponse(body, status=200 if database else 503)
