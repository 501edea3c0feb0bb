"""scripts/run_dev.py (`make run`): one stop ends every child and grandchild, and a broken pipe is survived."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_dev.py"
spec = importlib.util.spec_from_file_location("run_dev", SCRIPT)
run_dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_dev)


class ClosedPipe:
    def write(self, text):
        raise BrokenPipeError

    def flush(self):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z" if Path(f"/proc/{pid}").exists() else False


def _gone_soon(pid: int, within: float = 10.0) -> bool:
    # The signal is sent; the kernel ends the process (and its new parent reaps it) a moment later,
    # a moment that is long on a loaded machine.
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_stop_ends_both_children_and_the_web_servers_grandchild(tmp_path, capsys):
    out = run_dev.Output()
    grandchild_pid = tmp_path / "grandchild.pid"
    # "web" starts a child of its own, as runserver's autoreloader does.
    web = run_dev.start(
        "web",
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time, pathlib;"
            f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
            f"pathlib.Path({str(grandchild_pid)!r}).write_text(str(p.pid)); print('serving', flush=True); time.sleep(60)",
        ],
        out,
        ready_line="serving",
    )
    # "worker" shuts down warmly on SIGTERM and says so.
    worker = run_dev.start(
        "worker",
        [
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "def bye(*a):\n    print('warm shutdown', flush=True); sys.exit(0)\n"
            "signal.signal(signal.SIGTERM, bye); print('ready', flush=True); time.sleep(60)",
        ],
        out,
        ready_line="ready",
    )
    # Under load either child may take seconds to start; its ready line, not a timer, says it has.
    assert run_dev.wait_ready({"web": web, "worker": worker}, timeout=60) == []

    run_dev.stop({"web": web, "worker": worker}, out)

    assert web.returncode is not None and worker.returncode == 0
    assert _gone_soon(int(grandchild_pid.read_text()))
    printed = capsys.readouterr().out
    assert "worker | warm shutdown" in printed and "run_dev | stopped" in printed


def test_output_that_lost_its_reader_keeps_draining_the_children():
    out = run_dev.Output(stream=ClosedPipe())
    child = run_dev.start("web", [sys.executable, "-c", "print('x' * 200_000)"], out)
    # More than a pipe buffer: the child only finishes if its output is still read.
    assert child.wait(timeout=60) == 0
    # The child may exit before our reader thread has tried to write its first line.
    child.pump.join(timeout=60)
    assert not child.pump.is_alive() and out.broken.is_set()


WORKER_THAT_STARTS_SLOWLY = (
    "import signal, sys, time\n"
    "time.sleep(0.5)\n"  # importing Celery and the project: no handler yet
    "def bye(*a):\n    print('warm shutdown', flush=True); sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, bye); print('ready', flush=True); time.sleep(60)"
)


def test_a_stop_during_start_up_waits_for_the_ready_line_before_sending_sigterm(capsys):
    out = run_dev.Output()
    worker = run_dev.start("worker", [sys.executable, "-c", WORKER_THAT_STARTS_SLOWLY], out, ready_line="ready")

    run_dev.stop({"worker": worker}, out)

    # Without the wait the SIGTERM would land before the handler: returncode -15, no warm shutdown.
    assert worker.returncode == 0
    assert "worker | warm shutdown" in capsys.readouterr().out


def test_wait_ready_names_the_children_that_never_said_they_were_ready():
    out = run_dev.Output()
    quiet = run_dev.start("worker", [sys.executable, "-c", "import time; time.sleep(60)"], out, ready_line="ready")
    talkative = run_dev.start("web", [sys.executable, "-c", "print('ready', flush=True)"], out, ready_line="ready")
    try:
        started = time.monotonic()
        assert run_dev.wait_ready({"worker": quiet}, timeout=0.3) == ["worker"]
        assert time.monotonic() - started < 10
        assert talkative.wait(timeout=30) == 0 and talkative.ready.wait(timeout=30)
    finally:
        quiet.kill()
        quiet.wait()


def test_the_ready_lines_match_what_runserver_and_celery_print():
    import re

    assert re.search(run_dev.READY_LINES["web"], "Quit the server with CONTROL-C.\n")
    assert re.search(run_dev.READY_LINES["worker"], "[2026-12-03 02:40:00,000: INFO/MainProcess] celery@bwc ready.\n")
