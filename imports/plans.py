"""What an import would do, row by row: create, update, leave unchanged, or refuse (with line, column, message).

Each row is checked by the form the console's add and edit pages use for the same record
(inventory.forms.CameraForm, assignments.forms.OfficerForm), so an import and a person typing refuse
the same things with the same words, and field lengths come from the models. What belongs to the file
alone is checked here: a key repeated in the file, the camera model as maker and model, yes or no, a
rank's abbreviation, and the pool column (checked against who holds the camera, never written: a camera
becomes personal only when it is issued). A cell left blank keeps what is on file.

A plan reads the database in a fixed handful of queries whatever the file's size. The preview shows
a plan; the confirmation builds it again inside its transaction, with the rows locked, and applies it
through the services only when nothing is refused and it is still the plan that was shown (its digest).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.db.models import Model
from django.db.models.functions import Upper

from assignments.forms import KnownOfficers, OfficerForm
from assignments.models import Checkout, Officer, PersonalIssue, Shift, Unit
from hartford_bwc import records, spreadsheet
from inventory.forms import CameraForm, KnownCameras
from inventory.models import Camera, CameraModel

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"

YES = {"yes", "y", "true", "1", "active"}
NO = {"no", "n", "false", "0", "inactive"}
POOLS = {value: value for value in Camera.Pool.values} | {label.lower(): value for value, label in Camera.Pool.choices}
RANKS = {label.lower(): value for value, label in Officer.Rank.choices} | {
    abbreviation.lower().rstrip("."): rank for rank, abbreviation in Officer.RANK_ABBREVIATIONS.items()
}


@dataclass
class RowPlan:
    line: int
    key: str
    action: str = CREATE
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # field -> (as it is, as it will be), both as text; "as it is" is None for a new record.
    changes: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    target: Model | None = None

    def refuse(self, column: str, message: str) -> None:
        self.errors.append((column, message))


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REFUSED)}

    @property
    def can_apply(self) -> bool:
        return not self.count(REFUSED) and bool(self.count(CREATE) + self.count(UPDATE))

    def rows_for_review(self) -> list[RowPlan]:
        """Refused rows first (what a person must fix), then the rest, each in file order."""
        return [row for row in self.rows if row.action == REFUSED] + [row for row in self.rows if row.action != REFUSED]

    @property
    def digest(self) -> str:
        shown = [[row.line, row.key, row.action, sorted(row.changes.items())] for row in self.rows]
        return hashlib.sha256(json.dumps(shown, separators=(",", ":")).encode()).hexdigest()


def build_plan(kind: str, rows: list[dict], *, lock: bool = False) -> Plan:
    if kind == "training":
        from .certifications import CertificationPlanner  # it builds on this module

        planner = CertificationPlanner(rows, lock=lock)
    elif kind in ("devices", "vehicles"):
        from .device_plans import DevicePlanner, VehiclePlanner  # they build on this module

        planner = DevicePlanner(rows, lock=lock) if kind == "devices" else VehiclePlanner(rows, lock=lock)
    elif kind == "cameras":
        planner = _CameraPlanner(rows, lock=lock)
    else:
        planner = _OfficerPlanner(rows, lock=lock)
    plan = Plan(kind, [planner.plan_row(raw) for raw in rows])
    for raw, row in zip(rows, plan.rows, strict=True):
        _warn_formula_cells(row, raw["values"])
    return plan


def _warn_formula_cells(row: RowPlan, values: dict[str, Any]) -> None:
    """A cell a spreadsheet would run as a formula is most likely an attack or a paste gone wrong.

    It may still be imported (exports write it as text, the pages escape it), but the person
    confirming sees it first.
    """
    for column, value in values.items():
        text = value.strip() if isinstance(value, str) else ""
        if spreadsheet.starts_like_formula(text):
            row.warnings.append(
                f"Column {column} starts with {text[0]}, like a spreadsheet formula: {text[:60]}. "
                "It is imported as written and exported as text; make sure the file meant it."
            )


# --- what every row goes through --------------------------------------------------------------------


def _cell(values: dict[str, Any], column: str) -> str:
    return values.get(column, "").strip()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


class _SeenKeys:
    """The keys (serial number, asset tag, badge) met so far in the file: each may be on one line only,
    whatever its case, as on file."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str], int] = {}

    def check(self, row: RowPlan, column: str, value: str, *, label: str) -> None:
        if not value:
            return  # the form says it is missing
        key = (column, value.upper())
        if (first := self.lines.get(key)) is not None:
            row.refuse(column, f"{label.capitalize()} {value} is also on line {first}.")
        else:
            self.lines[key] = row.line


