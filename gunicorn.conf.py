"""gunicorn's settings for this app, read from the working directory (`gunicorn hartford_bwc.wsgi`
from the repository's root, as the README's production commands and bench/load.py run it).

Requests are served by a worker thread, one at a time per worker as the default sync worker would,
because of how CPython keeps its frames (python/cpython#142183: mended in 2026's 3.13 and 3.14
releases, not in 3.11 or 3.12). Frames live on a stack of 16 KiB chunks; a call that crosses into a
new chunk maps it, and the return unmaps it. The sync worker renders each page in its main thread,
under some twenty of gunicorn's own frames, and at that depth the camera list's table crossed a
chunk boundary about 1,000 times a request (strace: 41,533 mmap and as many munmap calls for 41
pages, 16 KiB each). A pool thread starts shallower. Measured on the 30,000-camera fleet, one
request at a time: the camera list 20.0 ms instead of 29.0, the device list 42 instead of 61, the
officer and vehicle lists 30 and 33 instead of 39 and 42; no page took more than 2 ms longer (API
cameras 16.1 to 17.7 ms).

What changes with the worker class, and how it is kept as it was:
- The sync worker takes a connection only when idle, so a slow request (a whole-fleet export) never
  holds up others that an idle worker could serve. A gthread worker accepts up to
  `worker_connections` at once and queues them behind its threads: `on_starting` holds it to one
  connection per thread.
- Without keep-alive, each request is a connection of its own, as with the sync worker, and a client
  is never pinned to one worker (8 clients kept alive on 2 workers shared them unevenly).
- gunicorn's `--timeout` no longer ends a request that runs too long: a gthread worker tells the
  arbiter it is alive from its main thread while a request runs. The database is where a request
  could wait that long, so the web workers' statements are cancelled after 30 s, gunicorn's default
  timeout (DATABASE_STATEMENT_TIMEOUT_MS, set here for the web only: the Celery worker's and the
  management commands' longer work keeps no limit unless given one).

`--threads N` on the command line gives each worker N threads and N connections.
"""

import os

os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "30000")  # read by the workers' settings

worker_class = "gthread"
threads = 1
keepalive = 0


def on_starting(server) -> None:
    """As many connections as threads per worker: a busy worker leaves the next one to an idle worker."""
    server.cfg.set("worker_connections", server.cfg.threads)
