"""The minimum charge to check out is written twice: `charged_condition()` for the database (lists,
reports, `Camera.objects.charged()`) and `Camera.is_charged` for one camera in hand (the check-out
service, the kiosk). These tests hold the two to the same answer at every boundary of the rule."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from hartford_bwc.factories import CameraFactory
from inventory.models import Camera

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
RETURNED = NOW - timedelta(hours=5)

# Telemetry on both sides of the threshold (80 % unless settings say otherwise), and none.
BATTERIES = [None, 0, 79, 80, 81, 100]
# A full charge never recorded, from before the last return (stale), at the very moment of it, after it.
FULL_CHARGES = {
    "never": None,
    "stale": RETURNED - timedelta(seconds=1),
    "at return": RETURNED,
    "after return": RETURNED + timedelta(hours=1),
}
# Never returned (new in the fleet) or returned.
RETURNS = {"never returned": None, "returned": RETURNED}


def _every_case() -> dict[int, str]:
    cases = {}
    for battery, (charge, charged_at), (returned, returned_at) in itertools.product(
        BATTERIES, FULL_CHARGES.items(), RETURNS.items()
    ):
        camera = CameraFactory(battery_percent=battery, last_full_charge_at=charged_at, last_returned_at=returned_at)
        cases[camera.pk] = f"battery {battery}, full charge {charge}, {returned}"
    return cases


def _agreement(cases: dict[int, str]) -> tuple[set[str], set[str]]:
    in_database = {cases[pk] for pk in Camera.objects.charged().filter(pk__in=cases).values_list("pk", flat=True)}
    in_python = {cases[camera.pk] for camera in Camera.objects.filter(pk__in=cases) if camera.is_charged}
    return in_database, in_python


def test_the_database_condition_and_the_property_agree_on_every_boundary():
    in_database, in_python = _agreement(_every_case())
    assert in_database == in_python


def test_the_rule_at_its_boundaries_reads_as_the_domain_says():
    cases = _every_case()
    charged, _ = _agreement(cases)
    # Telemetry is the truth where a dock reports it: 80 % is enough, 79 % is not, whatever the charge log says.
    assert "battery 80, full charge after return, returned" in charged
    assert "battery 81, full charge never, returned" in charged
    assert "battery 79, full charge after return, returned" not in charged
    # Without telemetry: a full charge since the camera last came back (at the same moment counts).
    assert "battery None, full charge at return, returned" in charged
    assert "battery None, full charge after return, returned" in charged
    assert "battery None, full charge stale, returned" not in charged
    assert "battery None, full charge never, never returned" not in charged
    assert "battery None, full charge stale, never returned" in charged, "never returned: any full charge counts"


def test_both_follow_the_threshold_in_settings(settings):
    settings.MIN_CHECKOUT_BATTERY_PERCENT = 50
    cases = {CameraFactory(battery_percent=battery).pk: f"battery {battery}" for battery in (49, 50, 51)}
    in_database, in_python = _agreement(cases)
    assert in_database == in_python == {"battery 50", "battery 51"}


def test_ready_is_charged_and_on_the_shelf():
    cases = {}
    for status, charged_at in itertools.product([Camera.Status.AVAILABLE, Camera.Status.IN_MAINTENANCE], [None, NOW]):
        camera = CameraFactory(status=status, last_full_charge_at=charged_at, battery_percent=None)
        cases[camera.pk] = (status, charged_at is not None)
    ready = {cases[pk] for pk in Camera.objects.ready().filter(pk__in=cases).values_list("pk", flat=True)}
    assert ready == {(Camera.Status.AVAILABLE, True)}
