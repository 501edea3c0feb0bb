"""A signal device's life: the triggers that start a camera recording (holster sensors, signal weapons,
vehicle units) and the accessories that fail in practice (mounts, spare batteries).

Built from the same classes as the camera's (`inventory.lifecycle`): services ask `DEVICE` before a
change and take the new status and audit action from it; the device page shows the actions it allows;
the database keeps the status within its choices and the issue fields consistent with the status
(`devices.models.Device.Meta.constraints`).

A device is *issued* either to an officer (personal: a holster sensor, a signal weapon) or into a
vehicle (a light-bar or door trigger); a pooled device sits *in stock* until it is issued.
"""

from __future__ import annotations

from typing import cast

from django.db import models

from audit.actions import Action
from inventory.lifecycle import STAFF, Lifecycle, Refusal, Transition


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    ISSUED = "issued", "Issued"
    IN_MAINTENANCE = "in_maintenance", "In maintenance"
    LOST = "lost", "Lost"
    RETIRED = "retired", "Retired"


IN_STOCK, ISSUED, IN_MAINTENANCE, LOST, RETIRED = DeviceStatus

# Facts the refusals use (devices.services pass them): tag, the asset tag; holder, whom or what it is
# issued to in words ("Ofc. Emily Murphy (badge 1001)" or "vehicle 412").
_ISSUED = Refusal("issued", "{tag} is issued to {holder}; return it to stock first.")
_NOT_IN_MAINTENANCE = Refusal("not_in_maintenance", "{tag} is not in maintenance.")

DEVICE = Lifecycle(
    kind="device",
    statuses=DeviceStatus,
    initial=IN_STOCK,
    out_of_service=(LOST, RETIRED),
    transitions=[
        Transition(
            "issue_to_officer",
            (IN_STOCK,),
            ISSUED,
            Action.DEVICE_ISSUE,
            by=STAFF,
            refusals={ISSUED: _ISSUED},
            otherwise=Refusal("refused", "{tag} is {status} and cannot be issued. Take another from stock."),
        ),
        Transition(
            "install_in_vehicle",
            (IN_STOCK,),
            ISSUED,
            Action.DEVICE_INSTALL,
            refusals={ISSUED: _ISSUED},
            otherwise=Refusal("refused", "{tag} is {status} and cannot be installed. Take another from stock."),
        ),
        Transition(
            "return_to_stock",
            (ISSUED,),
            IN_STOCK,
            Action.DEVICE_RETURN,
            otherwise=Refusal("not_issued", "{tag} is {status}, not issued; there is nothing to return."),
        ),
        Transition(
            "open_maintenance",
            (IN_STOCK, ISSUED),
            IN_MAINTENANCE,
            Action.DEVICE_MAINTENANCE_OPEN,
            refusals={IN_MAINTENANCE: Refusal("maintenance_open", "{tag} is already in maintenance.")},
            otherwise=Refusal("refused", "{tag} is {status}; it cannot go to maintenance."),
        ),
        Transition(
            "return_to_service",
            (IN_MAINTENANCE,),
            IN_STOCK,
            Action.DEVICE_MAINTENANCE_CLOSE,
            otherwise=_NOT_IN_MAINTENANCE,
        ),
        Transition(
            "report_lost",
            (IN_STOCK, ISSUED, IN_MAINTENANCE),
            LOST,
            Action.DEVICE_REPORT_LOST,
            otherwise=Refusal("refused", "{tag} is already {status}."),
        ),
        # A found device is checked before it goes out again, as a found camera is.
        Transition(
            "report_found",
            (LOST,),
            IN_MAINTENANCE,
            Action.DEVICE_REPORT_FOUND,
            otherwise=Refusal("refused", "{tag} is not reported lost."),
        ),
        Transition(
            "retire",
            (IN_STOCK, IN_MAINTENANCE, LOST),
            RETIRED,
            Action.DEVICE_RETIRE,
            refusals={ISSUED: _ISSUED, RETIRED: Refusal("refused", "{tag} is already retired.")},
        ),
        # Activities the status keeps.
        Transition(
            "replace_battery",
            (IN_STOCK, ISSUED, IN_MAINTENANCE),
            None,
            Action.DEVICE_BATTERY_REPLACE,
            otherwise=Refusal("refused", "{tag} is {status}; its battery cannot be recorded now."),
        ),
        Transition(
            "update_firmware",
            (IN_STOCK, ISSUED, IN_MAINTENANCE),
            None,
            Action.DEVICE_FIRMWARE,
            otherwise=Refusal("refused", "{tag} is {status}; its firmware cannot be recorded now."),
        ),
        Transition(
            "pair",
            (IN_STOCK, ISSUED),
            None,
            Action.DEVICE_PAIR,
            otherwise=Refusal("refused", "{tag} is {status} and cannot be paired with a camera."),
        ),
        Transition(
            "unpair",
            (IN_STOCK, ISSUED, IN_MAINTENANCE, LOST, RETIRED),
            None,
            Action.DEVICE_UNPAIR,
        ),
    ],
)

# The status of a device that is with an officer or in a vehicle.
ISSUED_STATUS = cast(str, DEVICE["issue_to_officer"].target)
