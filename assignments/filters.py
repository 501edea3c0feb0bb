"""Filters of the officer list (django-filter): search, unit, shift, active, holds a camera, no personal camera."""

from __future__ import annotations

import django_filters

from .models import Officer, Shift, Unit
from .selectors import search_officers

YES_NO = (("yes", "Yes"), ("no", "No"))


class OfficerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_q")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), empty_label="Any unit")
    shift = django_filters.ModelChoiceFilter(queryset=Shift.objects.all(), empty_label="Any shift")
    active = django_filters.ChoiceFilter(label="Active", choices=YES_NO, empty_label="Any", method="filter_active")
    holds_camera = django_filters.ChoiceFilter(
        label="Holds a camera now", choices=YES_NO, empty_label="Any", method="filter_holds_camera"
    )
    no_personal_camera = django_filters.ChoiceFilter(
        label="Has no personal camera", choices=YES_NO, empty_label="Any", method="filter_no_personal_camera"
    )

    class Meta:
        model = Officer
        fields = ["q", "unit", "shift", "active", "holds_camera", "no_personal_camera"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].field.widget.attrs.update({"placeholder": "Name or badge", "type": "search"})

    def filter_q(self, queryset, name, value):
        return search_officers(queryset, value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")

    # The annotations come from selectors.officer_list(); filtering on them stays one query.
    def filter_holds_camera(self, queryset, name, value):
        return queryset.filter(current_camera_tag__isnull=value != "yes")

    def filter_no_personal_camera(self, queryset, name, value):
        return queryset.filter(personal_camera_tag__isnull=value == "yes")
