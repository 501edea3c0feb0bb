#!/usr/bin/env python
"""`make run`'s supervisor: runserver and `celery worker --beat`, stopped together by one Ctrl-C.

    .venv/bin/python scripts/run_dev.py [--port 8000]

Each child runs in its own process group, so a terminal's Ctrl-C reaches this script only, and this
script stops them in order: a warm shutdown (SIGTERM) to the Celery worker, SIGTERM to runserver and
its autoreloader, then up to 10 s of waiting before SIGKILL. Children write into pipes this script
drains, with a "web |" / "worker |" prefix; when our own output goes away (`make run | tee log` and
Ctrl-C kills tee first) the children never see a broken pipe, and everything still stops.
Stops on SIGINT, SIGTERM, SIGHUP, a broken output pipe, or either child exiting.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


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


def pump(name: str, pipe, out: Output) -> None:
    # Always drain, even after our output broke: a child blocked on a full pipe would never stop.
    for raw in iter(pipe.readline, b""):
        out.write(f"{name:<6} | {raw.decode(errors='replace')}")
    pipe.close()


def start(name: str, argv: list[str], out: Output) -> subprocess.Popen:
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
    threading.Thread(target=pump, args=(name, child.stdout, out), daemon=True).start()
    return child


def stop(children: dict[str, subprocess.Popen], out: Output) -> None:
    out.write("run_dev | stopping web and worker...\n")
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
        "web": start("web", [python, "manage.py", "runserver", f"{args.host}:{args.port}"], out),
        "worker": start(
            "worker", [celery, "-A", "hartford_bwc", "worker", "--beat", "--loglevel=INFO", "--concurrency=2"], out
        ),
    }
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
