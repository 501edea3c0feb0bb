"""Forms of the officer page's actions; each one feeds one service."""

from __future__ import annotations

from django import forms

from inventory.models import Camera

from .models import DutyAssignment


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


class ExemptionForm(forms.Form):
    """A camera exemption: undercover operation, light duty or leave (assignments.duty.grant_exemption)."""

    kind = forms.ChoiceField(
        label="Exemption", choices=[(kind.value, kind.label) for kind in DutyAssignment.EXEMPT_KINDS]
    )
    starts_on = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Last day", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: no end set."
    )
    reason = forms.CharField(label="Reason", max_length=300)


class EndExemptionForm(forms.Form):
    ends_on = forms.DateField(
        label="Last exempt day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: today.",
    )
    reason = forms.CharField(label="Reason", max_length=300, required=False)


class DutyForm(forms.Form):
    kind = forms.ChoiceField(label="Duty", choices=[(kind.value, kind.label) for kind in DutyAssignment.DUTY_KINDS])
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason", max_length=300, required=False)
