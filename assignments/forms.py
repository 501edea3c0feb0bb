"""The officer's forms: the record (added, edited, or a row of a roster import) and the officer page's actions; each feeds one service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from hartford_bwc import formfields
from inventory.models import Camera

from . import services
from .models import Officer, Shift, Unit


class SetActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=(("1", "Activate"), ("0", "Deactivate")), coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label="Reason", max_length=300, required=False)


class IssuePersonalForm(forms.Form):
    asset_tag = forms.CharField(label="Camera asset tag", max_length=30)
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    def clean_asset_tag(self) -> Camera:
        tag = self.cleaned_data["asset_tag"].strip().upper()
        camera = Camera.objects.filter(asset_tag__iexact=tag).first()
        if camera is None:
            raise forms.ValidationError(f"No camera has the asset tag {tag}.")
        return camera


class RevokePersonalForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200, required=False)


# --- an officer's record: the console's add and edit pages, and each row of a roster import ---------

#: Words that are pages under /assignments/officers/, so never a badge number.
RESERVED_BADGES = {"new", "badge-cards", "pin-letters"}


class KnownOfficers:
    """The officers a badge number is checked against, whatever its case: asked of the database (the
    console's one form), or handed over by an import for all of its rows at once."""

    def __init__(self, officers: Iterable[Officer] | None = None) -> None:
        self.preloaded = officers is not None
        self.by_badge = {officer.badge_number.upper(): officer for officer in officers or ()}

    def with_badge(self, badge: str) -> Officer | None:
        if self.preloaded:
            return self.by_badge.get(badge.upper())
        return Officer.objects.filter(badge_number__iexact=badge).first()


class OfficerForm(formfields.RecordFormMixin, forms.ModelForm):
    """What describes an officer (services.OFFICER_DESCRIPTION) and whether the officer is active.

    One form for the console's "Add officer" and "Edit" pages and for every row of a roster import:
    both refuse the same things with the same words. Lengths come from the model's fields.
    """

    unit = formfields.RecordChoiceField(
        Unit.objects.all(),
        to_field_name="name",
        required=False,
        label="Unit",
        empty_label="(none)",
        unknown="Unknown unit {value!r}. Units: {known}.",
    )
    shift = formfields.RecordChoiceField(
        Shift.objects.all(),
        to_field_name="name",
        required=False,
        label="Shift",
        empty_label="(none)",
        unknown="Unknown shift {value!r}. Shifts: {known}.",
    )

    class Meta:
        model = Officer
        fields = (*services.OFFICER_DESCRIPTION, "is_active")
        labels = {"badge_number": "Badge number", "is_active": "Active (may take a camera)"}
        error_messages = {
            "rank": {"invalid_choice": f"Unknown rank %(value)r; ranks are {', '.join(Officer.Rank.labels)}."},
            "email": {"invalid": "%(value)r is not an email address."},
        }

    def __init__(
        self,
        *args: Any,
        known: KnownOfficers | None = None,
        units: dict[str, Unit] | None = None,
        shifts: dict[str, Shift] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = known or KnownOfficers()
        if units is not None:
            self.fields["unit"].known = units
        if shifts is not None:
            self.fields["shift"].known = shifts
        if self.instance.pk is not None and not self.is_bound:
            # The unit and shift are chosen by name; the model keeps their ids.
            self.initial.update(unit=self.data_of(self.instance)["unit"], shift=self.data_of(self.instance)["shift"])
        self.fields["badge_number"].widget.attrs.update(autocomplete="off")

    @staticmethod
    def data_of(officer: Officer) -> dict[str, Any]:
        """The officer as this form's data: what a roster row keeps where its cell is blank."""
        data = {name: getattr(officer, name) for name in ("badge_number", "first_name", "last_name", "rank", "email")}
        data["unit"] = officer.unit.name if officer.unit_id else ""
        data["shift"] = officer.shift.name if officer.shift_id else ""
        data["is_active"] = officer.is_active
        return data

    def clean_badge_number(self) -> str:
        badge = formfields.clean_identifier(self.cleaned_data["badge_number"], label="badge number")
        if badge.lower() in RESERVED_BADGES:
            raise forms.ValidationError(f"{badge} is the name of a console page, not a badge number.")
        holder = self.known.with_badge(badge)
        if holder is not None and holder.pk != self.instance.pk:
            raise forms.ValidationError(f"Badge number {badge} already belongs to {holder.display_name}.")
        return badge

    def clean_first_name(self) -> str:
        return formfields.clean_text(self.cleaned_data["first_name"], label="first name")

    def clean_last_name(self) -> str:
        return formfields.clean_text(self.cleaned_data["last_name"], label="last name")

    def values(self) -> dict[str, Any]:
        """The cleaned description and activity, as the services take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


formfields.apply_messages(OfficerForm.base_fields)