def _form_data(values: dict, kept: dict, *, required: Iterable[str], optional: Iterable[str]) -> dict:
    """The form's data for a row: each required cell as written, each optional one unless it is blank
    (then what is on file, or the default for a new record, is kept)."""
    data = dict(kept)
    for name in required:
        data[name] = _cell(values, name)
    for name in optional:
        if text := _cell(values, name):
            data[name] = text
    return data


def _take_errors(row: RowPlan, form: forms.BaseForm, *, columns: dict[str, str] | None = None) -> None:
    """The form's refusals as the row's, each under its column; a column already refused keeps its first."""
    refused = {column for column, _ in row.errors}
    for name, errors in form.errors.as_data().items():
        column = (columns or {}).get(name, name)
        if column not in refused:
            for error in errors:
                row.refuse(column, " ".join(error.messages))


def _finish(row: RowPlan, model: type[Model], target: Model | None, form: forms.ModelForm) -> None:
    """Decide the row's action and its changes (as text, as the preview and the audit trail show them)."""
    row.target = target
    if row.errors:
        row.action = REFUSED
        return
    row.values = form.values()
    for name, value in row.values.items():
        model_field = model._meta.get_field(name)
        shown = _text(records.shown(model_field, value))
        if target is None:
            if shown:
                row.changes[name] = (None, shown)
            continue
        stored = getattr(target, model_field.attname)
        if stored != (value.pk if isinstance(value, Model) else value):
            row.changes[name] = (_text(records.shown_value(target, name)), shown)
    row.action = CREATE if target is None else UPDATE if row.changes else UNCHANGED


# --- cameras ---------------------------------------------------------------------------------------


class _CameraPlanner:
    """What every row of a camera file is checked against, read in a fixed handful of queries."""

    def __init__(self, rows: list[dict], *, lock: bool) -> None:
        serials = {_cell(raw["values"], "serial_number").upper() for raw in rows} - {""}
        tags = {_cell(raw["values"], "asset_tag").upper() for raw in rows} - {""}
        cameras = Camera.objects.select_related("model")
        if lock:
            cameras = cameras.select_for_update(of=("self",))
        found = {c.pk: c for c in cameras.annotate(key=Upper("serial_number")).filter(key__in=serials)}
        found |= {c.pk: c for c in cameras.annotate(key=Upper("asset_tag")).filter(key__in=tags)}
        self.by_serial = {camera.serial_number: camera for camera in found.values()}
        camera_models = list(CameraModel.objects.all())
        self.models = {(m.maker.lower(), m.name.lower()): m for m in camera_models}
        self.models_by_pk = {str(m.pk): m for m in camera_models}
        self.owners = {
            issue.camera_id: issue.officer
            for issue in PersonalIssue.objects.current().select_related("officer").filter(camera__in=list(found))
        }
        self.new = CameraForm.data_of(Camera())
        self.form = CameraForm(known=KnownCameras(found.values()), camera_models=self.models_by_pk)
        self.seen = _SeenKeys()

    def plan_row(self, raw: dict) -> RowPlan:
        values = raw["values"]
        serial = _cell(values, "serial_number")
        row = RowPlan(line=raw["line"], key=serial)
        self.seen.check(row, "serial_number", serial, label="serial number")
        self.seen.check(row, "asset_tag", _cell(values, "asset_tag"), label="asset tag")
        existing = self.by_serial.get(serial)
        data = _form_data(
            values,
            CameraForm.data_of(existing) if existing else self.new,
            required=("asset_tag", "serial_number"),
            optional=(
                "firmware_version",
                "purchase_batch",
                "purchased_on",
                "supplier",
                "purchase_price",
                "warranty_ends_on",
            ),
        )
        data["model"] = self._model(row, values)
        form = self.form.rebound(data, instance=existing)
        # A missing or unknown model is refused above, under the maker or model column.
        _take_errors(row, form, columns={"model": "model" if _cell(values, "maker") else "maker"})
        self._check_pool(row, _cell(values, "pool"), existing)
        _finish(row, Camera, existing, form)
        return row

    def _model(self, row: RowPlan, values: dict) -> str:
        """The camera model's key for the form, from the maker and model cells ("" when they name none)."""
        maker, name = _cell(values, "maker"), _cell(values, "model")
        if not maker or not name:
            row.refuse("model" if maker else "maker", "Missing maker or model.")
            return ""
        found = _find_model(self.models, maker, name)
        if found is None:
            known = ", ".join(str(m) for m in self.models.values()) or "none yet"
            row.refuse("model", f"Unknown camera model {maker} {name}. Known models: {known} (add one in the admin).")
            return ""
        return str(found.pk)

    def _check_pool(self, row: RowPlan, text: str, existing: Camera | None) -> None:
        """The pool column is checked against who holds the camera and never written: a camera joins or
        leaves an officer only through personal issue and its revocation (the services)."""
        if not text:
            return
        pool = POOLS.get(text.lower())
        owner = self.owners.get(existing.pk) if existing else None
        if pool is None:
            row.refuse("pool", f"Unknown pool {text!r}; write personal or spare.")
        elif pool == Camera.Pool.SPARE and owner is not None:
            row.refuse(
                "pool",
                f"{existing.asset_tag} is the personal camera of {owner.display_name} "
                f"(badge {owner.badge_number}); revoke it on the officer's page first.",
            )
        elif pool == Camera.Pool.PERSONAL and owner is None:
            row.refuse(
                "pool",
                "A camera becomes personal only when it is issued to an officer: write spare (or leave the "
                "pool blank), then issue it on the officer's page.",
            )


