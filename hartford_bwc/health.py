"""`/healthz`: is the database up (503 if not), can the broker be reached (reported, never fatal)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app

# The probe runs beside the request, which waits for it at most BROKER_SOCKET_TIMEOUT_SECONDS: a broker
# that accepts the connection and then says nothing costs /healthz that long, not one timeout per socket
# operation (connect, HELLO, PING). A probe left behind ends by itself within the socket timeouts the
# settings give every broker connection; two threads keep probes from piling up while it does.
_probes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz-broker")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _probe_broker(timeout: float) -> bool:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)
    return True


def _broker_ok() -> bool:
    timeout = settings.BROKER_SOCKET_TIMEOUT_SECONDS
    try:
        return _probes.submit(_probe_broker, timeout).result(timeout=timeout)
    except Exception:
        return False


@never_cache
def healthz(request):
    database = _database_ok()
    body = {"database": "ok" if database else "down", "broker": "ok" if _broker_ok() else "down"}
    return JsonResponse(body, status=200 if database else 503)
