"""The device's and the vehicle's record forms: added, edited, or a row of an import; each feeds one service.

Same shape as inventory.forms.CameraForm and assignments.forms.OfficerForm: one form for the console's
add and edit pages and for every row of an import, so both refuse the same things with the same words,
and lengths and validators (the firmware version) come from the models.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model

from assignments.models import Officer, Unit
from hartford_bwc import formfields

from . import records
from .models import BatteryKind, Device, DeviceKind, DeviceModel, Vehicle

NOTES_MAX_LENGTH = 2000


class DeviceModelChoiceField(formfields.RecordChoiceField):
    """A device model by "maker name" (e.g. "Axon Signal Sidearm", as the console shows it), whatever
    its case, or by its primary key (what the console's select sends)."""

    def lookup(self) -> dict[str, Model]:
        if self.known is None:
            models = list(self.queryset)
            self.known = {str(m.pk): m for m in models} | {str(m).lower(): m for m in models}
        return self.known

    def _name(self, obj: Model) -> str:
        return str(obj)


def device_models_by_key(models: Iterable[DeviceModel]) -> dict[str, Model]:
    """The lookup a DeviceModelChoiceField builds, from models an import already read."""
    models = list(models)
    return {str(m.pk): m for m in models} | {str(m).lower(): m for m in models}


class KnownDevices:
    """The devices an asset tag or serial number is checked against, whatever its case.

    Without devices it asks the database (the console's one form); an import hands over the devices it
    read for all of its rows at once, so no row costs a query.
    """

    def __init__(self, devices: Iterable[Device] | None = None) -> None:
        self.preloaded = devices is not None
        devices = list(devices or ())
        self.by_tag = {device.asset_tag.upper(): device for device in devices}
        self.by_serial = {device.serial_number.upper(): device for device in devices}

    def with_tag(self, tag: str) -> Device | None:
        if self.preloaded:
            return self.by_tag.get(tag.upper())
        return Device.objects.filter(asset_tag__iexact=tag).first()

    def with_serial(self, serial: str) -> Device | None:
        if self.preloaded:
            return self.by_serial.get(serial.upper())
        return Device.objects.filter(serial_number__iexact=serial).first()


class KnownVehicles:
    """The vehicles a unit number is checked against (and a device is installed in), whatever its case."""

    def __init__(self, vehicles: Iterable[Vehicle] | None = None) -> None:
        self.preloaded = vehicles is not None
        self.by_number = {vehicle.unit_number.upper(): vehicle for vehicle in vehicles or ()}

    def with_number(self, number: str) -> Vehicle | None:
        if self.preloaded:
            return self.by_number.get(number.upper())
        return Vehicle.objects.filter(unit_number__iexact=number).first()


class KnownBadges:
    """The officers a device may be issued to, by badge number, whatever its case."""

    def __init__(self, officers: Iterable[Officer] | None = None) -> None:
        self.preloaded = officers is not None
        self.by_badge = {officer.badge_number.upper(): officer for officer in officers or ()}

    def with_badge(self, badge: str) -> Officer | None:
        if self.preloaded:
            return self.by_badge.get(badge.upper())
        return Officer.objects.filter(badge_number__iexact=badge).first()


class DeviceForm(formfields.RecordFormMixin, forms.ModelForm):
    """What describes a device (records.DEVICE_DESCRIPTION), and for a new one whom or what it is issued to.

    The holder of a device on file changes only through its lifecycle's actions (issue, install,
    return), so an edit has no holder fields. A vehicle signal unit goes into a vehicle, the other kinds
    to an officer: a holder that does not fit the kind is refused here, in the model's words.
    """

    model = DeviceModelChoiceField(
        DeviceModel.objects.all(),
        label="Model",
        empty_label="(choose)",
        unknown="Unknown device model {value!r}. Known models: {known} (add one in the admin).",
    )
    battery_fitted_on = formfields.PastDateField(label="Battery fitted on", required=False)
    purchased_on = formfields.PastDateField(label="Purchased on", required=False)
    purchase_price = formfields.MoneyField(label="Purchase price ($)", required=False)
    warranty_ends_on = formfields.DayField(label="Warranty ends on", required=False)
    notes = forms.CharField(
        label="Notes", required=False, max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    # A new device only: issued at once (an import of what is already out there), else in stock.
    issued_to_badge = forms.CharField(
        label="Issued to (badge number)",
        required=False,
        max_length=Officer._meta.get_field("badge_number").max_length,
        help_text="Blank: in stock. A holster sensor, signal weapon, mount or spare battery goes to an officer.",
    )
    vehicle = forms.CharField(
        label="Installed in vehicle (unit number)",
        required=False,
        max_length=Vehicle._meta.get_field("unit_number").max_length,
        help_text="Blank: in stock. A vehicle signal unit goes into a vehicle.",
    )

    class Meta:
        model = Device
        fields = records.DEVICE_DESCRIPTION
        labels = {"asset_tag": "Asset tag", "serial_number": "Serial number", "firmware_version": "Firmware version"}
        help_texts = {
            "asset_tag": "The label on the device, e.g. HPD-SIG-0412.",
            "firmware_version": "e.g. 1.4.2; blank for a device without firmware (a mount).",
        }

    def __init__(
        self,
        *args: Any,
        known: KnownDevices | None = None,
        device_models: dict[str, Model] | None = None,
        badges: KnownBadges | None = None,
        vehicles: KnownVehicles | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = known or KnownDevices()
        self.badges = badges or KnownBadges()
        self.vehicles = vehicles or KnownVehicles()
        if device_models is not None:
            self.fields["model"].known = device_models
        if self.instance.pk is not None:
            # Who holds a device on file changes only through its actions (devices.services).
            del self.fields["issued_to_badge"], self.fields["vehicle"]
        self.fields["asset_tag"].widget.attrs.update(autocomplete="off", autocapitalize="characters")

    @staticmethod
    def data_of(device: Device) -> dict[str, Any]:
        """The device as this form's data: what an import row keeps where its cell is blank."""
        return {
            name: device.model_id if name == "model" else getattr(device, name) for name in records.DEVICE_DESCRIPTION
        }

    def clean_asset_tag(self) -> str:
        tag = formfields.clean_identifier(self.cleaned_data["asset_tag"], label="asset tag").upper()
        holder = self.known.with_tag(tag)
        if holder is not None and holder.pk != self.instance.pk:
            raise forms.ValidationError(
                f"Asset tag {tag} already belongs to the device with serial number {holder.serial_number}."
            )
        return tag

    def clean_serial_number(self) -> str:
        serial = formfields.clean_text(self.cleaned_data["serial_number"], label="serial number")
        holder = self.known.with_serial(serial)
        if holder is not None and holder.pk != self.instance.pk:
            if holder.serial_number != serial:
                raise forms.ValidationError(
                    f"Serial number {serial} is on file as {holder.serial_number} ({holder.asset_tag}); "
                    "write it as it is on file."
                )
            raise forms.ValidationError(f"Serial number {serial} is already on file: {holder.asset_tag}.")
        return serial

    def clean_purchase_batch(self) -> str:
        return formfields.clean_text(self.cleaned_data["purchase_batch"], label="purchase batch")

    def clean_supplier(self) -> str:
        return formfields.clean_text(self.cleaned_data["supplier"], label="supplier")

    def clean_notes(self) -> str:
        return formfields.clean_text(self.cleaned_data["notes"], label="notes")

    def clean_issued_to_badge(self) -> Officer | None:
        badge = formfields.clean_text(self.cleaned_data["issued_to_badge"], label="badge number")
        if not badge:
            return None
        officer = self.badges.with_badge(badge)
        if officer is None:
            raise forms.ValidationError(f"No officer has badge number {badge}.")
        if not officer.is_active:
            raise forms.ValidationError(
                f"{officer.display_name} (badge {officer.badge_number}) is inactive; a device goes to an active officer."
            )
        return officer

    def clean_vehicle(self) -> Vehicle | None:
        number = formfields.clean_text(self.cleaned_data["vehicle"], label="unit number")
        if not number:
            return None
        vehicle = self.vehicles.with_number(number)
        if vehicle is None:
            raise forms.ValidationError(f"No vehicle has unit number {number}; add the vehicle first.")
        return vehicle

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        model = cleaned.get("model")
        if isinstance(model, DeviceModel):
            self._check_battery(model, cleaned)
            self._check_holder(model, cleaned)
        return cleaned

    def _check_battery(self, model: DeviceModel, cleaned: dict[str, Any]) -> None:
        if cleaned.get("battery_fitted_on") and model.battery == BatteryKind.NONE:
            self.add_error("battery_fitted_on", f"A {model} has no battery; leave the battery date blank.")

    def _check_holder(self, model: DeviceModel, cleaned: dict[str, Any]) -> None:
        """A vehicle unit is installed in a vehicle, the other kinds issued to an officer; never both."""
        officer, vehicle = cleaned.get("issued_to_badge"), cleaned.get("vehicle")
        if self.instance.pk is not None:
            officer, vehicle = self.instance.officer, self.instance.vehicle
        kind_label = DeviceKind(model.kind).label.lower()
        if officer is not None and vehicle is not None:
            self.add_error("vehicle", "A device is issued to an officer or installed in a vehicle, not both.")
        elif officer is not None and model.kind == DeviceKind.VEHICLE_UNIT:
            where = "issued_to_badge" if self.instance.pk is None else "model"
            self.add_error(where, f"A {kind_label} is installed in a vehicle, not issued to an officer.")
        elif vehicle is not None and model.kind != DeviceKind.VEHICLE_UNIT:
            where = "vehicle" if self.instance.pk is None else "model"
            self.add_error(where, f"A {kind_label} is issued to an officer, not installed in a vehicle.")

    def values(self) -> dict[str, Any]:
        """The cleaned description (and a new device's holder), as the services take it."""
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk is None:
            values["officer"] = self.cleaned_data.get("issued_to_badge")
            values["vehicle"] = self.cleaned_data.get("vehicle")
        return values


formfields.apply_messages(DeviceForm.base_fields)


#: Words that are pages under /inventory/vehicles/, so never a unit number.
RESERVED_UNIT_NUMBERS = {"NEW", "LABELS"}


class VehicleForm(formfields.RecordFormMixin, forms.ModelForm):
    """What describes a vehicle (records.VEHICLE_DESCRIPTION); whether it is in service is an action of its own.

    For a new vehicle `in_service` may be given (a cruiser in the garage the day it is added).
    """

    assigned_unit = formfields.RecordChoiceField(
        Unit.objects.all(),
        to_field_name="name",
        required=False,
        label="Assigned unit",
        empty_label="(none)",
        unknown="Unknown unit {value!r}. Units: {known}.",
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    in_service = forms.BooleanField(label="In service (on patrol, not in the garage)", required=False, initial=True)

    class Meta:
        model = Vehicle
        fields = records.VEHICLE_DESCRIPTION
        labels = {"unit_number": "Unit number", "plate": "Plate", "fleet_number": "Fleet number"}
        help_texts = {"unit_number": "The number painted on the vehicle, e.g. 412."}

    def __init__(
        self,
        *args: Any,
        known: KnownVehicles | None = None,
        units: dict[str, Model] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = known or KnownVehicles()
        if units is not None:
            self.fields["assigned_unit"].known = units
        if self.instance.pk is not None:
            del self.fields["in_service"]  # taken out of and back into service on the vehicle's page
            if not self.is_bound:
                self.initial["assigned_unit"] = self.data_of(self.instance)["assigned_unit"]
        self.fields["unit_number"].widget.attrs.update(autocomplete="off")

    @staticmethod
    def data_of(vehicle: Vehicle) -> dict[str, Any]:
        """The vehicle as this form's data: what an import row keeps where its cell is blank."""
        data = {name: getattr(vehicle, name) for name in ("unit_number", "plate", "fleet_number", "notes")}
        data["assigned_unit"] = vehicle.assigned_unit.name if vehicle.assigned_unit_id else ""
        return data

    def clean_unit_number(self) -> str:
        number = formfields.clean_identifier(self.cleaned_data["unit_number"], label="unit number").upper()
        if number in RESERVED_UNIT_NUMBERS:
            raise forms.ValidationError(f"{number} cannot be a unit number: it names a page of the console.")
        holder = self.known.with_number(number)
        if holder is not None and holder.pk != self.instance.pk:
            raise forms.ValidationError(f"Unit number {number} is already on file: {holder}.")
        return number

    def clean_plate(self) -> str:
        return formfields.clean_text(self.cleaned_data["plate"], label="plate").upper()

    def clean_fleet_number(self) -> str:
        return formfields.clean_text(self.cleaned_data["fleet_number"], label="fleet number")

    def clean_notes(self) -> str:
        return formfields.clean_text(self.cleaned_data["notes"], label="notes")

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk is None:
            values["in_service"] = self.cleaned_data.get("in_service", True)
        return values


formfields.apply_messages(VehicleForm.base_fields)