def _find_model(models: dict, maker: str, model_name: str):
    """The camera model by maker and name; "Axon" + "Axon Body 4" (the name as the console shows it) works too."""
    key = maker.lower(), model_name.lower()
    if key[1].startswith(key[0] + " "):
        return models.get(key) or models.get((key[0], key[1][len(key[0]) + 1 :].strip()))
    return models.get(key)


# --- officers --------------------------------------------------------------------------------------


class _OfficerPlanner:
    """What every row of a roster is checked against, read in a fixed handful of queries."""

    def __init__(self, rows: list[dict], *, lock: bool) -> None:
        badges = {_cell(raw["values"], "badge_number").upper() for raw in rows} - {""}
        officers = Officer.objects.select_related("unit", "shift")
        if lock:
            officers = officers.select_for_update(of=("self",))
        found = list(officers.annotate(key=Upper("badge_number")).filter(key__in=badges))
        self.by_badge = {officer.badge_number: officer for officer in found}
        self.units = {unit.name.lower(): unit for unit in Unit.objects.all()}
        self.shifts = {shift.name.lower(): shift for shift in Shift.objects.all()}
        self.holding = {
            checkout.officer_id: checkout.camera.asset_tag
            for checkout in Checkout.objects.open().select_related("camera").filter(officer__in=found)
        }
        self.new = OfficerForm.data_of(Officer())
        self.form = OfficerForm(known=KnownOfficers(found), units=self.units, shifts=self.shifts)
        self.seen = _SeenKeys()

    def plan_row(self, raw: dict) -> RowPlan:
        values = raw["values"]
        badge = _cell(values, "badge_number")
        row = RowPlan(line=raw["line"], key=badge)
        self.seen.check(row, "badge_number", badge, label="badge number")
        existing = self.by_badge.get(badge)
        data = _form_data(
            values,
            OfficerForm.data_of(existing) if existing else self.new,
            required=("badge_number", "first_name", "last_name"),
            optional=("unit", "shift", "email"),
        )
        if text := _cell(values, "rank"):
            data["rank"] = RANKS.get(text.lower().rstrip("."), text)
        if text := _cell(values, "active"):
            data["is_active"] = self._active(row, text, existing)
        form = self.form.rebound(data, instance=existing)
        _take_errors(row, form, columns={"is_active": "active"})
        _finish(row, Officer, existing, form)
        return row

    def _active(self, row: RowPlan, text: str, existing: Officer | None) -> bool:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            if existing is not None and existing.is_active and existing.pk in self.holding:
                # As the officer page's button: allowed, and the camera still has to come back.
                row.warnings.append(
                    f"Deactivated while holding {self.holding[existing.pk]}: get the camera back and check it in."
                )
            return False
        row.refuse("active", f"{text!r} is not yes or no.")
        return existing.is_active if existing else True
