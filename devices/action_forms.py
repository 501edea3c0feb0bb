"""The small forms of the device, vehicle and camera pages' actions; each feeds one devices.services call.

(The forms that add and edit a device's record are the records' own, in devices.forms.)
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from hartford_bwc import formfields
from inventory.firmware import validate_firmware_version
from inventory.forms import BadgeField
from inventory.models import Camera

from .models import Device, Vehicle


class _LookupField(forms.CharField):
    """A code typed or scanned (an asset tag, a unit number), resolved to its row; an unknown one is a
    form error, not a 500."""

    model: type = Camera
    lookup = "asset_tag"
    what = "camera"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off"})

    def clean(self, value):
        code = super().clean(value).strip()
        found = self.model.objects.filter(**{f"{self.lookup}__iexact": code}).first()
        if found is None:
            raise forms.ValidationError(f"No {self.what} has {self.lookup.replace('_', ' ')} {code}.")
        return found


class CameraTagField(_LookupField):
    model, lookup, what = Camera, "asset_tag", "camera"


class DeviceTagField(_LookupField):
    model, lookup, what = Device, "asset_tag", "device"


class VehicleNumberField(_LookupField):
    model, lookup, what = Vehicle, "unit_number", "vehicle"


class IssueForm(forms.Form):
    officer = BadgeField()
    reason = forms.CharField(label="Reason", required=False, max_length=200)


class InstallForm(forms.Form):
    vehicle = VehicleNumberField(label="Vehicle unit number")


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Reason", required=False, max_length=200)


class MaintenanceOpenForm(forms.Form):
    problem = forms.CharField(label="What is wrong", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MaintenanceCloseForm(forms.Form):
    notes = forms.CharField(label="What was done", required=False, max_length=1000)


class ReportLostForm(forms.Form):
    incident_number = forms.CharField(label="Incident number", max_length=40)
    reason = forms.CharField(label="What happened", required=False, max_length=1000)


class ReportFoundForm(forms.Form):
    notes = forms.CharField(label="Notes", required=False, max_length=1000)


class RetireForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class BatteryForm(forms.Form):
    fitted_on = formfields.PastDateField(label="Fitted on", initial=timezone.localdate)


class FirmwareForm(forms.Form):
    firmware_version = forms.CharField(label="Firmware version", max_length=20, validators=[validate_firmware_version])


class PairForm(forms.Form):
    camera = CameraTagField(label="Camera asset tag")


class UnpairForm(forms.Form):
    reason = forms.CharField(label="Reason", required=False, max_length=200)


# --- the camera page and the vehicle page ---------------------------------------------------------------


class PairDeviceForm(forms.Form):
    """On the camera page: the device to pair with this camera."""

    device = DeviceTagField(label="Device asset tag")


class UnpairDeviceForm(forms.Form):
    """On the camera page: which paired device to unpair (a button per device)."""

    device = DeviceTagField(widget=forms.HiddenInput)


class InstallUnitForm(forms.Form):
    """On the vehicle page: a signal unit from stock."""

    device = forms.ModelChoiceField(label="Signal unit", queryset=Device.objects.none(), empty_label="(choose)")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["device"].queryset = units
        self.fields["device"].label_from_instance = lambda d: f"{d.asset_tag} ({d.model})"


class RemoveUnitForm(forms.Form):
    device = DeviceTagField(widget=forms.HiddenInput)


class OutOfServiceForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=1000)


class BackInServiceForm(forms.Form):
    notes = forms.CharField(label="Notes", required=False, max_length=1000)
