"""Locust users for bench/load.py: one page requested in a loop, or the kiosk cycle (headless runs only).

bench/load.py starts `locust -f bench/locustfile.py --headless` once per page at 1 client (every
fleet's in turn) and once per page and fleet at 8, and passes what to load in the environment (no
Django here: paths come from `reverse`):

- BENCH_MODE=page: BENCH_TARGETS, a JSON list of the page on one or more fleets, each with its `fleet`
  (the request's name in locust's figures), `host`, `path`, `session` (a signed-in staff session
  cookie) and `data`, a JSON object posted to the page instead of a GET (the camera list's bulk
  actions: their confirmation page is what the list's selection posts to), with the CSRF token the
  list hands out. A client requests the targets in turn, one at a time: given two fleets at 1 client,
  their requests alternate, so whatever else the shared machine does falls on both alike;
- BENCH_MODE=kiosk: BENCH_KIOSK, a JSON object with the kiosk paths and one enrolled kiosk (its
  one-time enrollment URL) and one officer (badge, PIN) per client. Each client runs WARM_UP_CYCLES
  untimed cycles first, as load.py requests each page once before timing it: the first request a
  gunicorn worker serves compiles its templates (a check-out 63 ms cold against 19-37 ms warm at 30k),
  and at 1 client two of some 40 check-outs set the p95.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re

from locust import HttpUser, constant, task
from locust.clients import HttpSession

MODE = os.environ.get("BENCH_MODE", "page")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OFFER = re.compile(r'class="kiosk-take">.*?name="barcode" value="([^"]+)"', re.S)
HELD = re.compile(r"You hold <strong>([^<]+)</strong>")
ALERT = re.compile(r'role="alert"[^>]*>(.*?)<', re.S)
_next_client = itertools.count()
WARM_UP_CYCLES = 3  # enough for both of gunicorn's workers to have served every step, most runs


class Page(HttpUser):
    """A signed-in quartermaster opening one page again and again, no think time, on each target in turn."""

    wait_time = constant(0)
    weight = 1 if MODE == "page" else 0

    def on_start(self) -> None:
        self.targets = []
        for target in json.loads(os.environ.get("BENCH_TARGETS") or "[]"):
            # A session of its own per fleet: the fleets' servers share a host name, and their
            # session and CSRF cookies would otherwise overwrite each other in one cookie jar.
            client = HttpSession(base_url=target["host"], request_event=self.environment.events.request, user=self)
            client.trust_env = False
            client.cookies.set("sessionid", target["session"])
            data = target.get("data")
            if data is not None:
                # Any console page sets the CSRF cookie; the form posts its value back.
                client.get(data.get("next", "/"), name=f"{target['fleet']}: form (untimed)")
                data = {**data, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
            self.targets.append((client, target["fleet"], target["path"], data))
        self.turns = itertools.cycle(self.targets)

    @task
    def open_page(self) -> None:
        client, fleet, path, data = next(self.turns)
        if data is not None:
            request = client.post(path, data=data, name=fleet, catch_response=True, allow_redirects=False)
        else:
            request = client.get(path, name=fleet, catch_response=True, allow_redirects=False)
        with request as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Kiosk(HttpUser):
    """An officer at a kiosk: sign in, take the camera offered, pass the pre-shift check, return it."""

    wait_time = constant(0)
    weight = 1 if MODE == "kiosk" else 0

    def on_start(self) -> None:
        setup = json.loads(os.environ.get("BENCH_KIOSK", "{}"))
        self.paths = setup.get("paths", {})
        client = setup.get("clients", [{}])[next(_next_client) % max(1, len(setup.get("clients", [])))]
        self.badge, self.pin = client.get("badge", ""), client.get("pin", "")
        self.page = ""
        if client.get("enroll_url"):
            self.client.get(client["enroll_url"], name="kiosk: enroll (untimed)", allow_redirects=False)
        self.warming = True
        try:
            for _ in range(WARM_UP_CYCLES):
                self.cycle()
        except RuntimeError:  # no charged camera offered: the timed cycles will say so
            pass
        finally:
            self.warming = False

    def _name(self, step: str) -> str:
        return "kiosk: warm-up (untimed)" if self.warming else step

    def _get(self, step: str, key: str) -> str:
        with self.client.get(
            self.paths[key], name=self._name(step), catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            self.page = response.text
            return response.text

    def _post(self, step: str, key: str, data: dict, expect: int = 302) -> bool:
        """Post the step; whether it answered as expected (the page it showed is kept in self.page)."""
        token = CSRF.search(self.page)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            self.paths[key], data=data, name=self._name(step), catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != expect:
                alert = ALERT.search(response.text)
                reason = html.unescape(alert.group(1)).strip() if alert else f"HTTP {response.status_code}"
                response.failure(reason[:200])
            if response.status_code == 200:
                self.page = response.text
            return response.status_code == expect

    @task
    def cycle(self) -> None:
        self._get("kiosk: start screen", "kiosk")
        self._post("kiosk: sign-in", "sign_in", {"badge": self.badge, "pin": self.pin})
        page = self._get("kiosk: officer screen", "kiosk")
        held = HELD.search(page)
        if held:  # left over from an interrupted run: return it, untimed
            self._post("kiosk: leftover (untimed)", "sign_out", {})
            self._get("kiosk: leftover (untimed)", "kiosk")
            self._post(
                "kiosk: leftover (untimed)", "return", {"barcode": held.group(1), "entry_method": "scanned"}, expect=200
            )
            self._post(
                "kiosk: leftover (untimed)",
                "return",
                {"barcode": held.group(1), "entry_method": "scanned", "condition": "working"},
            )
            return
        offer = OFFER.search(page)
        if not offer:
            self._post("kiosk: sign-out", "sign_out", {})
            raise RuntimeError("The kiosk offers no charged camera (bench/load.py charges the shelf first).")
        tag = offer.group(1)
        if not self._post("kiosk: check-out", "check_out", {"barcode": tag, "entry_method": "scanned"}):
            # Another kiosk's officer took the same spare first (every kiosk offers the first ready
            # one): the refusal is timed, as it happens; there is nothing to return.
            self._post("kiosk: sign-out", "sign_out", {})
            return
        self._get("kiosk: confirmation", "done")
        self._post("kiosk: pre-shift passed", "done", {"outcome": "passed"})
        self._get("kiosk: start screen", "kiosk")
        self._post("kiosk: return scan", "return", {"barcode": tag, "entry_method": "scanned"}, expect=200)
        self._post("kiosk: check-in", "return", {"barcode": tag, "entry_method": "scanned", "condition": "working"})
