"""The camera's forms: its record (added, edited, or a row of an import) and the camera page's actions; each feeds one service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from assignments.models import Checkout, Officer
from hartford_bwc import control_characters, formfields
from hartford_bwc.errors import InvalidInput

from . import services
from .firmware import validate_firmware_version
from .models import MAX_DOCK_BAYS, Camera, CameraModel, ChargeEvent, Dock, MaintenanceRecord


class BadgeField(forms.CharField):
    """A badge number, resolved to the officer; an unknown badge is a form error, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Badge number")
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})

    def clean(self, value):
        badge = super().clean(value).strip()
        officer = Officer.objects.select_related("unit").filter(badge_number=badge).first()
        if officer is None:
            raise forms.ValidationError(f"No officer has badge number {badge}.")
        return officer


class CheckOutForm(forms.Form):
    officer = BadgeField()
    allow_uncharged = forms.BooleanField(
        required=False, label="Let it go out even if it is not charged enough (the officer was told)"
    )
    allow_others_personal = forms.BooleanField(
        required=False, label="Let it go out even if it is another officer's personal camera"
    )


class CheckInForm(forms.Form):
    condition = forms.ChoiceField(
        label="Condition",
        choices=[(Checkout.Condition.WORKING, "Working"), (Checkout.Condition.DAMAGED, "Damaged")],
        initial=Checkout.Condition.WORKING,
        widget=forms.RadioSelect,
    )
    damage_description = forms.CharField(
        label="What is wrong", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DockField(forms.CharField):
    """A dock typed by the name on its label (as the API takes it), resolved to the dock in service.

    Not a menu: a menu lists every dock in service (3,750 at 30,000 cameras) on every page that asks
    for one (the camera page, the bulk move to a dock, the stocktake's start form),
    and finding one among them is slower at the desk than reading its label. An unknown name is a
    form error that says so; letter case does not matter when the name is otherwise unique.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Dock")
        kwargs.setdefault("max_length", Dock._meta.get_field("name").max_length)
        kwargs.setdefault("help_text", "The name on the dock's label, e.g. Dock 014.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def prepare_value(self, value):
        return value.name if isinstance(value, Dock) else value

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        if control_characters.has_any(name):
            raise forms.ValidationError("The dock's name holds a control character; type it again.")
        docks = list(Dock.objects.filter(is_active=True, name__iexact=name)[:10])
        # Names are unique as written; regardless of case only when no two differ by case alone.
        found = [dock for dock in docks if dock.name == name] or docks
        if not found:
            raise forms.ValidationError(f"No dock in service is named “{name}”. Type the name on its label.")
        if len(found) > 1:
            raise forms.ValidationError(
                f"More than one dock is named “{name}” in other letter case; type it as on its label."
            )
        return found[0]


class ChargeForm(forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=ChargeEvent.Kind.choices, initial=ChargeEvent.Kind.DOCKED)
    dock = DockField(required=False)
    bay = forms.IntegerField(label="Bay", required=False, min_value=1, max_value=MAX_DOCK_BAYS)
    battery_percent = forms.IntegerField(label="Battery %", required=False, min_value=0, max_value=100)


class OpenMaintenanceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=MaintenanceRecord.Kind.choices)
    performed_by = forms.ChoiceField(
        label="Done by",
        choices=[
            (MaintenanceRecord.PerformedBy.IN_HOUSE, "In-house"),
            (MaintenanceRecord.PerformedBy.VENDOR, "Vendor (RMA)"),
            (MaintenanceRecord.PerformedBy.AWAITING_TRIAGE, "Decide later (awaiting triage)"),
        ],
        required=False,
    )
    rma_number = forms.CharField(label="RMA number", required=False, max_length=40)
    problem = forms.CharField(
        label="Problem", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignMaintenanceForm(forms.Form):
    performed_by = forms.ChoiceField(
        label="Done by",
        choices=[
            (MaintenanceRecord.PerformedBy.IN_HOUSE, "In-house"),
            (MaintenanceRecord.PerformedBy.VENDOR, "Vendor (RMA)"),
        ],
    )
    rma_number = forms.CharField(label="RMA number", required=False, max_length=40)


class CloseMaintenanceForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (MaintenanceRecord.Outcome.RETURNED_TO_SERVICE, "Returned to service"),
            (MaintenanceRecord.Outcome.RETIRED, "Retired"),
        ],
    )
    firmware_version = forms.CharField(
        label="Firmware version now", required=False, max_length=20, validators=[validate_firmware_version]
    )
    repair_cost = forms.DecimalField(
        label="Repair cost ($)", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IssuePersonalForm(forms.Form):
    officer = BadgeField()
    reason = forms.CharField(label="Reason", required=False, max_length=200)


class RevokePersonalForm(forms.Form):
    reason = forms.CharField(label="Reason", required=False, max_length=200)


class RetireForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportLostForm(forms.Form):
    incident_number = forms.CharField(label="Incident number", max_length=40)
    reason = forms.CharField(label="What happened", required=False, max_length=1000)


class ReportFoundForm(forms.Form):
    notes = forms.CharField(label="Notes", required=False, max_length=1000)


class BulkSelectionForm(forms.Form):
    """The asset tags ticked in the camera list (each once, in the order ticked), at most `limit`."""

    camera = forms.CharField(required=False)

    def __init__(self, data=None, *, limit: int = 1000, **kwargs):
        super().__init__(data, **kwargs)
        self.limit = limit
        self.asset_tags = []
        if data is not None:
            self.asset_tags = list(dict.fromkeys(tag.strip() for tag in data.getlist("camera") if tag.strip()))

    def clean(self):
        if not self.asset_tags:
            raise forms.ValidationError("Tick at least one camera first.")
        if len(self.asset_tags) > self.limit:
            raise forms.ValidationError(
                f"{len(self.asset_tags):,} cameras were selected; act on at most {self.limit:,} at a time. "
                "Filter the list down and select again."
            )
        # The field validates only the last value; every ticked tag reaches a query (PostgreSQL
        # refuses a NUL there: it was a 500), and no asset tag holds a control character.
        if any(control_characters.has_any(tag) for tag in self.asset_tags):
            raise forms.ValidationError("An asset tag holds a control character; tick the cameras again.")
        return super().clean()


# --- the bulk actions' own fields (inventory.bulk); check-in needs none -----------------------------


class BulkCheckInForm(forms.Form):
    pass


class BulkRetireForm(RetireForm):
    pass


class BulkDockForm(forms.Form):
    # Typed, as on the camera page: a menu of every dock in service grew with the fleet (3,750 at 30,000).
    dock = DockField(error_messages={"required": "Type the name of the dock to move the cameras to."})


class BulkInspectionForm(forms.Form):
    problem = forms.CharField(
        label="What to inspect (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- a camera's record: the console's add and edit pages, and each row of a camera import -----------

NOTES_MAX_LENGTH = 2000


class KnownCameras:
    """The cameras an asset tag or serial number is checked against, whatever its case.

    Without cameras it asks the database (the console's one form); an import hands over the cameras
    it read for all of its rows at once, so no row costs a query.
    """

    def __init__(self, cameras: Iterable[Camera] | None = None) -> None:
        self.preloaded = cameras is not None
        cameras = list(cameras or ())
        self.by_tag = {camera.asset_tag.upper(): camera for camera in cameras}
        self.by_serial = {camera.serial_number.upper(): camera for camera in cameras}

    def with_tag(self, tag: str) -> Camera | None:
        if self.preloaded:
            return self.by_tag.get(tag.upper())
        return Camera.objects.filter(asset_tag__iexact=tag).first()

    def with_serial(self, serial: str) -> Camera | None:
        if self.preloaded:
            return self.by_serial.get(serial.upper())
        return Camera.objects.select_related(None).filter(serial_number__iexact=serial).first()


class CameraForm(formfields.RecordFormMixin, forms.ModelForm):
    """What describes a camera (services.CAMERA_DESCRIPTION), never its state.

    One form for the console's "Add camera" and "Edit" pages and for every row of a camera import,
    so both refuse the same things with the same words. Lengths come from the model's fields.
    """

    model = formfields.RecordChoiceField(
        CameraModel.objects.all(),
        label="Model",
        empty_label="(choose)",
        unknown="Unknown camera model {value!r}. Known models: {known} (add one in the admin).",
    )
    purchased_on = formfields.PastDateField(label="Purchased on", required=False)
    purchase_price = formfields.MoneyField(label="Purchase price ($)", required=False)
    warranty_ends_on = formfields.DayField(label="Warranty ends on", required=False)
    notes = forms.CharField(
        label="Notes", required=False, max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Camera
        fields = services.CAMERA_DESCRIPTION
        labels = {"asset_tag": "Asset tag", "serial_number": "Serial number", "firmware_version": "Firmware version"}
        help_texts = {"asset_tag": "The label on the camera, e.g. HPD-BWC-0412.", "firmware_version": "e.g. 4.1.0."}

    def __init__(
        self,
        *args: Any,
        known: KnownCameras | None = None,
        camera_models: dict[str, CameraModel] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = known or KnownCameras()
        if camera_models is not None:
            self.fields["model"].known = camera_models
        self.fields["asset_tag"].widget.attrs.update(autocomplete="off", autocapitalize="characters")

    @staticmethod
    def data_of(camera: Camera) -> dict[str, Any]:
        """The camera as this form's data: what an import row keeps where its cell is blank."""
        return {
            name: camera.model_id if name == "model" else getattr(camera, name) for name in services.CAMERA_DESCRIPTION
        }

    def clean_asset_tag(self) -> str:
        tag = formfields.clean_identifier(self.cleaned_data["asset_tag"], label="asset tag").upper()
        holder = self.known.with_tag(tag)
        if holder is not None and holder.pk != self.instance.pk:
            raise forms.ValidationError(
                f"Asset tag {tag} already belongs to the camera with serial number {holder.serial_number}."
            )
        return tag

    def clean_serial_number(self) -> str:
        serial = formfields.clean_text(self.cleaned_data["serial_number"], label="serial number")
        holder = self.known.with_serial(serial)
        if holder is not None and holder.pk != self.instance.pk:
            if holder.serial_number != serial:
                raise forms.ValidationError(
                    f"Serial number {serial} is on file as {holder.serial_number} ({holder.asset_tag}); "
                    "write it as it is on file."
                )
            raise forms.ValidationError(f"Serial number {serial} is already on file: {holder.asset_tag}.")
        return serial

    def clean_purchase_batch(self) -> str:
        return formfields.clean_text(self.cleaned_data["purchase_batch"], label="purchase batch")

    def clean_notes(self) -> str:
        return formfields.clean_text(self.cleaned_data["notes"], label="notes")

    def values(self) -> dict[str, Any]:
        """The cleaned description, as the services take it."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


formfields.apply_messages(CameraForm.base_fields)


class AttachmentForm(forms.Form):
    """One photo or document for a maintenance record; inventory.attachments decides what is accepted."""

    file = forms.FileField(
        label="Photo or document",
        allow_empty_file=True,  # refused by the service, in the words every other refusal uses
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf"}
        ),
    )

    def upload(self):
        if not self.is_valid():
            raise InvalidInput("Choose a photo or document to attach.", code="no_file")
        return self.cleaned_data["file"]
