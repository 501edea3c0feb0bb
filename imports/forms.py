"""The upload and confirm forms of the imports page."""

from __future__ import annotations

from django import forms

from .models import ImportUpload


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportUpload.Kind.choices)
    # An empty file reaches the parser, which says so in its own words.
    file = forms.FileField(label="File (.csv or .xlsx)", allow_empty_file=True)


class ConfirmForm(forms.Form):
    checksum = forms.CharField(max_length=64, widget=forms.HiddenInput)
    plan_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
