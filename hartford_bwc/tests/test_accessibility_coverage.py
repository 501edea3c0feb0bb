"""No page escapes axe-core: every named URL of the project is either checked in Chromium
(test_accessibility_browser.py) or listed here with the reason it is not a page a person reads.

A fast test without a browser or a database: it walks the URL resolver and compares names. A new URL
fails it until it is listed, and the failure says where.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from hartford_bwc import urls as project_urls

from . import test_accessibility_browser as browser

BROWSER_TESTS = "hartford_bwc/tests/test_accessibility_browser.py"

# Django's own admin: its pages are one set of templates, checked through its index and a change form
# (STATE_PAGES "admin: ..."; templates/admin/base_site.html carries our fixes). Each ModelAdmin adds names
# here without a new template.
DJANGO_ADMIN_NAMESPACE = "admin"

# Checked by a browser test of its own rather than a list (the test's name; it must exist).
CHECKED_BY_OWN_TEST = {
    "login": "test_the_sign_in_page_has_no_serious_accessibility_violation",
    "inventory:camera_check_out": "test_a_refused_camera_action_with_its_errors_has_no_serious_accessibility_violation",
}

_CAMERA_ACTION = (
    "POST only: success redirects to the camera page; a refusal re-renders the camera page "
    "(inventory/camera_detail.html), checked as inventory:camera_check_out's refusal"
)
_DEVICE_ACTION = (
    "POST only: success redirects to the device or vehicle page; a refusal re-renders that page with the "
    "message (devices/device_detail.html, devices/vehicle_detail.html), both checked as pages"
)
_OFFICER_ACTION = "POST only: redirects to the officer page, which shows the outcome as a message"
_DUTY_ACTION = (
    "POST only: redirects to the duty page; a refusal re-renders it (assignments/officer_duty.html), "
    "checked as assignments:officer_grant_exemption's refusal"
)
_API_LIKE_ROOT = (
    "the browsable API's one template (templates/rest_framework/base.html), checked as api:api-root, "
    "api:camera-list and api:camera-detail; clients get JSON"
)
_API_ACTION = "API action, POST only: a browser's GET gets the browsable API's 405 page, the template checked above"

# Named URLs that are not a page a person reads, or whose page is another URL's template, each with why.
NOT_A_PAGE: dict[str, str] = {
    "logout": "POST only: signs out and redirects to the sign-in page",
    "healthz": "JSON for load balancers and monitoring",
    "favicon": "a redirect to the console's icon, for browsers that ask for /favicon.ico",
    "schema": "the OpenAPI document (YAML or JSON) that api_docs renders",
    # --- inventory ---
    "inventory:camera_attach": "POST only (a file upload): redirects to the camera page with the outcome",
    "inventory:attachment_file": "a stored photo or document, served as a download, never as HTML",
    "inventory:camera_check_in": _CAMERA_ACTION,
    "inventory:camera_charge": _CAMERA_ACTION,
    "inventory:camera_maintenance_open": _CAMERA_ACTION,
    "inventory:camera_maintenance_assign": _CAMERA_ACTION,
    "inventory:camera_maintenance_close": _CAMERA_ACTION,
    "inventory:camera_issue_personal": _CAMERA_ACTION,
    "inventory:camera_revoke_personal": _CAMERA_ACTION,
    "inventory:camera_report_lost": _CAMERA_ACTION,
    "inventory:camera_report_found": _CAMERA_ACTION,
    "inventory:flag_acknowledge": "POST only: redirects back to the flag list or page",
    "inventory:flag_assign": (
        "POST only: a refusal re-renders the flag page (inventory/flag_detail.html), checked as "
        "inventory:flag_note's refusal"
    ),
    # --- devices ---
    "devices:camera_pair": _DEVICE_ACTION,
    "devices:camera_unpair": _DEVICE_ACTION,
    "devices:device_battery": _DEVICE_ACTION,
    "devices:device_firmware": _DEVICE_ACTION,
    "devices:device_install": _DEVICE_ACTION,
    "devices:device_issue": _DEVICE_ACTION,
    "devices:device_maintenance_close": _DEVICE_ACTION,
    "devices:device_maintenance_open": _DEVICE_ACTION,
    "devices:device_pair": _DEVICE_ACTION,
    "devices:device_report_found": _DEVICE_ACTION,
    "devices:device_report_lost": _DEVICE_ACTION,
    "devices:device_retire": _DEVICE_ACTION,
    "devices:device_return": _DEVICE_ACTION,
    "devices:device_unpair": _DEVICE_ACTION,
    "devices:vehicle_in_service": _DEVICE_ACTION,
    "devices:vehicle_install": _DEVICE_ACTION,
    "devices:vehicle_out_of_service": _DEVICE_ACTION,
    "devices:vehicle_remove": _DEVICE_ACTION,
    # --- stocktake ---
    "stocktake:scan": "POST only: redirects to the count (stocktake:detail, checked mid-scan)",
    "stocktake:finish": "POST only: redirects to the count's result (stocktake:detail, checked)",
    "stocktake:vendor_fix": "POST only: redirects to the vendor export's page (stocktake:vendor_export, checked)",
    "stocktake:shelf_active": "POST only: redirects to the shelves page (stocktake:shelves, checked)",
    # --- assignments ---
    "assignments:officer_unlock_badge": _OFFICER_ACTION,
    "assignments:officer_set_active": _OFFICER_ACTION,
    "assignments:officer_issue_personal": _OFFICER_ACTION,
    "assignments:officer_revoke_personal": _OFFICER_ACTION,
    "assignments:officer_end_exemption": _DUTY_ACTION,
    "assignments:officer_assign_duty": _DUTY_ACTION,
    # --- kiosk ---
    "kiosk:sign_out": "POST only: ends the officer's session and redirects to the start screen",
    "kiosk:stocktake_scan": "POST only: redirects to the kiosk count (kiosk:stocktake_count, checked)",
    "kiosk:stocktake_finish": "POST only: redirects to the kiosk count's result (kiosk:stocktake_count, checked)",
    "kiosk_console:alert_acknowledge": "POST only: redirects to the kiosk alerts page",
    # --- imports ---
    "imports:template": "a blank CSV or XLSX template, downloaded",
    "imports:confirm": "POST only: redirects to the import's page (imports:preview, checked)",
    "imports:progress": "JSON the import page polls for its progress bar",
    # --- the REST API (api/urls.py; DRF's router names) ---
    "api:officer-list": _API_LIKE_ROOT,
    "api:officer-detail": _API_LIKE_ROOT,
    "api:checkout-list": _API_LIKE_ROOT,
    "api:checkout-detail": _API_LIKE_ROOT,
    "api:flag-list": _API_LIKE_ROOT,
    "api:flag-detail": _API_LIKE_ROOT,
    "api:camera-charge-events": _API_ACTION,
    "api:camera-check-in": _API_ACTION,
}


def named_urls(patterns=None, namespace: str = "") -> Iterator[str]:
    """Every URL name of the project, with its namespaces ("inventory:camera_list"), once per pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def checked_in_chromium() -> dict[str, str]:
    """URL name -> where the browser tests check it."""
    checked = {name: "CONSOLE_PAGES" for name in browser.CONSOLE_PAGES}
    checked.update({url_name: "KIOSK_SCREENS" for url_name, _ in browser.KIOSK_SCREENS.values()})
    checked.update({url_name: "STATE_PAGES" for url_name, _ in browser.STATE_PAGES.values()})
    checked.update(CHECKED_BY_OWN_TEST)
    return checked


