"""The admin edits only what a person may correct: every field the services own is read-only in every
admin, a field nobody named is read-only by default, and an admin without an allow-list fails the checks."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.test import RequestFactory

from hartford_bwc.admin import AllowListModelAdmin
from hartford_bwc.checks import _ours, admins_use_allow_lists
from inventory.models import Camera

EVERY_FIELD = "__all__"
# Written out, not derived from the admins: these are the fields whose changes are rules (locks, checks,
# audit events) in the services, and the services alone may write them.
SERVICE_OWNED = {
    "inventory.Camera": {
        "status",
        "pool",
        "dock",
        "dock_bay",
        "last_docked_at",
        "last_full_charge_at",
        "battery_percent",
        "last_inspected_at",
        "last_returned_at",
        "lost_incident_number",
        "created_at",
    },
    "inventory.ChargeEvent": EVERY_FIELD,
    "inventory.MaintenanceRecord": {"camera", "kind", "performed_by", "rma_number", "opened_at", "started_at"}
    | {"closed_at", "outcome"},
    "inventory.Flag": EVERY_FIELD,
    "assignments.Checkout": EVERY_FIELD,
    "assignments.PersonalIssue": EVERY_FIELD,
    "assignments.Officer": {"is_active", "pin_set_at"},
    "kiosk.Kiosk": {"name", "created_at", "enrolled_at", "revoked_at", "revoked_reason"},
    "kiosk.BadgeLockout": EVERY_FIELD,
    "audit.AuditEvent": EVERY_FIELD,
    "imports.ImportUpload": EVERY_FIELD,
    "kiosk.KioskLockout": EVERY_FIELD,
    "kiosk.KioskAlert": EVERY_FIELD,
    "kiosk.KioskReturn": EVERY_FIELD,
    "kiosk.PreshiftSwap": EVERY_FIELD,
    "accounts.AddressLoginLockout": EVERY_FIELD,
    "inventory.FlagNote": EVERY_FIELD,
    # The delivery is changed through inventory.flags.preferences.save_choices (the admin's save_model).
    "inventory.NotificationPreference": {"user", "kind"},
    "assignments.DutyAssignment": EVERY_FIELD,
    "assignments.Certification": EVERY_FIELD,
    "assignments.OfficerFlag": EVERY_FIELD,
    "kiosk.OfficerEnrollmentCode": EVERY_FIELD,
    "stocktake.Stocktake": EVERY_FIELD,
    "stocktake.StocktakeLine": EVERY_FIELD,
    "stocktake.VendorExport": EVERY_FIELD,
    "devices.Device": {
        "status",
        "officer",
        "vehicle",
        "issued_at",
        "firmware_version",
        "battery_fitted_on",
        "last_seen_at",
        "lost_incident_number",
        "created_at",
    },
    "devices.Vehicle": {"in_service", "created_at"},
    "devices.Pairing": EVERY_FIELD,
    "devices.DeviceFlag": EVERY_FIELD,
}
# Lists a quartermaster keeps by hand; no service owns any of their fields.
REFERENCE_DATA = {
    "devices.DeviceModel",
    "inventory.CameraModel",
    "inventory.Dock",
    "inventory.Shelf",
    "assignments.Unit",
    "assignments.Shift",
}
# Models of ours with no admin page, each with the reason. Everything else is in the admin, so an
# administrator can see every record the system keeps.
NOT_IN_ADMIN = {
    "inventory.Attachment": "Files are served only through inventory.attachments (the type read from the bytes, "
    "the viewer's role checked); an admin page would link the raw storage. The maintenance record's page "
    "in the console lists them.",
    # Counts the database keeps (triggers, and the check-out services), folded by the sweep: derived rows,
    # recounted from the tables they count; the dashboard, the API lists and the reports show them.
    "inventory.KeptCount": "Kept by triggers on the cameras and check-outs (inventory/counts.py) and recounted "
    "from those tables; nothing to read or change that the dashboard does not show.",
    "assignments.CheckoutDay": "Kept by the check-out services (assignments/tallies.py); the utilization and "
    "compliance reports read them.",
    "assignments.CheckoutHour": "Kept by the check-out services (assignments/tallies.py); the utilization "
    "report reads them.",
    "assignments.CheckoutTotal": "Kept by the check-out services (assignments/tallies.py); the reports read them.",
    "assignments.CheckoutShiftDay": "Kept by the check-out service and recounted when a shift changes "
    "(assignments/shift_days.py); the coverage report reads them.",
    "assignments.CheckoutShiftDayTotal": "Kept with CheckoutShiftDay (assignments/shift_days.py); the coverage "
    "report reads them.",
}


def superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()
    request.user.is_superuser = request.user.is_staff = request.user.is_active = True
    request.user.has_perm = lambda *args, **kwargs: True
    return request


def our_admins():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if _ours(model._meta.app_config)
    ]


def editable_in_form(model_admin, obj) -> set[str]:
    """The fields the admin's change (or add) form really offers for input."""
    return set(model_admin.get_form(superuser_request(), obj).base_fields)


