"""The camera list: filters, search, sorting, page sizes, export and the bulk actions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, CameraModelFactory, OfficerFactory, UnitFactory
from hartford_bwc.testing import page_tags, sign_in
from inventory.models import Camera, CameraModel, Flag, MaintenanceRecord
from inventory.selectors.cameras import camera_list

URL = "/inventory/cameras/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def check_out(camera, officer):
    return assignment_services.check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))


def test_list_shows_every_camera_with_its_holder_charge_and_open_flags(qm):
    officer = OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")
    out = CameraFactory(asset_tag="HPD-BWC-0001")
    check_out(out, officer)
    uncharged = CameraFactory(asset_tag="HPD-BWC-0002", last_full_charge_at=None)
    Flag.objects.create(camera=uncharged, kind=Flag.Kind.CHARGING_OVERDUE)

    response = qm.get(URL)

    assert response.status_code == 200
    assert page_tags(response) == ["HPD-BWC-0001", "HPD-BWC-0002"]
    html = response.content.decode()
    assert "Whitfield" in html and "#4411" in html
    assert "Needs charge" in html and "In use" in html
    assert "Charging overdue" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=checked_out", ["HPD-BWC-0001"]),
        ("status=in_maintenance", ["HPD-BWC-0003"]),
        ("pool=personal", ["HPD-BWC-0002"]),
        ("firmware=3.1.7", ["HPD-BWC-0003"]),
        ("batch=2019+rollout", ["HPD-BWC-0002", "HPD-BWC-0003"]),
        ("flag=inspection_due", ["HPD-BWC-0002"]),
        ("flag=firmware_below_minimum", []),
        ("status=available&pool=personal", ["HPD-BWC-0002"]),
    ],
)
def test_filters_narrow_the_list(qm, query, expected):
    check_out(CameraFactory(asset_tag="HPD-BWC-0001"), OfficerFactory())
    personal = CameraFactory(asset_tag="HPD-BWC-0002", pool=Camera.Pool.PERSONAL, purchase_batch="2019 rollout")
    CameraFactory(
        asset_tag="HPD-BWC-0003",
        status=Camera.Status.IN_MAINTENANCE,
        firmware_version="3.1.7",
        purchase_batch="2019 rollout",
    )
    Flag.objects.create(camera=personal, kind=Flag.Kind.INSPECTION_DUE)
    Flag.objects.create(
        camera=personal,
        kind=Flag.Kind.FIRMWARE_BELOW_MINIMUM,
        raised_at=timezone.now() - timedelta(days=2),
        resolved_at=timezone.now() - timedelta(days=1),
    )

    assert page_tags(qm.get(f"{URL}?{query}")) == expected


def test_model_and_holder_unit_filters(qm):
    body4 = CameraModelFactory(name="Body 4")
    body3 = CameraModelFactory(name="Body 3")
    traffic = UnitFactory(name="Traffic")
    patrol = UnitFactory(name="Patrol District 2")
    a = CameraFactory(asset_tag="HPD-BWC-0001", model=body3)
    b = CameraFactory(asset_tag="HPD-BWC-0002", model=body4)
    CameraFactory(asset_tag="HPD-BWC-0003", model=body4)
    check_out(a, OfficerFactory(unit=traffic))
    check_out(b, OfficerFactory(unit=patrol))

    assert page_tags(qm.get(f"{URL}?model={body4.pk}")) == ["HPD-BWC-0002", "HPD-BWC-0003"]
    assert page_tags(qm.get(f"{URL}?unit={traffic.pk}")) == ["HPD-BWC-0001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bwc-0002", ["HPD-BWC-0002"]),
        ("SN-TARGET", ["HPD-BWC-0003"]),
        ("whitfield", ["HPD-BWC-0001"]),
        ("Dana Whitfield", ["HPD-BWC-0001"]),
        ("4411", ["HPD-BWC-0001"]),
        ("nothing-like-this", []),
    ],
)
def test_search_covers_tag_serial_and_current_holders_name_and_badge(qm, text, expected):
    holder = OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")
    check_out(CameraFactory(asset_tag="HPD-BWC-0001"), holder)
    CameraFactory(asset_tag="HPD-BWC-0002")
    CameraFactory(asset_tag="HPD-BWC-0003", serial_number="SN-TARGET-1")

    assert page_tags(qm.get(URL, {"q": text})) == expected


def test_search_ignores_past_holders(qm):
    camera = CameraFactory(asset_tag="HPD-BWC-0001")
    officer = OfficerFactory(last_name="Formerholder")
    check_out(camera, officer)
    assignment_services.check_in(camera=camera, by=Actor.system_process("tests"))

    assert page_tags(qm.get(URL, {"q": "Formerholder"})) == []


def test_bad_filter_values_show_the_error_instead_of_crashing(qm):
    CameraFactory()
    response = qm.get(URL, {"status": "exploded", "per_page": "lots", "page": "zzz", "sort": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "column", ["asset_tag", "serial_number", "model", "status", "pool", "holder", "holder_unit", "charge", "location"]
)
def test_every_column_sorts_both_ways(qm, column):
    units = [UnitFactory(name="Alpha unit"), UnitFactory(name="Zulu unit")]
    for n in range(4):
        camera = CameraFactory(asset_tag=f"HPD-BWC-{n + 1:04d}", last_full_charge_at=None if n % 2 else timezone.now())
        if n < 2:
            check_out_camera = camera
            check_out_camera.last_full_charge_at = timezone.now()
            check_out_camera.save()
            check_out(check_out_camera, OfficerFactory(last_name=f"Holder{n}", unit=units[n]))

    up = page_tags(qm.get(URL, {"sort": column}))
    down = page_tags(qm.get(URL, {"sort": f"-{column}"}))

    assert sorted(up) == sorted(down) == [f"HPD-BWC-{n:04d}" for n in range(1, 5)]
    html = qm.get(URL, {"sort": column}).content.decode()
    assert 'aria-sort="ascending"' in html


def test_sorting_by_holder_puts_names_in_order(qm):
    for n, name in enumerate(["Young", "Adams", "Moreno"]):
        check_out(CameraFactory(asset_tag=f"HPD-BWC-{n + 1:04d}"), OfficerFactory(last_name=name))
    assert page_tags(qm.get(URL, {"sort": "holder"})) == ["HPD-BWC-0002", "HPD-BWC-0003", "HPD-BWC-0001"]


def test_sorting_by_open_flags_counts_them(qm):
    few, many, none = (CameraFactory(asset_tag=f"HPD-BWC-000{n}") for n in (1, 2, 3))
    Flag.objects.create(camera=few, kind=Flag.Kind.REFRESH_DUE)
    Flag.objects.create(camera=many, kind=Flag.Kind.REFRESH_DUE)
    Flag.objects.create(camera=many, kind=Flag.Kind.INSPECTION_DUE)
    assert none.pk
    assert page_tags(qm.get(URL, {"sort": "-flags"}))[:2] == ["HPD-BWC-0002", "HPD-BWC-0001"]


@pytest.mark.parametrize(("asked", "shown"), [("25", 25), ("50", 50), ("100", 100), ("7", 25), ("100000", 25)])
def test_page_size_is_25_50_or_100(qm, asked, shown):
    CameraFactory.create_batch(110)
    response = qm.get(URL, {"per_page": asked})
    assert len(page_tags(response)) == shown
    assert response.context["table"].paginator.count == 110


def export_rows(response) -> list[dict]:
    if response["Content-Type"].startswith("text/csv"):
        # The CSV is streamed (getvalue() reads a streamed body as a whole one).
        return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header, *rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, map(str, row), strict=True)) for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_holds_exactly_the_filtered_rows_with_the_tables_values(qm, fmt):
    holder = OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")
    check_out(CameraFactory(asset_tag="HPD-BWC-0001"), holder)
    flagged = CameraFactory(asset_tag="HPD-BWC-0002", last_full_charge_at=None)
    Flag.objects.create(camera=flagged, kind=Flag.Kind.CHARGING_OVERDUE)
    CameraFactory(asset_tag="HPD-BWC-0003", status=Camera.Status.RETIRED)
    CameraFactory.create_batch(30)  # more than one page: the export is not paginated

    query = {"status": "available", "sort": "-asset_tag"}
    page = qm.get(URL, query)
    response = qm.get(URL, {**query, "_export": fmt})

    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    rows = export_rows(response)
    assert [row["Asset tag"] for row in rows] == [
        c.asset_tag for c in Camera.objects.filter(status="available").order_by("-asset_tag")
    ]
    assert page_tags(page) == [row["Asset tag"] for row in rows][:25]
    by_tag = {row["Asset tag"]: row for row in rows}
    assert by_tag["HPD-BWC-0002"]["Charge"] == "Needs charge"
    assert by_tag["HPD-BWC-0002"]["Open flags"] == "Charging overdue"
    assert by_tag["HPD-BWC-0002"]["Status"] == "Available"
    assert "Select" not in rows[0]

    out_rows = export_rows(qm.get(URL, {"status": "checked_out", "_export": fmt}))
    assert out_rows == [
        {
            **out_rows[0],
            "Asset tag": "HPD-BWC-0001",
            "Holder": "Ofc. Dana Whitfield (badge 4411)",
            "Status": "Checked out",
            "Charge": "In use",
        }
    ]


def test_unknown_export_format_renders_the_page(qm):
    CameraFactory()
    response = qm.get(URL, {"_export": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def list_queries(client, django_assert_num_queries, n_queries, **params):
    with django_assert_num_queries(n_queries):
        response = client.get(URL, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("fleet", [30, 120])
@pytest.mark.parametrize("per_page", [25, 100])
def test_list_query_count_is_constant_whatever_the_fleet_and_page_size(qm, django_assert_num_queries, fleet, per_page):
    cameras = CameraFactory.create_batch(fleet)
    # Every camera held and flagged, so that every page reads its holders and its flags.
    for camera in cameras:
        check_out(camera, OfficerFactory())
        Flag.objects.create(camera=camera, kind=Flag.Kind.REFRESH_DUE)
    # session, user, roles, firmware and batch choices, count, model and unit choices, rows, the
    # page's holders, its flags, and the session save (savepoint, update, release).
    response = list_queries(qm, django_assert_num_queries, 14, per_page=per_page, sort="-holder")
    assert len(page_tags(response)) == min(per_page, fleet)


@pytest.fixture
def streamed_reads(monkeypatch) -> list[str]:
    """The queries read through a streaming (on PostgreSQL, server-side) cursor: QuerySet.iterator()."""
    reads: list[str] = []
    backend = type(connections[DEFAULT_DB_ALIAS])
    opened = backend.chunked_cursor

    def chunked_cursor(self):
        reads.append(self.alias)
        return opened(self)

    monkeypatch.setattr(backend, "chunked_cursor", chunked_cursor)
    return reads


def held_and_flagged_fleet():
    cameras = CameraFactory.create_batch(4)
    check_out(cameras[0], OfficerFactory())
    Flag.objects.create(camera=cameras[1], kind=Flag.Kind.REFRESH_DUE)


def test_a_page_fetches_its_holders_and_flags_at_once_not_through_a_streaming_cursor(qm, streamed_reads):
    # A server-side cursor outside a transaction is WITH HOLD on PostgreSQL: three round trips and the
    # result materialized at the commit, for a page's 25 rows.
    held_and_flagged_fleet()
    response = qm.get(URL, {"sort": "-flags"})
    assert response.status_code == 200
    assert "Refresh due" in response.content.decode()
    assert streamed_reads == []


def test_the_whole_list_export_streams_its_rows_holders_and_flags(qm, streamed_reads):
    held_and_flagged_fleet()
    response = qm.get(URL, {"_export": "csv"})
    b"".join(response.streaming_content)
    assert len(streamed_reads) == 3


def test_send_to_inspection_with_a_nul_in_a_tag_says_which_tag_is_unknown_instead_of_crashing(qm):
    # The control-character middleware strips the NUL before the view (PostgreSQL would refuse it).
    response = qm.post(f"{URL}bulk/send-to-inspection/", {"camera": ["HPD\x00BWC"], "step": "confirm"})
    assert response.status_code == 409
    assert response.context["refusals"] == [("HPDBWC", "No camera has asset tag HPDBWC.")]
    assert not MaintenanceRecord.objects.exists()


def test_bulk_actions_never_redirect_off_site(qm):
    camera = CameraFactory()
    response = qm.post(f"{URL}bulk/check-in/", {"camera": camera.asset_tag, "next": "https://evil.example/"})
    assert response.context["next"] == URL
    response = qm.post(f"{URL}bulk/check-in/", {"next": "https://evil.example/"})
    assert response.url == URL


def test_bulk_bar_posts_the_ticked_tags_to_the_label_sheet(qm):
    CameraFactory(asset_tag="HPD-BWC-0001")
    html = qm.get(URL).content.decode()
    assert 'formaction="/inventory/labels/"' in html
    assert 'name="camera" value="HPD-BWC-0001" form="bulk-form"' in html


def test_bulk_bar_offers_select_all_and_each_bulk_action(qm):
    CameraFactory(asset_tag="HPD-BWC-0001")
    html = qm.get(URL).content.decode()
    assert 'data-select-all="camera" aria-label="Select all cameras on this page" hidden' in html
    for slug in ("check-in", "move-to-dock", "send-to-inspection", "retire"):
        assert f'formaction="/inventory/cameras/bulk/{slug}/"' in html
    assert "formtarget" not in html  # no empty tab: with nothing ticked the list says so
    assert "js/bulk_select.js" in html


def test_supervisor_sees_the_list_without_the_bulk_action_buttons(client):
    sign_in(client, roles.SUPERVISOR)
    CameraFactory()
    html = client.get(URL).content.decode()
    assert "Print labels" in html
    assert "/inventory/cameras/bulk/" not in html
    assert "Send to inspection" not in html


def test_list_lands_on_overdue_returns(qm):
    late = CameraFactory(asset_tag="HPD-BWC-0001")
    on_time = CameraFactory(asset_tag="HPD-BWC-0002")
    check_out(late, OfficerFactory())
    check_out(on_time, OfficerFactory())
    Checkout.objects.filter(camera=late).update(
        checked_out_at=timezone.now() - timedelta(hours=20), due_back_at=timezone.now() - timedelta(hours=2)
    )
    assert page_tags(qm.get(URL, {"state": "overdue"})) == ["HPD-BWC-0001"]
    assert CameraModel.objects.count() == 1


def test_secondary_facts_sit_under_the_main_cells_and_every_column_is_still_exported(qm):
    officer = OfficerFactory(last_name="Whitfield", badge_number="4411", unit=UnitFactory(name="Traffic"))
    camera = CameraFactory(
        asset_tag="HPD-BWC-0001", serial_number="X6A9999", firmware_version="3.4.1", purchase_batch="2019 rollout"
    )
    check_out(camera, officer)

    response = qm.get(URL)
    html = response.content.decode()
    shown = [column.name for column in response.context["table"].columns]
    assert shown == [
        "select",
        "asset_tag",
        "model",
        "status",
        "holder",
        "charge",
        "location",
        "last_inspected_at",
        "flags",
    ]
    assert '<span class="sub">X6A9999</span>' in html
    assert "fw 3.4.1 · 2019 rollout" in html
    assert "#4411 · Traffic" in html
    # The folded columns still sort, from small links in their main column's header.
    assert "sort=firmware_version" in html and "sort=holder_unit" in html

    (row,) = export_rows(qm.get(URL, {"_export": "csv"}))
    assert (row["Serial"], row["Firmware"], row["Batch"], row["Holder's unit"]) == (
        "X6A9999",
        "3.4.1",
        "2019 rollout",
        "Traffic",
    )
    assert list(row) == [
        "Asset tag", "Serial", "Model", "Status", "Pool", "Holder", "Holder's unit", "Charge", "Dock",
        "Firmware", "Batch", "Inspected", "Open flags",
    ]  # fmt: skip


def test_a_second_page_view_reads_neither_the_filter_choices_nor_writes_the_session(
    qm, settings, django_assert_num_queries
):
    settings.FILTER_CHOICES_CACHE_SECONDS = 60
    CameraFactory.create_batch(5, firmware_version="3.4.1", purchase_batch="2019-A")
    qm.get(URL)
    # Session, user, roles, count, rows: the menus (firmware versions, batches, camera models, units)
    # come from the cache, the session was refreshed less than a minute ago, and with no camera held
    # or flagged on the page no holder or flag is read.
    response = list_queries(qm, django_assert_num_queries, 5)
    form = response.context["filter"].form
    assert ("3.4.1", "3.4.1") in form.fields["firmware"].choices
    assert ("2019-A", "2019-A") in form.fields["batch"].choices


def test_a_unit_or_camera_model_added_renamed_or_removed_shows_in_its_menu_at_once(qm, settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 60  # the menus are cached: a change must reach them anyway
    traffic = UnitFactory(name="Traffic")
    body3 = CameraModelFactory(maker="Axon", name="Body 3")
    html = qm.get(URL).content.decode()
    assert f'<option value="{traffic.pk}">Traffic</option>' in html
    assert f'<option value="{body3.pk}">Axon Body 3</option>' in html

    harbour = UnitFactory(name="Harbour")
    traffic.name = "Traffic Division"
    traffic.save()
    body4 = CameraModelFactory(maker="Axon", name="Body 4")
    body3.delete()
    html = qm.get(URL).content.decode()

    assert f'<option value="{harbour.pk}">Harbour</option>' in html
    assert f'<option value="{traffic.pk}">Traffic Division</option>' in html
    assert f'<option value="{body4.pk}">Axon Body 4</option>' in html
    assert "Body 3" not in html


def test_a_camera_model_chosen_from_a_menu_shown_before_it_was_removed_is_refused(qm, settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 60
    body3 = CameraModelFactory(name="Body 3")
    CameraFactory(model=CameraModelFactory(name="Body 4"))
    qm.get(URL)  # the menu, with Body 3, is cached
    gone = body3.pk
    body3.delete()

    response = qm.get(URL, {"model": gone})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert page_tags(response) == []


def test_the_lists_charge_follows_the_minimum_charge_setting(qm, settings):
    # camera_list() is built once per process: the threshold it reads must still take effect.
    CameraFactory(asset_tag="HPD-BWC-0001", battery_percent=70)
    settings.MIN_CHECKOUT_BATTERY_PERCENT = 60
    assert 'class="badge ok">70 %' in qm.get(URL).content.decode()
    assert camera_list().filter(is_charged_now=True).count() == 1
    settings.MIN_CHECKOUT_BATTERY_PERCENT = 80
    assert 'class="badge warn">70 %' in qm.get(URL).content.decode()
    assert camera_list().filter(is_charged_now=True).count() == 0


def test_the_heading_counts_the_whole_fleet_or_the_filtered_cameras(qm):
    cameras = CameraFactory.create_batch(3)
    check_out(cameras[0], OfficerFactory())
    assert '<span class="count">3</span>' in qm.get(URL).content.decode()
    assert '<span class="count">1</span>' in qm.get(URL, {"status": "checked_out"}).content.decode()
    assert '<span class="count">3</span>' in qm.get(URL, {"sort": "-holder", "per_page": 50}).content.decode()
    Camera.objects.filter(pk=cameras[1].pk).delete()
    assert '<span class="count">2</span>' in qm.get(URL).content.decode()
