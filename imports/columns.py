"""The columns of each import: the template, the header check and the help on the imports page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    noun: str = ""


CAMERA_COLUMNS = (
    Column("asset_tag", True, "The label on the camera, e.g. HPD-BWC-0476.", noun="camera"),
    Column("serial_number", True, "The manufacturer's serial number; a camera already on file is updated."),
    Column("maker", True, "Camera maker, e.g. Axon; with model it must name a known camera model."),
    Column("model", True, "Camera model, e.g. Body 4."),
    Column("firmware_version", False, "e.g. 4.1.0."),
    Column("purchase_batch", False, "e.g. 2026 expansion."),
    Column("purchased_on", False, "Date as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column(
        "pool",
        False,
        "personal or spare, checked and never changed: a new camera joins the spare pool, and a camera becomes "
        "personal when it is issued to an officer on the officer's page.",
    ),
    Column("supplier", False, "Who sold the camera, e.g. Axon Enterprise."),
    Column("purchase_price", False, "In dollars, e.g. 749.00."),
    Column("warranty_ends_on", False, "The warranty's last day, as YYYY-MM-DD (or MM/DD/YYYY)."),
)

OFFICER_COLUMNS = (
    Column("badge_number", True, "The badge number; an officer already on file is updated.", noun="officer"),
    Column("first_name", True, ""),
    Column("last_name", True, ""),
    Column("rank", False, "Officer, Detective, Sergeant, Lieutenant or Captain; blank: Officer for a new officer."),
    Column("unit", False, "The name of an existing unit."),
    Column("shift", False, "The name of an existing shift, e.g. Day."),
    Column("email", False, ""),
    Column("active", False, "yes or no; blank: yes for a new officer, unchanged otherwise."),
)


CERTIFICATION_COLUMNS = (
    Column("badge_number", True, "The badge number of an officer on file.", noun="certification"),
    Column("certified_on", True, "The day the BWC training was passed, as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column("expires_on", True, "The last day the certification is good for, as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column("course", False, "e.g. BWC operator 2026."),
)


DEVICE_COLUMNS = (
    Column("asset_tag", True, "The label on the device, e.g. HPD-SIG-0412.", noun="device"),
    Column("serial_number", True, "The manufacturer's serial number; a device already on file is updated."),
    Column("maker", True, "Device maker, e.g. Axon; with model it must name a known device model."),
    Column("model", True, "Device model, e.g. Signal Sidearm."),
    Column("firmware_version", False, "e.g. 1.4.2; blank for a device without firmware."),
    Column("battery_fitted_on", False, "When the current battery went in, as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column("purchase_batch", False, "e.g. 2026 signal rollout."),
    Column("purchased_on", False, "Date as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column("supplier", False, "Who sold the device, e.g. Axon Enterprise."),
    Column("purchase_price", False, "In dollars, e.g. 129.00."),
    Column("warranty_ends_on", False, "The warranty's last day, as YYYY-MM-DD (or MM/DD/YYYY)."),
    Column(
        "issued_to_badge",
        False,
        "A new holster sensor, signal weapon or accessory already out there: the badge number of its officer. "
        "For a device on file it is checked, never changed: issue and return on the device's page.",
    ),
    Column(
        "vehicle",
        False,
        "A new vehicle signal unit already fitted: the unit number of its vehicle (on file). For a device on "
        "file it is checked, never changed.",
    ),
)

VEHICLE_COLUMNS = (
    Column(
        "unit_number", True, "The number painted on the vehicle; a vehicle already on file is updated.", noun="vehicle"
    ),
    Column("assigned_unit", False, "The name of an existing unit, e.g. Patrol North."),
    Column("plate", False, "The licence plate."),
    Column("fleet_number", False, "The city fleet's number."),
    Column(
        "in_service",
        False,
        "yes or no; blank: yes for a new vehicle. For a vehicle on file it is checked, never changed: take it "
        "out of service on the vehicle's page.",
    ),
)

#: What the preview calls each kind's key column.
KEY_LABELS = {"cameras": "Serial number", "devices": "Serial number", "vehicles": "Unit number"}


# The camera vendor's device export, read by the stocktake's vendor reconciliation (stocktake.vendor).
VENDOR_COLUMNS = (
    Column("serial", True, "The camera's serial number.", noun="device"),
    Column("assigned_to", False, "The badge number (or user name) the vendor has the camera assigned to."),
    Column("firmware", False, "The firmware the vendor last saw, e.g. 4.1.0."),
    Column("last_docked", False, "When the vendor last saw it docked or uploading: YYYY-MM-DD (a time may follow)."),
)


def columns_for(kind: str) -> tuple[Column, ...]:
    known = {
        "cameras": CAMERA_COLUMNS,
        "devices": DEVICE_COLUMNS,
        "vehicles": VEHICLE_COLUMNS,
        "training": CERTIFICATION_COLUMNS,
        "vendor": VENDOR_COLUMNS,
    }
    return known.get(kind, OFFICER_COLUMNS)
