"""The one way request code hands work to Celery: after commit, with a bounded wait, never failing."""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_after_commit(task, /, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits.

    The request then waits for the broker at most BROKER_SOCKET_TIMEOUT_SECONDS (the socket timeouts in
    the broker transport options) and only once: publishing is not retried, and a broker that is down
    or stalled is logged, not raised, since the change the request made is already committed. The
    caller's rows must show the work as pending so that it can be sent again (by a person or a sweep).
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:
            log.warning("Could not queue %s: the broker did not answer; it stays pending.", task.name)

    transaction.on_commit(send)