def unchecked_urls() -> list[str]:
    """Names of the project's URLs (Django's admin aside) neither checked in Chromium nor excused."""
    ours = {name for name in named_urls() if not name.startswith(f"{DJANGO_ADMIN_NAMESPACE}:")}
    return sorted(ours - checked_in_chromium().keys() - NOT_A_PAGE.keys())


def where_to_list(missing: list[str]) -> str:
    return (
        f"Not under axe-core: {', '.join(missing)}.\n"
        f"A page answering GET: add it to CONSOLE_PAGES in {BROWSER_TESTS} (by URL name; None when its path is "
        "reverse(name), else a function giving the path).\n"
        f"A page reached by a POST or in a special state: add it to STATE_PAGES in {BROWSER_TESTS} "
        "(url name, how to get there); a kiosk screen: to KIOSK_SCREENS.\n"
        "Not a page a person reads (POST that redirects, CSV/XLSX/JSON, a file download): add it to NOT_A_PAGE "
        "in hartford_bwc/tests/test_accessibility_coverage.py with the reason."
    )


def test_every_named_url_is_checked_by_axe_or_says_why_not():
    missing = unchecked_urls()
    assert not missing, where_to_list(missing)


def _a_new_page(request):
    return HttpResponse("<h1>Widgets</h1>")


# The project's URLs and one more, as a helper adding a page without listing it would leave them.
urlpatterns = [*project_urls.urlpatterns, path("inventory/widgets/", _a_new_page, name="widget_list")]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_added_without_listing_it_is_caught_and_told_where_to_go():
    missing = unchecked_urls()
    assert missing == ["widget_list"]
    message = where_to_list(missing)
    assert "widget_list" in message and "CONSOLE_PAGES" in message and "NOT_A_PAGE" in message


def test_the_lists_name_only_urls_that_exist():
    """A renamed or removed URL leaves no stale entry behind (a check of nothing, or an excuse for nothing)."""
    names = set(named_urls())
    stale = sorted((checked_in_chromium().keys() | NOT_A_PAGE.keys()) - names)
    assert not stale, f"No URL has these names any more: {', '.join(stale)}; remove or rename them."


def test_a_url_is_either_checked_or_excused_never_both():
    both = sorted(checked_in_chromium().keys() & NOT_A_PAGE.keys())
    assert not both, f"Checked in Chromium and also excused in NOT_A_PAGE: {', '.join(both)}; drop the excuse."


def test_django_admin_is_checked_through_its_index_and_a_change_form():
    checked = checked_in_chromium()
    assert "admin:index" in checked
    assert any(name.startswith("admin:") and name.endswith("_change") for name in checked)


def test_each_page_checked_by_its_own_test_has_that_test():
    for name, test in CHECKED_BY_OWN_TEST.items():
        assert callable(getattr(browser, test, None)), f"{name}: no test {test} in {BROWSER_TESTS}"


def test_the_walk_finds_every_kind_of_url():
    """The walk itself: top-level names, app namespaces, DRF's router names and Django's admin."""
    names = set(named_urls())
    assert {"dashboard", "inventory:camera_list", "kiosk:home", "api:camera-list", "admin:index"} <= names
