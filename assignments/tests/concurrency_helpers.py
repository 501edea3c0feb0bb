"""Running jobs in real threads with their own connections, released together (PostgreSQL tests)."""

from __future__ import annotations

import threading

from django.db import connections


def run_at_once(jobs):
    """Run each job in its own thread, released together; return (result or exception) per job."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(n, job):
        try:
            barrier.wait(timeout=30)
            outcomes[n] = job()
        except Exception as error:  # every outcome is collected and asserted on by the caller
            outcomes[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes
