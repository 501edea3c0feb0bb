"""The shelves page: a quartermaster adds and retires named shelves; a count can then be of one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from audit.actions import Action
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory import shelves
from inventory.models import Shelf

from ..models import Stocktake
from .count import quartermaster

pytestmark = pytest.mark.django_db
SHELVES = reverse("stocktake:shelves")


def test_a_quartermaster_adds_a_shelf_and_counts_it(client):
    sign_in(client)
    response = client.post(SHELVES, {"name": " Cabinet 1 ", "location": "HQ equipment room"}, follow=True)
    assert messages_of(response) == ["Shelf Cabinet 1 added: it can be counted now."]
    shelf = Shelf.objects.get()
    assert (shelf.name, shelf.location, shelf.is_active) == ("Cabinet 1", "HQ equipment room", True)
    assert AuditEvent.objects.filter(action=Action.SHELF_CREATE).count() == 1
    start = client.post(reverse("stocktake:list"), {"place": Stocktake.Place.SHELF, "shelf": shelf.pk})
    stocktake = Stocktake.objects.get()
    assert start["Location"] == stocktake.get_absolute_url() and stocktake.shelf == shelf


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("cabinet 1", "There is already a shelf named cabinet 1; choose another name."),
        ("Cab\x1binet", "A shelf&#x27;s name holds no control characters."),
        ("x" * 61, "A shelf&#x27;s name is at most 60 characters."),
    ],
)
def test_a_bad_or_taken_name_is_refused_on_the_form(client, name, message):
    shelves.add_shelf(name="Cabinet 1", by=quartermaster())
    sign_in(client)
    response = client.post(SHELVES, {"name": name})
    assert response.status_code == 422 and message in response.content.decode()
    assert Shelf.objects.count() == 1


def test_a_shelf_with_cameras_cannot_be_retired_an_empty_one_can(client):
    by = quartermaster()
    full, empty = shelves.add_shelf(name="Cabinet 1", by=by), shelves.add_shelf(name="Cabinet 2", by=by)
    shelves.shelve(camera=CameraFactory(), shelf=full, by=by)
    sign_in(client)
    refused = client.post(reverse("stocktake:shelf_active", args=[full.pk]), {"active": "no"}, follow=True)
    assert messages_of(refused) == ["Cameras are recorded on shelf Cabinet 1: count it and move them first."]
    done = client.post(reverse("stocktake:shelf_active", args=[empty.pk]), {"active": "no"}, follow=True)
    assert messages_of(done) == ["Shelf Cabinet 2 retired."]
    again = client.post(reverse("stocktake:shelf_active", args=[empty.pk]), {"active": "no"}, follow=True)
    assert messages_of(again) == ["Shelf Cabinet 2 is already retired."]
    start = client.post(reverse("stocktake:list"), {"place": Stocktake.Place.SHELF, "shelf": empty.pk})
    assert start.status_code == 422  # a retired shelf is not offered


def test_a_supervisor_reads_the_shelves_but_cannot_change_them(client):
    shelf = shelves.add_shelf(name="Cabinet 1", by=quartermaster())
    sign_in(client, roles.SUPERVISOR)
    page = client.get(SHELVES).content.decode()
    assert "Cabinet 1" in page and "Add a shelf" not in page and "Retire" not in page
    assert client.post(SHELVES, {"name": "Cabinet 9"}).status_code == 403
    assert client.post(reverse("stocktake:shelf_active", args=[shelf.pk]), {"active": "no"}).status_code == 403
    assert Shelf.objects.get().is_active


# Session and user (2), the user's roles (1), the shelves with their camera counts (1).
@pytest.mark.parametrize("count", [1, 15])
def test_the_shelves_page_runs_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    by = quartermaster()
    for i in range(count):
        shelves.shelve(camera=CameraFactory(), shelf=shelves.add_shelf(name=f"Cabinet {i}", by=by), by=by)
    sign_in(client)
    client.get(SHELVES)
    with django_assert_num_queries(4):
        response = client.get(SHELVES)
    assert f"Shelves: {count}" in response.content.decode()
