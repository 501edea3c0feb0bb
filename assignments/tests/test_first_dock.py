"""Checkout.first_docked_at for history written in bulk: the fill function and the migration's backfill."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from assignments.first_dock import fill_first_docked_at
from assignments.models import Checkout
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory.models import ChargeEvent

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 7, tzinfo=UTC)


def _history():
    """Camera A: returned three times; docked at the second return's very moment and after the third.
    Camera B: one return and only a dock record of camera A after it."""
    dock, officer = DockFactory(), OfficerFactory()
    a, b = CameraFactory(), CameraFactory()

    def returned(camera, day):
        out = T0 + timedelta(days=day)
        return Checkout.objects.create(
            camera=camera,
            officer=officer,
            checked_out_at=out,
            due_back_at=out + timedelta(hours=9),
            checked_in_at=out + timedelta(hours=8),
            condition="working",
        )

    first, second, third, other = returned(a, 0), returned(a, 1), returned(a, 2), returned(b, 0)
    for at, kind in (
        (second.checked_in_at, "docked"),
        (third.checked_in_at + timedelta(minutes=3), "full_charge"),
        (third.checked_in_at + timedelta(minutes=9), "docked"),
        (first.checked_in_at - timedelta(hours=1), "docked"),  # before any return: nobody's
    ):
        ChargeEvent.objects.create(camera=a, kind=kind, dock=dock, recorded_at=at)
    return first, second, third, other


def _first_docks(*checkouts):
    return [Checkout.objects.get(pk=c.pk).first_docked_at for c in checkouts]


def test_each_return_gets_the_first_dock_record_of_its_camera_at_or_after_it():
    first, second, third, other = _history()
    assert fill_first_docked_at() == 3
    assert _first_docks(first, second, third, other) == [
        second.checked_in_at,  # the next dock, even though the camera went out again before it
        second.checked_in_at,  # at the same moment counts
        third.checked_in_at + timedelta(minutes=9),  # a full charge is not a dock record
        None,  # another camera's dock
    ]
    assert fill_first_docked_at() == 0  # run again, nothing changes


def test_the_migration_backfill_agrees_with_the_fill_function():
    history = _history()
    fill_first_docked_at()
    expected = _first_docks(*history)
    Checkout.objects.update(first_docked_at=None)
    migration = importlib.import_module("assignments.migrations.0005_checkout_first_docked_at")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_SQL)
    assert _first_docks(*history) == expected
