"""Every audit action, once: the code stored in `AuditEvent.action` and the title a person reads.

The codes are the ones the trail has always stored (a code is part of each event's hash), so a
title can change here freely and a code never. `audit.services.record` refuses a code not listed
here, so a new kind of event cannot reach the trail without its title.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Model


class Action(models.TextChoices):
    # Checkouts (assignments, kiosk)
    CHECKOUT_CHECK_OUT = "checkout.check_out", "Checked out"
    CHECKOUT_CHECK_IN = "checkout.check_in", "Checked in"
    CHECKOUT_PRESHIFT_PASSED = "checkout.preshift_passed", "Pre-shift check passed"
    CHECKOUT_PRESHIFT_FAILED = "checkout.preshift_failed", "Pre-shift check failed"

    # A camera's physical life (inventory)
    CAMERA_DOCKED = "camera.docked", "Docked"
    CAMERA_UNDOCKED = "camera.undocked", "Undocked"
    CAMERA_FULL_CHARGE = "camera.full_charge", "Full charge"
    CAMERA_BATTERY = "camera.battery", "Battery reading"
    CAMERA_RETIRE = "camera.retire", "Retired"
    CAMERA_REPORT_LOST = "camera.report_lost", "Reported lost"
    CAMERA_REPORT_FOUND = "camera.report_found", "Found; sent to inspection"
    CAMERA_CREATE = "camera.create", "Camera added"
    CAMERA_EDIT = "camera.edit", "Camera details edited"
    MAINTENANCE_OPEN = "maintenance.open", "Maintenance opened"
    MAINTENANCE_ASSIGN = "maintenance.assign", "Maintenance triaged"
    MAINTENANCE_CLOSE = "maintenance.close", "Maintenance closed"
    MAINTENANCE_ATTACH = "maintenance.attach", "Photo or document attached"
    FLAG_RAISE = "flag.raise", "Flag raised"
    FLAG_RESOLVE = "flag.resolve", "Flag resolved"
    FLAG_ACKNOWLEDGE = "flag.acknowledge", "Flag acknowledged"
    FLAG_ASSIGN = "flag.assign", "Flag assigned"
    FLAG_NOTE = "flag.note", "Note added to a flag"
    FLAG_NOTIFY = "flag.notify", "Flag emailed"

    # Signal devices and vehicles (devices)
    DEVICE_CREATE = "device.create", "Device added"
    DEVICE_EDIT = "device.edit", "Device details edited"
    DEVICE_ISSUE = "device.issue", "Device issued to an officer"
    DEVICE_INSTALL = "device.install", "Device installed in a vehicle"
    DEVICE_RETURN = "device.return", "Device returned to stock"
    DEVICE_MAINTENANCE_OPEN = "device.maintenance_open", "Device sent to maintenance"
    DEVICE_MAINTENANCE_CLOSE = "device.maintenance_close", "Device back in service"
    DEVICE_REPORT_LOST = "device.report_lost", "Device reported lost"
    DEVICE_REPORT_FOUND = "device.report_found", "Device found; sent to inspection"
    DEVICE_RETIRE = "device.retire", "Device retired"
    DEVICE_BATTERY_REPLACE = "device.battery_replace", "Device battery replaced"
    DEVICE_FIRMWARE = "device.firmware", "Device firmware recorded"
    DEVICE_PAIR = "device.pair", "Device paired with a camera"
    DEVICE_UNPAIR = "device.unpair", "Device unpaired from a camera"
    VEHICLE_CREATE = "vehicle.create", "Vehicle added"
    VEHICLE_EDIT = "vehicle.edit", "Vehicle details edited"
    VEHICLE_OUT_OF_SERVICE = "vehicle.out_of_service", "Vehicle taken out of service"
    VEHICLE_IN_SERVICE = "vehicle.in_service", "Vehicle back in service"
    DEVICE_FLAG_RAISE = "device_flag.raise", "Device flag raised"
    DEVICE_FLAG_RESOLVE = "device_flag.resolve", "Device flag resolved"

    # Officers (assignments)
    PERSONAL_ISSUE_ISSUE = "personal_issue.issue", "Issued as a personal camera"
    PERSONAL_ISSUE_REVOKE = "personal_issue.revoke", "Personal issue revoked"
    OFFICER_SET_PIN = "officer.set_pin", "Kiosk PIN set"
    OFFICER_ACTIVATE = "officer.activate", "Officer activated"
    OFFICER_DEACTIVATE = "officer.deactivate", "Officer deactivated"
    OFFICER_PIN_LETTER = "officer.pin_letter", "PIN letter printed (one-time enrollment code)"
    OFFICER_PIN_LETTER_USED = "officer.pin_letter_used", "PIN chosen at the kiosk with a PIN letter's code"
    OFFICER_CREATE = "officer.create", "Officer added"
    OFFICER_EDIT = "officer.edit", "Officer details edited"
    DUTY_ASSIGN = "duty.assign", "Duty assigned"
    DUTY_EXEMPTION_GRANT = "duty.exemption_grant", "Camera exemption granted"
    DUTY_EXEMPTION_END = "duty.exemption_end", "Camera exemption ended"
    OFFICER_FLAG_RAISE = "officer_flag.raise", "Officer flag raised"
    OFFICER_FLAG_RESOLVE = "officer_flag.resolve", "Officer flag resolved"

    # The kiosk
    KIOSK_REGISTER = "kiosk.register", "Kiosk registered"
    KIOSK_ENROLLMENT_LINK = "kiosk.enrollment_link", "Kiosk enrollment link made"
    KIOSK_ENROLL = "kiosk.enroll", "Kiosk enrolled"
    KIOSK_REVOKE = "kiosk.revoke", "Kiosk revoked"
    KIOSK_SIGN_IN = "kiosk.sign_in", "Signed in at the kiosk"
    KIOSK_SIGN_IN_FAILED = "kiosk.sign_in_failed", "Kiosk sign-in failed: badge and PIN did not match"
    KIOSK_SIGN_IN_REFUSED = "kiosk.sign_in_refused", "Kiosk sign-in refused"
    KIOSK_ENROLLMENT_CODE_FAILED = (
        "kiosk.enrollment_code_failed",
        "Kiosk sign-in failed: badge and PIN letter code did not match",
    )
    KIOSK_BADGE_LOCKED = "kiosk.badge_locked", "Badge locked at the kiosk"
    KIOSK_BADGE_UNLOCKED = "kiosk.badge_unlocked", "Badge unlocked for the kiosk by staff"
    KIOSK_SIGN_IN_LOCKED = "kiosk.sign_in_locked", "Kiosk sign-in paused after repeated wrong PINs"
    KIOSK_SIGN_OUT = "kiosk.sign_out", "Signed out of the kiosk"
    KIOSK_RETURN_ENTRY = "kiosk.return_entry", "Return entered at the kiosk"
    KIOSK_PRESHIFT_SWAP = "kiosk.preshift_swap", "Camera swapped after a failed pre-shift check"
    KIOSK_ALERT_RAISE = "kiosk_alert.raise", "Kiosk alert raised"
    KIOSK_ALERT_OFFICER_TOLD = "kiosk_alert.officer_told", "Kiosk alert shown to the officer"
    KIOSK_ALERT_ACKNOWLEDGE = "kiosk_alert.acknowledge", "Kiosk alert acknowledged"

    # Imports
    IMPORT_UPLOAD = "import.upload", "Import file uploaded"
    IMPORT_APPLY_REQUESTED = "import.apply_requested", "Import requested"
    IMPORT_APPLY_FAILED = "import.apply_failed", "Import failed"
    IMPORT_APPLY = "import.apply", "Import applied"
    CAMERA_IMPORT_CREATE = "camera.import_create", "Created by an import"
    CAMERA_IMPORT_UPDATE = "camera.import_update", "Updated by an import"
    OFFICER_IMPORT_CREATE = "officer.import_create", "Created by an import"
    OFFICER_IMPORT_UPDATE = "officer.import_update", "Updated by an import"
    CERTIFICATION_IMPORT_CREATE = "certification.import_create", "BWC certification recorded by an import"
    CERTIFICATION_IMPORT_UPDATE = "certification.import_update", "BWC certification updated by an import"
    DEVICE_IMPORT_CREATE = "device.import_create", "Device added by an import"
    DEVICE_IMPORT_UPDATE = "device.import_update", "Device updated by an import"
    VEHICLE_IMPORT_CREATE = "vehicle.import_create", "Vehicle added by an import"
    VEHICLE_IMPORT_UPDATE = "vehicle.import_update", "Vehicle updated by an import"

    # Staff accounts (accounts, and audit.signals for changes made anywhere)
    USER_CREATE = "user.create", "Staff user created"
    USER_CHANGE = "user.change", "Staff user changed"
    USER_DELETE = "user.delete", "Staff user deleted"
    USER_GROUPS_CHANGE = "user.groups_change", "Staff user's roles changed"
    USER_PERMISSIONS_CHANGE = "user.permissions_change", "Staff user's permissions changed"
    USER_TOKEN_CREATE = "user.token_create", "API token created"
    USER_TOKEN_DELETE = "user.token_delete", "API token deleted"
    USER_NOTIFICATIONS_CHANGE = "user.notifications_change", "Staff user's email notification choices changed"
    GROUP_CREATE = "group.create", "Role created"
    GROUP_CHANGE = "group.change", "Role changed"
    GROUP_DELETE = "group.delete", "Role deleted"
    GROUP_MEMBERS_CHANGE = "group.members_change", "Role's members changed"
    GROUP_PERMISSIONS_CHANGE = "group.permissions_change", "Role's permissions changed"
    PERMISSION_USERS_CHANGE = "permission.users_change", "Permission's staff users changed"
    PERMISSION_GROUPS_CHANGE = "permission.groups_change", "Permission's roles changed"
    STAFF_LOGIN_ADDRESS_LOCKED = "staff_login.address_locked", "Staff sign-in locked for an address"
    STAFF_PASSWORD_CHECK_FAILED = "staff_password.check_failed", "Wrong current password on a password change"

    # Settings-like records, however they are saved (audit.signals)
    KIOSK_CREATE = "kiosk.create", "Kiosk created"
    KIOSK_CHANGE = "kiosk.change", "Kiosk changed"
    KIOSK_DELETE = "kiosk.delete", "Kiosk deleted"
    CAMERAMODEL_CREATE = "cameramodel.create", "Camera model created"
    CAMERAMODEL_CHANGE = "cameramodel.change", "Camera model changed"
    CAMERAMODEL_DELETE = "cameramodel.delete", "Camera model deleted"
    DOCK_CREATE = "dock.create", "Dock created"
    DOCK_CHANGE = "dock.change", "Dock changed"
    DOCK_DELETE = "dock.delete", "Dock deleted"
    UNIT_CREATE = "unit.create", "Unit created"
    UNIT_CHANGE = "unit.change", "Unit changed"
    UNIT_DELETE = "unit.delete", "Unit deleted"
    SHIFT_CREATE = "shift.create", "Shift created"
    SHIFT_CHANGE = "shift.change", "Shift changed"
    SHIFT_DELETE = "shift.delete", "Shift deleted"

    # Edits in the admin (audit.admin.AuditedModelAdmin -> audit.services.save_edit)
    CAMERA_ADMIN_CREATE = "camera.admin_create", "Camera added in the admin"
    CAMERA_ADMIN_EDIT = "camera.admin_edit", "Camera edited in the admin"
    CAMERAMODEL_ADMIN_CREATE = "cameramodel.admin_create", "Camera model added in the admin"
    CAMERAMODEL_ADMIN_EDIT = "cameramodel.admin_edit", "Camera model edited in the admin"
    DOCK_ADMIN_CREATE = "dock.admin_create", "Dock added in the admin"
    DOCK_ADMIN_EDIT = "dock.admin_edit", "Dock edited in the admin"
    CHARGEEVENT_ADMIN_CREATE = "chargeevent.admin_create", "Charge event added in the admin"
    CHARGEEVENT_ADMIN_EDIT = "chargeevent.admin_edit", "Charge event edited in the admin"
    MAINTENANCERECORD_ADMIN_CREATE = "maintenancerecord.admin_create", "Maintenance record added in the admin"
    MAINTENANCERECORD_ADMIN_EDIT = "maintenancerecord.admin_edit", "Maintenance record edited in the admin"
    FLAG_ADMIN_CREATE = "flag.admin_create", "Flag added in the admin"
    FLAG_ADMIN_EDIT = "flag.admin_edit", "Flag edited in the admin"
    OFFICER_ADMIN_CREATE = "officer.admin_create", "Officer added in the admin"
    OFFICER_ADMIN_EDIT = "officer.admin_edit", "Officer edited in the admin"
    UNIT_ADMIN_CREATE = "unit.admin_create", "Unit added in the admin"
    UNIT_ADMIN_EDIT = "unit.admin_edit", "Unit edited in the admin"
    SHIFT_ADMIN_CREATE = "shift.admin_create", "Shift added in the admin"
    SHIFT_ADMIN_EDIT = "shift.admin_edit", "Shift edited in the admin"
    PERSONALISSUE_ADMIN_CREATE = "personalissue.admin_create", "Personal issue added in the admin"
    PERSONALISSUE_ADMIN_EDIT = "personalissue.admin_edit", "Personal issue edited in the admin"
    CHECKOUT_ADMIN_CREATE = "checkout.admin_create", "Checkout added in the admin"
    CHECKOUT_ADMIN_EDIT = "checkout.admin_edit", "Checkout edited in the admin"
    KIOSK_ADMIN_CREATE = "kiosk.admin_create", "Kiosk added in the admin"
    KIOSK_ADMIN_EDIT = "kiosk.admin_edit", "Kiosk edited in the admin"
    BADGELOCKOUT_ADMIN_CREATE = "badgelockout.admin_create", "Badge lock-out added in the admin"
    BADGELOCKOUT_ADMIN_EDIT = "badgelockout.admin_edit", "Badge lock-out edited in the admin"
    DEVICE_ADMIN_CREATE = "device.admin_create", "Device added in the admin"
    DEVICE_ADMIN_EDIT = "device.admin_edit", "Device edited in the admin"
    DEVICEMODEL_ADMIN_CREATE = "devicemodel.admin_create", "Device model added in the admin"
    DEVICEMODEL_ADMIN_EDIT = "devicemodel.admin_edit", "Device model edited in the admin"
    VEHICLE_ADMIN_CREATE = "vehicle.admin_create", "Vehicle added in the admin"
    VEHICLE_ADMIN_EDIT = "vehicle.admin_edit", "Vehicle edited in the admin"

    # Stocktake
    STOCKTAKE_START = "stocktake.start", "Stocktake started"
    STOCKTAKE_SCAN = "stocktake.scan", "Scanned in a stocktake"
    STOCKTAKE_FINISH = "stocktake.finish", "Stocktake finished"
    STOCKTAKE_FIX = "stocktake.fix", "Stocktake difference resolved"
    STOCKTAKE_VENDOR_UPLOAD = "stocktake.vendor_upload", "Vendor device export uploaded"
    STOCKTAKE_VENDOR_FIX = "stocktake.vendor_fix", "Vendor disagreement resolved"
    CAMERA_SHELVED = "camera.shelved", "Put on a shelf"
    SHELF_CREATE = "shelf.create", "Shelf added"
    SHELF_EDIT = "shelf.edit", "Shelf edited"
    SHELF_ADMIN_CREATE = "shelf.admin_create", "Shelf added in the admin"
    SHELF_ADMIN_EDIT = "shelf.admin_edit", "Shelf edited in the admin"

    # Demo data
    DEMO_SEED = "demo.seed", "Demo fleet seeded"

    @classmethod
    def from_code(cls, code: str) -> Action:
        """The action stored as `code`; a ValueError that says what to do when there is none."""
        try:
            return cls(code)
        except ValueError:
            raise ValueError(
                f"{code!r} is not an audit action: add it to audit.actions.Action with its title."
            ) from None

    @classmethod
    def of(cls, model: type[Model] | Model, verb: str) -> Action:
        """`<model name>.<verb>`, for code that audits any of several models (audit.signals, admin edits)."""
        return cls.from_code(f"{model._meta.model_name}.{verb}")


# The subject of an action (the code's first part) as the audit log's choice list groups it.
_SUBJECTS = {
    "cameramodel": "Camera model",
    "devicemodel": "Device model",
    "device_flag": "Device flag",
    "chargeevent": "Charge event",
    "maintenancerecord": "Maintenance record",
    "personal_issue": "Personal issue",
    "personalissue": "Personal issue",
    "kiosk_alert": "Kiosk alert",
    "officer_flag": "Officer flag",
    "duty": "Duty",
    "certification": "BWC certification",
    "badgelockout": "Badge lock-out",
    "user": "Staff user",
    "group": "Role",
    "staff_login": "Staff sign-in",
    "staff_password": "Staff password",
}


def title(code: str) -> str:
    """How a stored action reads: its title, or, for a code no longer written, the code made readable."""
    try:
        return Action(code).label
    except ValueError:
        return code.replace("_", " ").replace(".", ": ").capitalize()


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Action choices grouped by subject, each group and its titles in alphabetical order (a long select)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in Action:
        subject = action.value.partition(".")[0]
        groups.setdefault(_SUBJECTS.get(subject, subject.capitalize()), []).append((action.value, action.label))
    return [(name, sorted(groups[name], key=lambda choice: choice[1])) for name in sorted(groups)]
