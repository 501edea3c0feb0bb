"""The upload and confirm forms of the imports page."""

from __future__ import annotations

from django import forms

from .models import ImportUpload


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportUpload.Kind.choices)
    file = forms.FileField(label="File (.csv or .xlsx)")


class ConfirmForm(forms.Form):
    checksum = forms.CharField(max_length=64, widget=forms.HiddenInput)
    plan_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
