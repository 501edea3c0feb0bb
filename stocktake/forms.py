"""The stocktake's forms: start a count, scan a code, fix a difference."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from devices.models import Vehicle
from hartford_bwc import control_characters
from inventory.forms import DockField
from inventory.models import Shelf

from .models import Stocktake


class StartForm(forms.Form):
    place = forms.ChoiceField(label="Place to count", choices=Stocktake.Place.choices)
    # Typed by its label, not a menu of every dock in service (3,750 at 30,000 cameras): inventory.forms.DockField.
    dock = DockField(required=False, help_text="For a dock's bays: the name on the dock's label, e.g. Dock 014.")
    shelf = forms.ModelChoiceField(
        label="Shelf", queryset=Shelf.objects.filter(is_active=True), required=False, help_text="For a named shelf."
    )

    vehicle = forms.CharField(
        label="Vehicle unit number",
        required=False,
        max_length=Vehicle._meta.get_field("unit_number").max_length,
        help_text="For a vehicle's signal units.",
    )

    def clean_vehicle(self) -> Vehicle | None:
        number = self.cleaned_data["vehicle"].strip()
        if not number or self.data.get("place") != Stocktake.Place.VEHICLE:
            return None
        if control_characters.has_any(number):
            raise ValidationError("A unit number holds no control characters.")
        vehicle = Vehicle.objects.filter(unit_number__iexact=number).first()
        if vehicle is None:
            raise ValidationError(f"No vehicle has unit number {number}.")
        return vehicle

    def clean(self):
        data = super().clean()
        if data.get("place") == Stocktake.Place.DOCK and not data.get("dock"):
            self.add_error("dock", "Choose the dock to count.")
        if data.get("place") == Stocktake.Place.SHELF and not data.get("shelf"):
            self.add_error("shelf", "Choose the shelf to count.")
        if data.get("place") == Stocktake.Place.VEHICLE and not data.get("vehicle") and "vehicle" not in self.errors:
            self.add_error("vehicle", "Enter the unit number of the vehicle to count.")
        return data


class ScanForm(forms.Form):
    # No max_length or stripping here: the service says what is wrong with a code, in one place.
    code = forms.CharField(label="Scan a code", required=False, strip=False)


def _no_controls(value: str) -> None:
    if control_characters.has_any(value):
        raise ValidationError("An incident number holds no control characters.")


class FixForm(forms.Form):
    incident_number = forms.CharField(
        label="Incident report number", required=False, max_length=40, validators=[_no_controls]
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ShelfForm(forms.Form):
    # Lengths and characters are the service's to refuse (inventory.shelves), in one place.
    name = forms.CharField(label="Shelf name", max_length=200, strip=False)
    location = forms.CharField(label="Where it is", max_length=400, required=False, strip=False)


class VendorFixForm(forms.Form):
    serial = forms.CharField(max_length=200)
    incident_number = forms.CharField(
        label="Incident report number", required=False, max_length=40, validators=[_no_controls]
    )


class VendorExportForm(forms.Form):
    file = forms.FileField(label="Vendor device export (.csv or .xlsx)", allow_empty_file=True)
