#!/usr/bin/env python
"""Time the kiosk over HTTP against a running server: sign-in -> take a camera -> signed out -> return it.

    python bench/kiosk_cycle.py http://127.0.0.1:8002 [--cycles 10] [--enroll-url URL] [--badge B --pin P]

Without --enroll-url it enrolls a kiosk itself with `manage.py enroll_kiosk` (run it with the server's
environment, e.g. the same DATABASE_URL). Without --badge it uses the demo officer the seed printed.
Each cycle takes the camera the kiosk offers (the officer's own, else the charged spare rested longest)
and returns it as working, so each cycle uses one charged camera. Prints, per step, the server time
(the view's Server-Timing) and the round trip, median and worst; the target is < 100 ms server time.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0917 (urllib's signature)
        return None


class Kiosk:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.timings: dict[str, list[tuple[float, float]]] = {}
        self.last_page = ""

    def _request(self, step: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        started = time.perf_counter()
        try:
            response = self.opener.open(request)
        except urllib.error.HTTPError as error:  # 302 (not followed), 403, 404
            response = error
        text = response.read().decode()
        wall = (time.perf_counter() - started) * 1000
        server = re.search(r"dur=([\d.]+)", response.headers.get("Server-Timing", "") or "")
        if step:
            self.timings.setdefault(step, []).append((float(server.group(1)) if server else wall, wall))
        if response.status == 200:
            self.last_page = text
        return response.status, text, response.headers.get("Location", "")

    def get(self, step: str, path: str) -> str:
        status, text, _ = self._request(step, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        return text

    def post(self, step: str, path: str, data: dict, expect: int = 302) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.last_page)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        status, text, location = self._request(step, path, data)
        if status != expect:
            alert = re.search(r'role="alert"[^>]*>(.*?)<', text, re.S)
            reason = html.unescape(alert.group(1)).strip() if alert else text[:200]
            raise SystemExit(f"POST {path} answered {status}: {reason}")
        return location


def manage(*args: str) -> str:
    # Like `make run`, DEBUG on unless the environment says otherwise (the server's own settings).
    env = {"DEBUG": "true", **os.environ}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def cycle(kiosk: Kiosk, badge: str, pin: str) -> None:
    kiosk.get("start screen", "/kiosk/")
    kiosk.post("sign-in", "/kiosk/sign-in/", {"badge": badge, "pin": pin})
    page = kiosk.get("officer screen", "/kiosk/")
    held = re.search(r"You hold <strong>([^<]+)</strong>", page)
    if held:  # left over from an interrupted run: return it first
        kiosk.post("", "/kiosk/sign-out/", {})
        kiosk.get("", "/kiosk/")
        kiosk.post("", "/kiosk/return/", {"barcode": held.group(1), "entry_method": "scanned"}, expect=200)
        kiosk.post("", "/kiosk/return/", {"barcode": held.group(1), "entry_method": "scanned", "condition": "working"})
        return cycle(kiosk, badge, pin)
    offer = re.search(r'class="kiosk-take">.*?name="barcode" value="([^"]+)"', page, re.S)
    if not offer:
        raise SystemExit("The kiosk offers no charged camera: dock and charge some spares, or seed the demo again.")
    tag = offer.group(1)
    kiosk.post("check-out", "/kiosk/check-out/", {"barcode": tag, "entry_method": "scanned"})
    kiosk.get("confirmation", "/kiosk/done/")
    kiosk.post("pre-shift passed", "/kiosk/done/", {"outcome": "passed"})
    kiosk.get("", "/kiosk/")
    kiosk.post("return: scan", "/kiosk/return/", {"barcode": tag, "entry_method": "scanned"}, expect=200)
    kiosk.post("check-in", "/kiosk/return/", {"barcode": tag, "entry_method": "scanned", "condition": "working"})
    kiosk.get("", "/kiosk/")
    # An explicit sign-out, timed on its own.
    kiosk.post("", "/kiosk/sign-in/", {"badge": badge, "pin": pin})
    kiosk.get("", "/kiosk/")
    kiosk.post("sign-out", "/kiosk/sign-out/", {})


def _p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank): with fewer than 20 samples, the largest."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--enroll-url", help="A one-time enrollment URL (default: run manage.py enroll_kiosk).")
    parser.add_argument("--badge", help="Officer badge (default: the demo officer).")
    parser.add_argument("--pin", default="246810", help="The officer's PIN (default: the demo PIN).")
    args = parser.parse_args()

    url = args.enroll_url or manage("enroll_kiosk", f"Bench {int(time.time())}", "--base-url", args.base_url)
    code = "from demo.services import demo_badge; print(demo_badge())"
    badge = args.badge or (manage("shell", "-v", "0", "-c", code).splitlines() or [""])[-1]
    if not badge:
        raise SystemExit("No demo officer found: pass --badge and --pin.")
    kiosk = Kiosk(args.base_url)
    status, _, _ = kiosk._request("", url)
    if status != 302:
        raise SystemExit(f"Enrollment failed ({status}): the link was used or expired.")
    for _ in range(args.cycles):
        cycle(kiosk, badge, args.pin)

    print(f"{args.cycles} cycles against {args.base_url} (badge {badge}); milliseconds")
    print(f"{'step':<18}{'server median':>14}{'server p95':>12}{'server max':>12}{'round trip median':>19}")
    worst = 0.0
    for step, samples in kiosk.timings.items():
        server, wall = [s for s, _ in samples], [w for _, w in samples]
        worst = max(worst, statistics.median(server))
        print(
            f"{step:<18}{statistics.median(server):>14.1f}{_p95(server):>12.1f}{max(server):>12.1f}"
            f"{statistics.median(wall):>19.1f}"
        )
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"Slowest step median {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target.")


if __name__ == "__main__":
    main()
