"""The device and vehicle lists' filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms

from assignments.models import Unit
from hartford_bwc import formfields
from inventory.filters import DynamicChoiceFilter

from . import selectors
from .lifecycle import DeviceStatus
from .models import Device, DeviceKind, DeviceModel, Vehicle


class DayFilter(django_filters.Filter):
    field_class = formfields.DayField


class DeviceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    kind = django_filters.ChoiceFilter(
        field_name="model__kind", label="Kind", choices=DeviceKind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(choices=DeviceStatus.choices, empty_label="Any status")
    model = django_filters.ModelChoiceFilter(queryset=DeviceModel.objects.all(), empty_label="Any model")
    holder = django_filters.ChoiceFilter(
        label="Issued to",
        choices=[("officer", "An officer"), ("vehicle", "A vehicle"), ("nobody", "Nobody")],
        method="held_by",
        empty_label="Anyone or nobody",
    )
    battery_due_by = DayFilter(label="Battery due by", method="battery_due")
    firmware = DynamicChoiceFilter(
        field_name="firmware_version",
        label="Firmware",
        choices_from=selectors.firmware_versions,
        empty_label="Any firmware",
    )

    class Meta:
        model = Device
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "Asset tag, serial, officer or vehicle"}
        )

    def search(self, queryset, name, value):
        return selectors.search_devices(queryset, value)

    def held_by(self, queryset, name, value):
        if value == "officer":
            return queryset.filter(officer__isnull=False)
        if value == "vehicle":
            return queryset.filter(vehicle__isnull=False)
        return queryset.filter(officer__isnull=True, vehicle__isnull=True)

    def battery_due(self, queryset, name, value):
        return selectors.battery_due_by(queryset, value)


class VehicleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    assigned_unit = django_filters.ModelChoiceFilter(label="Unit", queryset=Unit.objects.all(), empty_label="Any unit")
    in_service = django_filters.BooleanFilter(
        label="In service",
        widget=forms.Select(choices=[("", "In service or not"), ("true", "In service"), ("false", "Out of service")]),
    )
    working = django_filters.BooleanFilter(
        label="Signal works",
        field_name="has_working_unit",
        widget=forms.Select(choices=[("", "Working or not"), ("true", "Working"), ("false", "Not working")]),
    )

    class Meta:
        model = Vehicle
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "Unit number, plate, fleet number or a unit's asset tag"}
        )

    def search(self, queryset, name, value):
        return selectors.search_vehicles(queryset, value)
