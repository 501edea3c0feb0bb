#!/usr/bin/env python
"""`make run`'s supervisor: runserver and `celery worker --beat`, stopped together by one Ctrl-C.

    .venv/bin/python scripts/run_dev.py [--port 8000]

Each child runs in its own process group, so a terminal's Ctrl-C reaches this script only, and this
script stops them in order: a warm shutdown (SIGTERM) to the Celery worker, SIGTERM to runserver and
its autoreloader, then up to 10 s of waiting before SIGKILL. Children write into pipes this script
drains, with a "web |" / "worker |" prefix; when our own output goes away (`make run | tee log` and
Ctrl-C kills tee first) the children never see a broken pipe, and everything still stops.
Stops on SIGINT, SIGTERM, SIGHUP, a broken output pipe, or either child exiting.

A child counts as started once it printed its ready line (runserver's "Quit the server with", Celery's
"celery@host ready."): until then it may not have installed its own signal handlers, and a SIGTERM
would kill it instead of shutting it down warmly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 120
READY_LINES = {"web": r"Quit the server with", "worker": r"celery@\S+ ready\."}


class Output:
    """One writer for every child's lines; remembers when the reader went away."""

    def __init__(self, stream=None):
        self.stream = stream
        self.lock = threading.Lock()
        self.broken = threading.Event()

    def write(self, text: str) -> None:
        if self.broken.is_set():
            return
        with self.lock:
            try:
                stream = self.stream or sys.stdout
                stream.write(text)
                stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.broken.set()


def pump(name: str, pipe, out: Output, ready_line: str | None = None, ready: threading.Event | None = None) -> None:
    # Always drain, even after our output broke: a child blocked on a full pipe would never stop.
    for raw in iter(pipe.readline, b""):
        text = raw.decode(errors="replace")
        if ready is not None and not ready.is_set() and ready_line and re.search(ready_line, text):
            ready.set()
        out.write(f"{name:<6} | {text}")
    pipe.close()


def start(name: str, argv: list[str], out: Output, ready_line: str | None = None) -> subprocess.Popen:
    """Start a child; `child.ready` is set once a line of its output matches `ready_line` (at once without one)."""
    # A development server: DEBUG on for its children unless the environment says otherwise.
    env = {"DEBUG": "true", **os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the terminal's Ctrl-C is ours to relay
    )
    child.ready = threading.Event()
    if ready_line is None:
        child.ready.set()
    child.pump = threading.Thread(target=pump, args=(name, child.stdout, out, ready_line, child.ready), daemon=True)
    child.pump.start()
    return child


def wait_ready(
    children: dict[str, subprocess.Popen], timeout: float, stopping: threading.Event | None = None
) -> list[str]:
    """Wait until every child printed its ready line, one exited, or a stop was asked for.

    Returns the names of the children still not ready (empty when all are).
    """
    deadline = time.monotonic() + timeout
    while True:
        waiting = [name for name, child in children.items() if not child.ready.is_set()]
        if not waiting or time.monotonic() >= deadline or (stopping is not None and stopping.is_set()):
            return waiting
        if any(child.poll() is not None for child in children.values()):
            return waiting
        time.sleep(0.05)


def stop(children: dict[str, subprocess.Popen], out: Output) -> None:
    out.write("run_dev | stopping web and worker...\n")
    # A child still starting has not installed its SIGTERM handler yet: let it get there first (bounded).
    wait_ready(children, GRACE_SECONDS)
    for name, child in children.items():
        if child.poll() is not None:
            continue
        try:
            if name == "worker":
                # The worker's main process only: it stops its pool and beat itself (warm shutdown).
                # A SIGTERM to the whole group would kill the pool children under it, which it logs as errors.
                child.send_signal(signal.SIGTERM)
            else:
                os.killpg(child.pid, signal.SIGTERM)  # runserver and its autoreloader child
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    for name, child in children.items():
        # Anything left in a child's group (a stuck pool process, the reloader's child) goes now.
        try:
            os.killpg(child.pid, signal.SIGKILL)
            if child.poll() is None:
                out.write(f"run_dev | {name} did not stop within {GRACE_SECONDS} s; killed\n")
        except ProcessLookupError:
            pass
        child.wait()
    for child in children.values():
        # A child's last lines ("warm shutdown") may still be in its pipe when it has exited: print
        # them before saying stopped (bounded: a grandchild we could not kill may hold the pipe open).
        child.pump.join(timeout=5)
    out.write("run_dev | stopped\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)

    python = sys.executable
    celery = str(Path(python).with_name("celery"))
    out = Output()
    stopping = threading.Event()

    def request_stop(signum, frame):
        stopping.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(signum, request_stop)

    children = {
        "web": start("web", [python, "manage.py", "runserver", f"{args.host}:{args.port}"], out, READY_LINES["web"]),
        "worker": start(
            "worker",
            [celery, "-A", "hartford_bwc", "worker", "--beat", "--loglevel=INFO", "--concurrency=2"],
            out,
            READY_LINES["worker"],
        ),
    }
    if waiting := wait_ready(children, READY_TIMEOUT_SECONDS, stopping):
        if not stopping.is_set() and all(child.poll() is None for child in children.values()):
            out.write(f"run_dev | still waiting for {' and '.join(waiting)} after {READY_TIMEOUT_SECONDS} s\n")
    else:
        out.write(f"run_dev | web and worker are ready: http://{args.host}:{args.port}/\n")
    code = 0
    while not stopping.is_set() and not out.broken.is_set():
        exited = next(((name, c.returncode) for name, c in children.items() if c.poll() is not None), None)
        if exited is not None:
            out.write(f"run_dev | {exited[0]} exited with code {exited[1]}\n")
            code = exited[1] or 1
            break
        stopping.wait(0.2)
    stop(children, out)
    return code


if __name__ == "__main__":
    sys.exit(main())
