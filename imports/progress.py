"""How far a background import has got, kept in a cache that the worker writes and the page reads.

The apply runs in one transaction, so nothing it writes to the database shows before it ends; its
progress goes through the cache instead. Best effort: a cache that is down never fails an import,
the page then only shows "applying" without a count.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches

log = logging.getLogger(__name__)

CACHE_ALIAS = "import_progress"


def _key(upload_id: int) -> str:
    return f"imports:apply-progress:{upload_id}"


def report(upload_id: int, *, phase: str, done: int, total: int) -> None:
    value = {"phase": phase, "done": done, "total": total}
    try:
        caches[CACHE_ALIAS].set(_key(upload_id), value, timeout=settings.IMPORT_APPLY_TIME_LIMIT_SECONDS + 600)
    except Exception:  # progress is a courtesy; the import must not fail for it
        log.warning("Could not record the progress of import #%s", upload_id, exc_info=True)


def read(upload_id: int) -> dict | None:
    try:
        return caches[CACHE_ALIAS].get(_key(upload_id))
    except Exception:
        log.warning("Could not read the progress of import #%s", upload_id, exc_info=True)
        return None
