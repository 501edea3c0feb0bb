"""The junk sweep: hostile requests (odd and repeated parameters, huge values, impossible dates, ids that
do not exist or overflow) to every console, kiosk and report URL, with DEBUG off, never give a 500.

URLs come from the resolver, so a new page is swept without touching this file. The API (/api/) and
the admin have sweeps of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hartford_bwc.testing import enroll

from .test_bad_input import admin_client, fleet  # noqa: F401 - fixtures

SKIPPED_PREFIXES = ("admin/", "api/")
PARAMETERS = [
    "start", "end", "on", "page", "per_page", "sort", "q", "status", "state", "pool", "model", "firmware",
    "_export", "_table", "badge", "asset_tag", "camera", "officer", "kind", "shift", "unit", "idle_days",
    "size", "skip", "next", "actor", "action", "kiosk",
]  # fmt: skip
# The tables' own paging and sorting parameters, under the prefixes the pages give them.
TABLE_PREFIXES = ["", "co-", "events-", "units-", "officers-", "checkouts-", "custody-", "cameras-", "repeat-"]
PARAMETERS += [f"{prefix}{name}" for prefix in TABLE_PREFIXES for name in ("page", "per_page", "sort")]
JUNK = [
    "9999-12-31",
    "0001-01-05",
    "2024-02-30",
    "-1",
    "99999999999999999999",
    "1e308",
    "x" * 3000,
    "\x01\x1b[2J",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "",
]
BAD_IDS = {"str": ["NO-SUCH-0000", "x" * 500, "%2E%2E", "1 OR 1=1"], "int": ["0", "99999999999999999999"]}
BAD_IDS["slug"] = ["no-such-kind"]


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(pattern: str, ids: dict[str, str]) -> tuple[str, list[str]]:
    """`pattern` with real ids, and the same with each parameter in turn given every bad id."""
    names = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)

    def render(values: dict) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern)

    real = {name: ids.get(name, "1") for _, name in names}
    bad = [
        render({**real, name: bad_id})
        for converter, name in names
        for bad_id in BAD_IDS.get(converter or "str", BAD_IDS["str"])
    ]
    return render(real), bad


@dataclass
class Urls:
    real: list[str]
    bad_ids: list[str]


@pytest.fixture
def swept_urls(fleet) -> Urls:  # noqa: F811
    from assignments.models import Officer
    from inventory.models import Camera, Flag

    ids = {
        "asset_tag": Camera.objects.order_by("pk").values_list("asset_tag", flat=True).first(),
        "badge": Officer.objects.order_by("pk").values_list("badge_number", flat=True).first(),
        "pk": str(Flag.objects.order_by("pk").values_list("pk", flat=True).first() or 1),
        "kind": "cameras",
        "file_format": "csv",
        "token": "not-a-token",
        "uidb64": "MQ",
    }
    urls = Urls(real=[], bad_ids=[])
    for pattern in _patterns(get_resolver().url_patterns):
        if pattern.startswith(SKIPPED_PREFIXES) or pattern.startswith("accounts/logout"):
            continue  # signing out would end the sweep's session
        real, bad = _fill(pattern, ids)
        urls.real.append(real)
        urls.bad_ids.extend(bad)
    assert len(urls.real) > 50 and len(urls.bad_ids) > 50
    return urls


def _sweep(client: Client, urls: Urls, values: list[str]) -> list[str]:
    failures = []

    def check(method: str, url: str, data: dict, what: str) -> None:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:80]} {what}: {response.status_code}")

    for url in urls.real:
        for value in values:
            params = dict.fromkeys(PARAMETERS, value)
            check("get", url, params, f"= {value[:20]!r}")
            # An export runs the same code without paging or sorting.
            check("get", url, {**params, "_export": "csv"}, f"= {value[:20]!r} as CSV")
            check("post", url, params, f"= {value[:20]!r}")
        repeated = "&".join(f"{name}=1&{name}=x" for name in PARAMETERS)
        check("get", f"{url}?{repeated}", {}, "repeated parameters")
    for url in urls.bad_ids:
        check("get", url, {}, "bad id")
        check("post", url, {}, "bad id")
    return failures


def test_debug_is_off_for_the_sweep():
    # Django's test runner turns DEBUG off: the sweep sees what production answers.
    assert settings.DEBUG is False


@pytest.mark.parametrize("values", [JUNK[:6], JUNK[6:]], ids=["dates-and-numbers", "text"])
def test_no_console_or_report_url_answers_500_to_junk(swept_urls, admin_client, values):  # noqa: F811
    failures = _sweep(admin_client, swept_urls, values)
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures[:50])


def test_no_kiosk_url_answers_500_to_junk(swept_urls):
    client = Client(raise_request_exception=False)
    enroll(client)
    kiosk = Urls(
        real=[url for url in swept_urls.real if url.startswith("/kiosk/")],
        bad_ids=[url for url in swept_urls.bad_ids if url.startswith("/kiosk/")],
    )
    failures = _sweep(client, kiosk, JUNK)
    assert failures == [], "\n".join(failures)


# What the sweep found, as plain specifications.


@pytest.mark.parametrize("size", ["-1", "0", "99999999999999999999"])
def test_a_page_size_from_the_address_is_bounded(fleet, admin_client, size):  # noqa: F811
    from hartford_bwc.paging import MAX_PAGE_SIZE

    response = admin_client.get("/inventory/flags/", {"per_page": size, "page": "-1"})
    assert response.status_code == 200
    assert 1 <= response.context["table"].paginator.per_page <= MAX_PAGE_SIZE


def test_a_report_table_ignores_a_sort_from_the_address(fleet, admin_client):  # noqa: F811
    response = admin_client.get("/reports/utilization/", {"cameras-sort": "", "models-sort": "-cameras"})
    assert response.status_code == 200
