"""The officer list: search, filters, sorting, pagination, CSV/XLSX export and its query count."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout, Officer, PersonalIssue
from hartford_bwc.factories import CameraFactory, OfficerFactory, ShiftFactory, UnitFactory, UserFactory
from inventory.models import Camera

URL = "/assignments/officers/"


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


def _checkout(officer, camera, *, due_in=timedelta(hours=6)):
    now = timezone.now()
    camera.status = Camera.Status.CHECKED_OUT
    camera.save(update_fields=["status"])
    return Checkout.objects.create(
        camera=camera, officer=officer, checked_out_at=now - timedelta(hours=1), due_back_at=now + due_in
    )


def _personal(officer, camera):
    camera.pool = Camera.Pool.PERSONAL
    camera.save(update_fields=["pool"])
    return PersonalIssue.objects.create(officer=officer, camera=camera)


def _badges(response) -> list[str]:
    return [row.record.badge_number for row in response.context["table"].page.object_list]


@pytest.fixture
def roster(db):
    """Four officers: one holding a camera, one with a personal camera, one inactive, one in Traffic on nights."""
    day, night = ShiftFactory(name="Day"), ShiftFactory(name="Midnight", starts_at="23:00", ends_at="07:00")
    d1, traffic = UnitFactory(name="Patrol District 1"), UnitFactory(name="Traffic Division")
    holder = OfficerFactory(badge_number="2001", first_name="Ana", last_name="Baker", unit=d1, shift=day)
    owner = OfficerFactory(badge_number="2002", first_name="Ben", last_name="Cruz", unit=d1, shift=day)
    gone = OfficerFactory(badge_number="2003", first_name="Cy", last_name="Diaz", unit=d1, shift=day, is_active=False)
    night_officer = OfficerFactory(
        badge_number="2004", first_name="Dee", last_name="Evans", unit=traffic, shift=night, rank="sergeant"
    )
    out = CameraFactory(asset_tag="HPD-BWC-0101")
    _checkout(holder, out)
    _personal(owner, CameraFactory(asset_tag="HPD-BWC-0102"))
    return {"holder": holder, "owner": owner, "gone": gone, "night": night_officer, "day": day, "traffic": traffic}


def test_list_shows_each_officer_with_current_and_personal_camera(qm_client, roster):
    response = qm_client.get(URL)
    assert response.status_code == 200
    assert _badges(response) == ["2001", "2002", "2003", "2004"]
    html = response.content.decode()
    assert '<a href="/inventory/cameras/HPD-BWC-0101/">HPD-BWC-0101</a>' in html
    assert '<a href="/inventory/cameras/HPD-BWC-0102/">HPD-BWC-0102</a>' in html
    assert 'href="/assignments/officers/2004/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=baker", ["2001"]),
        ("q=2004", ["2004"]),
        ("q=dee+evans", ["2004"]),
        ("q=nobody", []),
        ("active=no", ["2003"]),
        ("active=yes", ["2001", "2002", "2004"]),
        ("holds_camera=yes", ["2001"]),
        ("holds_camera=no", ["2002", "2003", "2004"]),
        ("no_personal_camera=yes", ["2001", "2003", "2004"]),
        ("no_personal_camera=no", ["2002"]),
    ],
)
def test_search_and_filters(qm_client, roster, query, expected):
    assert _badges(qm_client.get(f"{URL}?{query}")) == expected


def test_filter_by_unit_and_shift(qm_client, roster):
    assert _badges(qm_client.get(f"{URL}?unit={roster['traffic'].pk}")) == ["2004"]
    assert _badges(qm_client.get(f"{URL}?shift={roster['day'].pk}")) == ["2001", "2002", "2003"]


def test_unknown_filter_value_is_ignored_with_a_message_not_an_error(qm_client, roster):
    response = qm_client.get(f"{URL}?unit=99999&active=maybe")
    assert response.status_code == 200
    assert _badges(response) == ["2001", "2002", "2003", "2004"]
    assert "Select a valid choice" in response.content.decode()


def test_sorting_by_badge_descending(qm_client, roster):
    assert _badges(qm_client.get(f"{URL}?sort=-badge_number")) == ["2004", "2003", "2002", "2001"]


def test_sorting_by_current_camera_column_works(qm_client, roster):
    badges = _badges(qm_client.get(f"{URL}?sort=-current_camera_tag"))
    assert sorted(badges) == ["2001", "2002", "2003", "2004"]


def test_overdue_checkout_is_highlighted_in_the_list(qm_client, db):
    officer = OfficerFactory(badge_number="3001")
    _checkout(officer, CameraFactory(asset_tag="HPD-BWC-0201"), due_in=timedelta(minutes=-5))
    assert '<span class="badge bad">Overdue</span>' in qm_client.get(URL).content.decode()


def test_pagination_offers_25_50_100_and_caps_other_sizes(qm_client, db):
    OfficerFactory.create_batch(60)
    assert len(_badges(qm_client.get(URL))) == 25
    assert len(_badges(qm_client.get(f"{URL}?per_page=50"))) == 50
    assert len(_badges(qm_client.get(f"{URL}?per_page=100000"))) == 25
    second = qm_client.get(f"{URL}?per_page=50&page=2")
    assert len(_badges(second)) == 10
    assert qm_client.get(f"{URL}?page=999").status_code == 200


def test_csv_export_has_every_filtered_row_and_no_html(qm_client, roster):
    OfficerFactory.create_batch(30, unit=roster["traffic"])
    response = qm_client.get(f"{URL}?unit={roster['traffic'].pk}&_export=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('officers.csv"')
    body = response.getvalue().decode("utf-8-sig")  # the CSV is streamed
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 31, "the export holds every filtered row, not one page"
    expected = {o.badge_number for o in Officer.objects.filter(unit=roster["traffic"])}
    assert {row["Badge"] for row in rows} == expected
    evans = next(row for row in rows if row["Badge"] == "2004")
    assert evans["Name"] == "Evans, Dee"
    assert evans["Rank"] == "Sergeant"
    assert evans["Active"] == "yes"
    assert "select" not in rows[0] and "<" not in body


def test_xlsx_export_parses_back_to_the_same_rows(qm_client, roster):
    response = qm_client.get(f"{URL}?holds_camera=yes&_export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Badge", "Name", "Rank"]
    assert len(rows) == 1
    record = dict(zip(header, rows[0], strict=True))
    assert record["Badge"] == "2001"
    assert record["Holds now"] == "HPD-BWC-0101"
    assert record["Unit"] == "Patrol District 1"


def _make_officers(n: int) -> None:
    unit, shift = UnitFactory(), ShiftFactory()
    officers = OfficerFactory.create_batch(n, unit=unit, shift=shift)
    for officer in officers[: n // 3]:
        _checkout(officer, CameraFactory())
    for officer in officers[n // 3 : n // 2]:
        _personal(officer, CameraFactory())


# Session, user, the role check, the filter form's unit and shift choices, the count, one page of
# officers, and the session's save (savepoint, update, release: SESSION_SAVE_EVERY_REQUEST).
LIST_QUERIES = 10


@pytest.mark.parametrize(("officers", "per_page"), [(12, 25), (120, 100)])
def test_list_query_count_is_constant(qm_client, django_assert_num_queries, officers, per_page):
    _make_officers(officers)
    with django_assert_num_queries(LIST_QUERIES):
        response = qm_client.get(f"{URL}?per_page={per_page}")
    assert len(_badges(response)) == min(officers, per_page)


@pytest.mark.parametrize("officers", [12, 120])
def test_export_query_count_is_constant(qm_client, django_assert_num_queries, officers):
    _make_officers(officers)
    # No page and no count, but no filter form either: session, user, role, session save, the rows (one
    # values_list query, read as the CSV streams out).
    with django_assert_num_queries(7):
        response = qm_client.get(f"{URL}?_export=csv")
        body = response.getvalue()
    assert len(body.decode("utf-8-sig").strip().splitlines()) == officers + 1


@pytest.mark.parametrize("query", ["", "?sort=-name", "?holds_camera=yes", "?sort=unit"])
def test_the_csv_is_streamed_and_is_the_file_the_table_wrote_cell_for_cell(qm_client, roster, query):
    from django.test import RequestFactory
    from django_tables2 import RequestConfig

    from assignments.filters import OfficerFilter
    from assignments.selectors import officer_list
    from assignments.tables import OfficerTable
    from hartford_bwc import spreadsheet

    _make_officers(12)
    response = qm_client.get(f"{URL}{query}{'&' if query else '?'}_export=csv")

    request = RequestFactory().get(f"{URL}{query}")
    table = OfficerTable(OfficerFilter(request.GET or None, queryset=officer_list()).qs)
    RequestConfig(request, paginate=False).configure(table)
    headers, *rows = table.as_values(exclude_columns=("select",))
    assert response.streaming, "the CSV is streamed as it is read, so memory stays flat at any roster size"
    assert response.getvalue() == spreadsheet.csv_bytes(headers, rows)
