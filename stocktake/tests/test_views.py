"""The stocktake pages: who may count and fix, the scan screen, the result, and their query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from hartford_bwc.factories import CameraModelFactory, DockFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory.models import Camera, Dock

from .. import services
from ..models import TO_RESOLVE, Stocktake, StocktakeLine
from ..views import LISTED_COUNTS
from .count import craft_count, quartermaster

pytestmark = pytest.mark.django_db
LIST = reverse("stocktake:list")


def test_the_contract_url_is_the_stocktake_list():
    assert LIST == "/inventory/stocktake/"


@pytest.mark.parametrize("role", [roles.QUARTERMASTER, roles.ADMINISTRATOR])
def test_a_quartermaster_or_administrator_starts_a_count_of_a_dock(client, role):
    sign_in(client, role)
    dock = DockFactory(name="Bank A")
    response = client.post(LIST, {"place": Stocktake.Place.DOCK, "dock": dock.name})
    stocktake = Stocktake.objects.get()
    assert response.status_code == 302 and response["Location"] == stocktake.get_absolute_url()
    page = client.get(stocktake.get_absolute_url()).content.decode()
    assert 'name="code"' in page and "autofocus" in page


def test_a_dock_count_without_its_dock_is_refused_on_the_form(client):
    sign_in(client)
    response = client.post(LIST, {"place": Stocktake.Place.DOCK})
    assert response.status_code == 422
    assert "Choose the dock to count." in response.content.decode()
    assert not Stocktake.objects.exists()


def test_a_supervisor_reads_the_counts_but_cannot_start_scan_finish_or_fix(client):
    count = craft_count()
    open_count = services.start(place=Stocktake.Place.SPARE_SHELF, by=count.by)
    sign_in(client, roles.SUPERVISOR)
    listing = client.get(LIST)
    assert listing.status_code == 200 and "Start a count" not in listing.content.decode()
    result = client.get(count.stocktake.get_absolute_url()).content.decode()
    assert "Expected, not seen: 1" in result and "Report lost" not in result
    assert 'name="code"' not in client.get(open_count.get_absolute_url()).content.decode()
    line = StocktakeLine.objects.get(code="HPD-BWC-0003")
    for url in (
        reverse("stocktake:scan", args=[open_count.pk]),
        reverse("stocktake:finish", args=[open_count.pk]),
        reverse("stocktake:fix", args=[line.pk, "move-here"]),
    ):
        assert client.post(url, {"code": "HPD-BWC-0007"}).status_code == 403
    assert client.post(LIST, {"place": Stocktake.Place.SPARE_SHELF}).status_code == 404
    assert Stocktake.objects.count() == 2


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_scanning_shows_a_running_list_and_a_rescan_says_already_counted(client):
    count = craft_count(finish=False)
    sign_in(client)
    scan = reverse("stocktake:scan", args=[count.stocktake.pk])
    response = client.post(scan, {"code": "HPD-BWC-0007"}, follow=True)
    assert messages_of(response) == ["HPD-BWC-0007: counted."]
    response = client.post(scan, {"code": "hpd-bwc-0007"}, follow=True)
    assert messages_of(response) == ["HPD-BWC-0007: already counted."]
    assert "Scanned: 7" in response.content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("HPD\x00BWC-0007", "That scan holds control characters, so it is not a barcode: scan again."),
        ("=1+1", "A code is letters and digits (with . - / _ inside); that scan is not one: scan again."),
        ("A" * 100_000, "That code is 100,000 characters long; an asset tag or serial has at most 60."),
    ],
)
def test_hostile_scans_are_refused_with_a_message_and_nothing_is_counted(client, code, message):
    count = craft_count(finish=False)
    sign_in(client)
    before = StocktakeLine.objects.count()
    response = client.post(reverse("stocktake:scan", args=[count.stocktake.pk]), {"code": code}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [message]
    assert StocktakeLine.objects.count() == before


def test_a_ten_megabyte_scan_is_a_bad_request_not_a_crash(client):
    count = craft_count(finish=False)
    sign_in(client)
    response = client.post(reverse("stocktake:scan", args=[count.stocktake.pk]), {"code": "A" * 10_000_000})
    assert response.status_code == 400


def test_finishing_shows_every_section_and_a_fix_resolves_a_line(client):
    count = craft_count(finish=False)
    sign_in(client)
    response = client.post(reverse("stocktake:finish", args=[count.stocktake.pk]), follow=True)
    page = response.content.decode()
    for heading in (
        "Seen, but recorded elsewhere: 4",
        "Expected, not seen: 1",
        "Unknown codes: 1",
        "Seen and expected: 1",
    ):
        assert heading in page
    missing = StocktakeLine.objects.get(code="HPD-BWC-0002")
    fix = reverse("stocktake:fix", args=[missing.pk, "report-lost"])
    response = client.post(fix, {"incident_number": ""}, follow=True)
    assert messages_of(response) == ["Enter the incident report number."]
    response = client.post(fix, {"incident_number": "HPD-26-77"}, follow=True)
    assert messages_of(response) == ["HPD-BWC-0002: reported lost under incident HPD-26-77."]
    assert Camera.objects.get(asset_tag="HPD-BWC-0002").status == Camera.Status.LOST
    assert client.post(reverse("stocktake:fix", args=[missing.pk, "nonsense"])).status_code == 404


# --- query counts at two sizes ---------------------------------------------------------------------


def build_dock_count(size: int) -> Stocktake:
    """A finished count of one dock of `size` cameras, half of them scanned, in a fleet of 10x that."""
    by = quartermaster()
    model = CameraModelFactory()
    dock = Dock.objects.create(name="Big bank", location="HQ", bays=200)
    Camera.objects.bulk_create(
        [
            Camera(
                asset_tag=f"HPD-BWC-Q{i:05d}",
                serial_number=f"Q{i:07d}",
                model=model,
                dock=dock if i < size else None,
                dock_bay=i + 1 if i < size else None,
            )
            for i in range(size * 10)
        ],
        batch_size=2000,
    )
    stocktake = services.start(place=Stocktake.Place.DOCK, dock=dock, by=by)
    for i in range(0, size, 2):
        services.scan(stocktake=stocktake, code=f"HPD-BWC-Q{i:05d}", by=by)
    services.scan(stocktake=stocktake, code=f"HPD-BWC-Q{size + 1:05d}", by=by)  # a spare: elsewhere
    services.scan(stocktake=stocktake, code="NOPE", by=by)
    return stocktake


# Session and user (2), the user's roles (1), the count (1), its lines with their cameras (1). The
# warm-up request saves the session's refresh after sign-in, which is not the page's cost.
@pytest.mark.parametrize("size", [4, 60])
def test_the_result_page_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    stocktake = build_dock_count(size)
    services.finish(stocktake=stocktake, by=quartermaster())
    sign_in(client)
    client.get(stocktake.get_absolute_url())
    with django_assert_num_queries(5):
        response = client.get(stocktake.get_absolute_url())
    assert f"Expected, not seen: {size // 2}" in response.content.decode()


@pytest.mark.parametrize("size", [4, 60])
def test_the_scan_page_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    stocktake = build_dock_count(size)
    sign_in(client)
    client.get(stocktake.get_absolute_url())
    with django_assert_num_queries(5):
        response = client.get(stocktake.get_absolute_url())
    assert f"Scanned: {size // 2 + 2}" in response.content.decode()


# Session and user (2), the user's roles (1), the shelves for the start form (1), the counts (1); the
# dock is typed (inventory.forms.DockField), so the docks are not read at all.
@pytest.mark.parametrize(("counts", "docks"), [(1, 3), (12, 300)])
def test_the_list_page_runs_a_fixed_number_of_queries(counts, docks, client, django_assert_num_queries):
    by = quartermaster()
    DockFactory.create_batch(docks)
    for _ in range(counts):
        services.finish(stocktake=services.start(place=Stocktake.Place.SPARE_SHELF, by=by), by=by)
    sign_in(client)
    client.get(LIST)
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count("Matches") == counts


def test_the_start_form_does_not_list_every_dock(client):
    """The dock is typed by its label: the page is as long with 300 docks as with 3 (it listed 3,750 at 30k)."""
    sign_in(client)
    DockFactory.create_batch(3)
    client.get(LIST)
    few = client.get(LIST)
    DockFactory.create_batch(297)
    many = client.get(LIST)
    assert len(many.content) == len(few.content)
    assert "<option" not in str(many.context["form"]["dock"])


def test_a_dock_count_of_an_unknown_dock_name_says_so(client):
    sign_in(client)
    DockFactory(name="Bank A")
    response = client.post(LIST, {"place": Stocktake.Place.DOCK, "dock": "Bank Z"})
    assert response.status_code == 422
    assert "No dock in service is named “Bank Z”" in response.content.decode()
    assert not Stocktake.objects.exists()


def test_the_list_tallies_each_count_s_scans_and_its_differences_to_resolve(client):
    count = craft_count()
    lines = count.stocktake.lines
    scanned = lines.filter(scanned_at__isnull=False).count()
    to_resolve = lines.exclude(outcome=StocktakeLine.Outcome.SEEN_EXPECTED).count()
    sign_in(client)
    [row] = client.get(LIST).context["stocktakes"]
    assert (row.scanned, row.differences) == (scanned, to_resolve) and to_resolve > 1
    line = lines.filter(outcome=StocktakeLine.Outcome.NOT_SEEN).first()
    line.resolved_at, line.resolution = timezone.now(), "Found later."
    line.save()
    [row] = client.get(LIST).context["stocktakes"]
    assert row.differences == to_resolve - 1
    assert f"{to_resolve - 1} to resolve" in client.get(LIST).content.decode()


def test_the_lines_to_resolve_are_the_differences_of_a_finished_count():
    differences = {StocktakeLine.Outcome.SEEN_ELSEWHERE, StocktakeLine.Outcome.NOT_SEEN, StocktakeLine.Outcome.UNKNOWN}
    assert set(TO_RESOLVE) == differences


def test_the_list_shows_the_newest_counts_only(client):
    by = quartermaster()
    started = [services.start(place=Stocktake.Place.SPARE_SHELF, by=by) for _ in range(LISTED_COUNTS + 1)]
    for stocktake in started:
        services.finish(stocktake=stocktake, by=by)
    sign_in(client)
    shown = [s.pk for s in client.get(LIST).context["stocktakes"]]
    assert shown == [s.pk for s in reversed(started)][:LISTED_COUNTS]
