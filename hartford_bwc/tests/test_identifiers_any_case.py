"""Asset tags, serial numbers and badge numbers are one whatever their case (hartford_bwc.anycase).

The database refuses a second HPD-BWC-0001 spelled hpd-bwc-0001; the services say which record holds
it; the migration stops on old clashes naming them; and every place a scan or a typed number is looked
up (kiosk, API, vendor export, the console's addresses) finds the record in any case, through the index.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from assignments import selectors as assignment_selectors
from assignments import services as assignment_services
from conftest import requires_postgres
from hartford_bwc.errors import InvalidInput
from hartford_bwc.factories import CameraFactory, CameraModelFactory, OfficerFactory
from hartford_bwc.testing import PIN, enroll, violates
from inventory import services as inventory_services
from inventory.models import Camera
from inventory.selectors.camera_page import camera_by_tag
from kiosk import services as kiosk_services
from stocktake.vendor import VendorRow, reconcile

pytestmark = pytest.mark.django_db


# --- the database ----------------------------------------------------------------------------


def test_the_database_refuses_an_asset_tag_that_differs_only_in_case():
    CameraFactory(asset_tag="HPD-BWC-0001")
    with violates("camera_asset_tag_unique_any_case", sqlite="UNIQUE constraint failed"):
        CameraFactory(asset_tag="hpd-bwc-0001")


def test_the_database_refuses_a_serial_number_that_differs_only_in_case():
    CameraFactory(serial_number="X6A0000001")
    with violates("camera_serial_number_unique_any_case", sqlite="UNIQUE constraint failed"):
        CameraFactory(serial_number="x6a0000001")


def test_the_database_refuses_a_badge_number_that_differs_only_in_case():
    OfficerFactory(badge_number="B-12")
    with violates("officer_badge_number_unique_any_case", sqlite="UNIQUE constraint failed"):
        OfficerFactory(badge_number="b-12")


# --- the migrations stop on clashes already in the data ----------------------------------------


def _drop(index: str) -> None:
    # The test's transaction rolls this back; it stands in for a database from before the migration.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {index}")


def _migration(app: str, name: str):
    from importlib import import_module

    return import_module(f"{app}.migrations.{name}")


def test_the_camera_migration_names_the_cameras_whose_tags_clash():
    _drop("camera_asset_tag_unique_any_case")
    CameraFactory(asset_tag="HPD-BWC-0001")
    CameraFactory(asset_tag="hpd-bwc-0001")
    migration = _migration("inventory", "0010_asset_tag_and_serial_unique_any_case")
    with pytest.raises(RuntimeError) as stopped:
        migration.refuse_duplicates(apps, None)
    message = str(stopped.value)
    assert "asset tag HPD-BWC-0001" in message
    assert "'HPD-BWC-0001'" in message and "'hpd-bwc-0001'" in message
    assert "Rename all but one" in message


def test_the_officer_migration_names_the_officers_whose_badges_clash():
    _drop("officer_badge_number_unique_any_case")
    OfficerFactory(badge_number="B-12", last_name="Reyes")
    OfficerFactory(badge_number="b-12", last_name="Lopez")
    migration = _migration("assignments", "0008_badge_number_unique_any_case")
    with pytest.raises(RuntimeError, match=r"badge number B-12: Reyes has 'B-12'; Lopez has 'b-12'"):
        migration.refuse_duplicates(apps, None)


def test_the_migrations_pass_a_fleet_without_clashes():
    CameraFactory(asset_tag="HPD-BWC-0001")
    OfficerFactory(badge_number="B-12")
    _migration("inventory", "0010_asset_tag_and_serial_unique_any_case").refuse_duplicates(apps, None)
    _migration("assignments", "0008_badge_number_unique_any_case").refuse_duplicates(apps, None)


# --- the services name the record that holds the identifier -----------------------------------


def test_registering_a_serial_number_on_file_in_another_case_names_the_camera(staff_actor):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="X6A0000001")
    with pytest.raises(InvalidInput, match=r"Serial number X6A0000001 is already on file: HPD-BWC-0001\."):
        inventory_services.register_camera(
            by=staff_actor, asset_tag="HPD-BWC-0002", serial_number="x6a0000001", model=CameraModelFactory()
        )
    assert Camera.objects.count() == 1


def test_editing_a_serial_number_into_another_cameras_names_that_camera(staff_actor):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="X6A0000001")
    other = CameraFactory(asset_tag="HPD-BWC-0002", serial_number="X6A0000002")
    with pytest.raises(InvalidInput, match=r"already on file: HPD-BWC-0001"):
        inventory_services.update_cameras(changes=[(other, {"serial_number": "x6A0000001"})], by=staff_actor)
    other.refresh_from_db()
    assert other.serial_number == "X6A0000002"


def test_registering_a_tag_on_file_in_another_case_names_the_camera(staff_actor):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="X6A0000001")
    with pytest.raises(InvalidInput, match=r"Asset tag HPD-BWC-0001 already belongs to .* X6A0000001\."):
        inventory_services.register_camera(
            by=staff_actor, asset_tag="hpd-bwc-0001", serial_number="X6A0000009", model=CameraModelFactory()
        )


def test_registering_a_badge_on_file_in_another_case_names_the_officer(staff_actor):
    OfficerFactory(badge_number="B-12", first_name="Dana", last_name="Reyes")
    with pytest.raises(InvalidInput, match=r"Badge number B-12 already belongs to .*Reyes"):
        assignment_services.register_officer(by=staff_actor, badge_number="b-12", first_name="A", last_name="B")


# --- lookups find the record in any case ---------------------------------------------------------


def test_the_kiosk_finds_a_camera_whose_serial_is_scanned_in_lower_case():
    camera = CameraFactory(serial_number="X6A0000001")
    assert kiosk_services.find_camera("x6a0000001") == camera


def test_the_kiosk_finds_a_camera_whose_label_was_registered_in_lower_case():
    # Written before the forms upper-cased tags, or by an import of another era.
    camera = CameraFactory(asset_tag="hpd-bwc-0412")
    assert kiosk_services.find_camera("HPD-BWC-0412") == camera
    assert kiosk_services.find_camera("412") == camera


def test_an_officer_whose_badge_is_on_file_in_lower_case_signs_in_at_the_kiosk(system_actor):
    officer = OfficerFactory(badge_number="b-12")
    assignment_services.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    client = Client()
    enroll(client)
    response = client.post(reverse("kiosk:sign_in"), {"badge": "b-12", "pin": PIN}, follow=True)
    assert officer.display_name in response.content.decode()


def test_the_console_addresses_find_a_camera_and_an_officer_in_any_case():
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    officer = OfficerFactory(badge_number="B-12")
    assert camera_by_tag("hpd-bwc-0412") == camera
    assert assignment_selectors.officer_by_badge("b-12") == officer


def test_the_vendor_export_matches_a_serial_on_file_in_lower_case():
    CameraFactory(serial_number="x6a0000001", firmware_version="3.4.1")
    rows = [VendorRow(line=2, serial="X6A0000001", assigned_to="", firmware="3.4.1", last_docked=date.today())]
    assert all(d.kind != "unknown_here" for d in reconcile(rows))


@pytest.mark.postgres
@requires_postgres()
def test_the_kiosk_lookup_uses_the_upper_case_indexes():
    CameraFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = (
        Camera.objects.filter(asset_tag__upper__in=["HPD-BWC-0412"]).explain()
        + Camera.objects.filter(serial_number__upper="X6A0000001").explain()
    )
    assert "camera_asset_tag_unique_any_case" in plan
    assert "camera_serial_number_unique_any_case" in plan