@pytest.mark.parametrize("label", sorted(SERVICE_OWNED))
def test_every_field_the_services_own_is_read_only_in_its_admin(label):
    registered = {model._meta.label: (model, model_admin) for model, model_admin in our_admins()}
    assert label in registered, f"{label} is not in the admin: update SERVICE_OWNED"
    model, model_admin = registered[label]
    owned = SERVICE_OWNED[label]
    if owned == EVERY_FIELD:
        owned = {field.name for field in model._meta.fields}

    assert not editable_in_form(model_admin, model()) & owned, "editable on change"
    assert not editable_in_form(model_admin, None) & owned, "editable on add"


def test_every_model_of_ours_is_in_the_admin_or_exempt_with_a_reason():
    ours = {
        model._meta.label
        for model in apps.get_models()
        if _ours(model._meta.app_config) and not model._meta.abstract and not model._meta.proxy
    }
    registered = {model._meta.label for model, _ in our_admins()}

    assert ours - registered - set(NOT_IN_ADMIN) == set(), "register these (or exempt them, saying why)"
    assert set(NOT_IN_ADMIN) <= ours - registered, "an exempt model is registered, or no longer exists"
    assert all(reason.strip() for reason in NOT_IN_ADMIN.values())


def test_every_admin_of_ours_is_classified():
    # A new admin must say which of its fields the services own (or that it is reference data).
    registered = {model._meta.label for model, _ in our_admins()}

    assert registered - set(SERVICE_OWNED) - REFERENCE_DATA == set()


def test_a_field_no_admin_named_is_read_only():
    class Forgetful(AllowListModelAdmin):
        editable_fields = ("notes",)

    model_admin = Forgetful(Camera, admin.site)

    assert editable_in_form(model_admin, Camera()) == {"notes"}
    # A new model field would be in this list: shown, not editable.
    assert "serial_number" in model_admin.get_readonly_fields(superuser_request(), Camera())


def test_an_admin_without_an_allow_list_fails_the_system_checks(monkeypatch):
    class Plain(admin.ModelAdmin):
        pass

    assert admins_use_allow_lists() == []
    monkeypatch.setitem(admin.site._registry, Camera, Plain(Camera, admin.site))

    errors = admins_use_allow_lists()

    assert [error.id for error in errors] == ["hartford_bwc.E001"]
    assert errors[0].level == checks.ERROR and "inventory.Camera" in errors[0].msg


def test_naming_a_field_the_model_lacks_fails_the_system_checks(monkeypatch):
    class Typo(AllowListModelAdmin):
        editable_fields = ("serial",)

    monkeypatch.setitem(admin.site._registry, Camera, Typo(Camera, admin.site))

    assert [error.id for error in admins_use_allow_lists()] == ["hartford_bwc.E002"]
