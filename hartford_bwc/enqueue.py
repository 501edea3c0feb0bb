"""The one way request code hands work to Celery: after commit, with a bounded wait, never failing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_after_commit(task, /, *args, on_failure: Callable[[], None] | None = None, **kwargs) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits.

    The request then waits for the broker at most BROKER_SOCKET_TIMEOUT_SECONDS (the socket timeouts in
    the broker transport options) and only once: publishing is not retried, and a broker that is down
    or stalled is logged, not raised, since the change the request made is already committed. The
    caller's rows must show the work as pending so that it can be sent again (by a person or a sweep),
    or `on_failure` records on them that it was not sent.
    """

    def send() -> None:
        try:
            task.apply_async(args=list(args), kwargs=kwargs, retry=False)  # as JSON will carry them
        except Exception:
            log.warning("Could not queue %s: the broker did not answer.", task.name)
            if on_failure is not None:
                on_failure()

    transaction.on_commit(send)
