"""Forms of the officer page's actions; each one feeds one service."""

from __future__ import annotations

from django import forms

from inventory.models import Camera


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
