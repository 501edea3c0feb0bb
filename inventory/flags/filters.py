"""The flags page's filter form: open or history, kind, unit, acknowledged, camera."""

from __future__ import annotations

import django_filters
from django import forms

from assignments.models import Unit

from ..models import Flag
from .selectors import filter_by_unit


class FlagFilter(django_filters.FilterSet):
    STATES = (("open", "Open"), ("resolved", "Resolved (history)"), ("all", "All"))

    state = django_filters.ChoiceFilter(
        label="Show", choices=STATES, method="filter_state", empty_label=None, null_label=None
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Flag.Kind.choices, empty_label="Any kind")
    unit = django_filters.ModelChoiceFilter(
        label="Unit", queryset=Unit.objects.order_by("name"), method="filter_unit", empty_label="Any unit"
    )
    acknowledged = django_filters.ChoiceFilter(
        label="Acknowledged",
        choices=(("no", "Not acknowledged"), ("yes", "Acknowledged")),
        method="filter_acknowledged",
        empty_label="Either",
    )
    camera = django_filters.CharFilter(
        label="Camera", field_name="camera__asset_tag", lookup_expr="icontains", widget=forms.TextInput()
    )

    class Meta:
        model = Flag
        fields = ["state", "kind", "unit", "acknowledged", "camera"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("state") or data.get("state") not in dict(self.STATES):
            data["state"] = "open"
        super().__init__(data, *args, **kwargs)

    def filter_state(self, queryset, name, value):
        if value == "resolved":
            return queryset.resolved()
        if value == "all":
            return queryset
        return queryset.open()

    def filter_unit(self, queryset, name, value):
        return filter_by_unit(queryset, value) if value else queryset

    def filter_acknowledged(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        if value == "no":
            return queryset.filter(acknowledged_at__isnull=True)
        return queryset
