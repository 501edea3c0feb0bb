"""The kiosk's forms: parsing only; the templates lay the fields out for gloved hands."""

from __future__ import annotations

from django import forms

from assignments.models import Checkout


class SignInForm(forms.Form):
    badge = forms.CharField(label="Badge number", max_length=40, required=False)
    pin = forms.CharField(label="PIN", max_length=64, required=False, strip=False)
    # A camera label scanned into the badge field starts a return (kiosk.views.officer.sign_in); kiosk.js says
    # how it was entered, as for the return field.
    entry_method = forms.CharField(max_length=10, required=False)


class EnrollmentCodeForm(forms.Form):
    badge = forms.CharField(label="Badge number", max_length=40, required=False)
    code = forms.CharField(label="Code from your PIN letter", max_length=40, required=False, strip=False)


class ChoosePinForm(forms.Form):
    pin = forms.CharField(label="New PIN", max_length=64, required=False, strip=False)
    pin_again = forms.CharField(label="New PIN again", max_length=64, required=False, strip=False)


class BarcodeForm(forms.Form):
    barcode = forms.CharField(label="Camera barcode", max_length=60, required=False)


class ReturnForm(forms.Form):
    barcode = forms.CharField(label="Camera barcode", max_length=60, required=False)
    condition = forms.ChoiceField(
        choices=[("", "")] + [(c.value, c.label) for c in (Checkout.Condition.WORKING, Checkout.Condition.DAMAGED)],
        required=False,
    )
    damage_description = forms.CharField(label="What is wrong", max_length=1000, required=False)
    # Filled by kiosk.js: "scanned" for a scanner's burst of keys ending in Enter, else "typed".
    entry_method = forms.CharField(max_length=10, required=False)


class PreshiftForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("passed", "passed"), ("failed", "failed")])
    item = forms.IntegerField(min_value=0, required=False)


class RegisterKioskForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60, help_text="e.g. HQ front desk")
    location = forms.CharField(label="Location", max_length=120, required=False, help_text="Where it stands.")


class RevokeKioskForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200, required=False)
