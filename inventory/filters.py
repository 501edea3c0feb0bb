"""The camera list's filters (django-filter); the dashboard's links land on these."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import django_filters
from django import forms
from django.utils.choices import CallableChoiceIterator

from assignments.models import Unit
from hartford_bwc.widgets import QuickSelect

from .models import Camera, CameraModel, Flag
from .selectors import cameras as camera_selectors
from .selectors import states

STATE_CHOICES = [(name, state.label) for name, state in states.STATES.items()]


class DynamicChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose choices are read when the form is built, not at import."""

    def __init__(self, *args, choices_from, **kwargs):
        self._choices_from = choices_from
        super().__init__(*args, choices=[], **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self.extra["choices"] = [(value, value) for value in self._choices_from()]
        return super().field


def _menu(empty_label: str, choices: Callable[[], list]) -> list:
    return [("", empty_label), *choices()]


class CameraFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    # Every menu is a QuickSelect: the same markup as Django's Select, without its template per option.
    status = django_filters.ChoiceFilter(choices=Camera.Status.choices, empty_label="Any status", widget=QuickSelect)
    state = django_filters.ChoiceFilter(
        label="Needs attention", choices=STATE_CHOICES, method="in_state", empty_label="Any", widget=QuickSelect
    )
    pool = django_filters.ChoiceFilter(choices=Camera.Pool.choices, empty_label="Any pool", widget=QuickSelect)
    model = django_filters.ModelChoiceFilter(
        queryset=CameraModel.objects.all(), empty_label="Any model", widget=QuickSelect
    )
    firmware = DynamicChoiceFilter(
        field_name="firmware_version",
        label="Firmware",
        choices_from=camera_selectors.firmware_versions,
        empty_label="Any firmware",
        widget=QuickSelect,
    )
    batch = DynamicChoiceFilter(
        field_name="purchase_batch",
        label="Batch",
        choices_from=camera_selectors.purchase_batches,
        empty_label="Any batch",
        widget=QuickSelect,
    )
    unit = django_filters.ModelChoiceFilter(
        label="Holder's unit",
        queryset=Unit.objects.all(),
        method="held_by_unit",
        empty_label="Any unit",
        widget=QuickSelect,
    )
    flag = django_filters.ChoiceFilter(
        label="Open flag",
        choices=Flag.Kind.choices,
        method="with_open_flag",
        empty_label="Any or none",
        widget=QuickSelect,
    )

    class Meta:
        model = Camera
        fields: list[str] = []

    def __init__(self, *args, now=None, **kwargs):
        self.now = now
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "Asset tag, serial, holder's name or badge"}
        )
        # The menus drawn from the cache (two queries a page otherwise), when they are rendered (an
        # export renders none); the fields' querysets still check a value sent, so a model or unit
        # deleted a moment ago is refused, not matched.
        for name, cached in (("model", camera_selectors.model_choices), ("unit", camera_selectors.unit_choices)):
            fields[name].widget.choices = CallableChoiceIterator(partial(_menu, fields[name].empty_label, cached))

    def search(self, queryset, name, value):
        return camera_selectors.search_cameras(queryset, value)

    def in_state(self, queryset, name, value):
        return queryset.filter(states.state_condition(value, now=self.now))

    def held_by_unit(self, queryset, name, value):
        return camera_selectors.held_by_unit(queryset, value)

    def with_open_flag(self, queryset, name, value):
        return camera_selectors.with_open_flag(queryset, value)
