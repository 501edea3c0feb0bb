"""The plans of a device import and a vehicle import: one record per row, checked by devices.forms.

As the camera import: a device on file (same serial number) or a vehicle (same unit number) is updated,
not duplicated; a blank cell keeps what is on file. Who holds a device, and whether a vehicle is in
service, are state: a new record may start with them (issued_to_badge, vehicle, in_service), a record
on file has them checked and never changed (its page's actions change them, audited as themselves).
A fixed handful of queries whatever the file's size.
"""

from __future__ import annotations

from django.db.models.functions import Upper

from assignments.models import Officer, Unit
from devices.forms import DeviceForm, KnownBadges, KnownDevices, KnownVehicles, VehicleForm, device_models_by_key
from devices.models import Device, DeviceModel, Vehicle

from .plans import NO, YES, RowPlan, _cell, _find_model, _finish, _form_data, _SeenKeys, _take_errors

DEVICE_OPTIONAL = (
    "firmware_version",
    "battery_fitted_on",
    "purchase_batch",
    "purchased_on",
    "supplier",
    "purchase_price",
    "warranty_ends_on",
)


def _upper_cells(rows: list[dict], column: str) -> set[str]:
    return {_cell(raw["values"], column).upper() for raw in rows} - {""}


class DevicePlanner:
    """What every row of a device file is checked against, read in a fixed handful of queries."""

    def __init__(self, rows: list[dict], *, lock: bool) -> None:
        serials, tags = _upper_cells(rows, "serial_number"), _upper_cells(rows, "asset_tag")
        devices = Device.objects.select_related("model", "officer", "vehicle")
        if lock:
            devices = devices.select_for_update(of=("self",))
        found = {d.pk: d for d in devices.annotate(key=Upper("serial_number")).filter(key__in=serials)}
        found |= {d.pk: d for d in devices.annotate(key=Upper("asset_tag")).filter(key__in=tags)}
        self.by_serial = {device.serial_number: device for device in found.values()}
        device_models = list(DeviceModel.objects.all())
        self.models = {(m.maker.lower(), m.name.lower()): m for m in device_models}
        badges = _upper_cells(rows, "issued_to_badge")
        officers = Officer.objects.annotate(key=Upper("badge_number")).filter(key__in=badges) if badges else []
        numbers = _upper_cells(rows, "vehicle")
        vehicles = Vehicle.objects.annotate(key=Upper("unit_number")).filter(key__in=numbers) if numbers else []
        self.new = DeviceForm.data_of(Device())
        self.form = DeviceForm(
            known=KnownDevices(found.values()),
            device_models=device_models_by_key(device_models),
            badges=KnownBadges(officers),
            vehicles=KnownVehicles(vehicles),
        )
        self.seen = _SeenKeys()

    def plan_row(self, raw: dict) -> RowPlan:
        values = raw["values"]
        serial = _cell(values, "serial_number")
        row = RowPlan(line=raw["line"], key=serial)
        self.seen.check(row, "serial_number", serial, label="serial number")
        self.seen.check(row, "asset_tag", _cell(values, "asset_tag"), label="asset tag")
        existing = self.by_serial.get(serial)
        data = _form_data(
            values,
            DeviceForm.data_of(existing) if existing else self.new,
            required=("asset_tag", "serial_number"),
            optional=DEVICE_OPTIONAL,
        )
        data["model"] = self._model(row, values)
        if existing is None:
            data["issued_to_badge"], data["vehicle"] = _cell(values, "issued_to_badge"), _cell(values, "vehicle")
        else:
            self._check_holder(row, values, existing)
        form = self.form.rebound(data, instance=existing)
        _take_errors(row, form, columns={"model": "model" if _cell(values, "maker") else "maker"})
        _finish(row, Device, existing, form)
        return row

    def _model(self, row: RowPlan, values: dict) -> str:
        """The device model's key for the form, from the maker and model cells ("" when they name none)."""
        maker, name = _cell(values, "maker"), _cell(values, "model")
        if not maker or not name:
            row.refuse("model" if maker else "maker", "Missing maker or model.")
            return ""
        found = _find_model(self.models, maker, name)
        if found is None:
            known = ", ".join(str(m) for m in self.models.values()) or "none yet"
            row.refuse("model", f"Unknown device model {maker} {name}. Known models: {known} (add one in the admin).")
            return ""
        return str(found.pk)

    @staticmethod
    def _check_holder(row: RowPlan, values: dict, device: Device) -> None:
        """The holder columns of a device on file are checked against its holder and never written."""
        badge, number = _cell(values, "issued_to_badge"), _cell(values, "vehicle")
        where = device.holder_label or device.get_status_display().lower()
        if badge and (device.officer is None or device.officer.badge_number.upper() != badge.upper()):
            row.refuse(
                "issued_to_badge",
                f"{device.asset_tag} is {where}, not with badge {badge}: an import never changes who holds a "
                "device; issue or return it on its page.",
            )
        if number and (device.vehicle is None or device.vehicle.unit_number.upper() != number.upper()):
            row.refuse(
                "vehicle",
                f"{device.asset_tag} is {where}, not in vehicle {number}: an import never changes where a "
                "device is installed; install or return it on its page.",
            )


class VehiclePlanner:
    """What every row of a vehicle file is checked against, read in two queries."""

    def __init__(self, rows: list[dict], *, lock: bool) -> None:
        numbers = _upper_cells(rows, "unit_number")
        vehicles = Vehicle.objects.select_related("assigned_unit")
        if lock:
            vehicles = vehicles.select_for_update(of=("self",))
        found = list(vehicles.annotate(key=Upper("unit_number")).filter(key__in=numbers))
        self.by_number = {vehicle.unit_number.upper(): vehicle for vehicle in found}
        units = {unit.name.lower(): unit for unit in Unit.objects.all()}
        self.new = VehicleForm.data_of(Vehicle())
        self.form = VehicleForm(known=KnownVehicles(found), units=units)
        self.seen = _SeenKeys()

    def plan_row(self, raw: dict) -> RowPlan:
        values = raw["values"]
        number = _cell(values, "unit_number")
        row = RowPlan(line=raw["line"], key=number)
        self.seen.check(row, "unit_number", number, label="unit number")
        existing = self.by_number.get(number.upper())
        data = _form_data(
            values,
            VehicleForm.data_of(existing) if existing else self.new,
            required=("unit_number",),
            optional=("assigned_unit", "plate", "fleet_number"),
        )
        in_service = self._in_service(row, _cell(values, "in_service"))
        if existing is None:
            data["in_service"] = in_service is not False
        elif in_service is not None and in_service != existing.in_service:
            state = "in service" if existing.in_service else "out of service"
            row.refuse(
                "in_service",
                f"{existing} is {state}: an import never changes that; change it on the vehicle's page.",
            )
        form = self.form.rebound(data, instance=existing)
        _take_errors(row, form)
        _finish(row, Vehicle, existing, form)
        return row

    @staticmethod
    def _in_service(row: RowPlan, text: str) -> bool | None:
        if not text:
            return None
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        row.refuse("in_service", f"{text!r} is not yes or no.")
        return None
