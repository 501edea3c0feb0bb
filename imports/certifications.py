"""The plan of a training-records import: one BWC certification per row (assignments.Certification).

A row names an officer on file by badge number, the day the training was passed and the last day it
is good for; each row is checked by assignments.forms.CertificationForm. The same officer and day
already on file is updated (its expiry or course), not duplicated. Two queries whatever the file's
size: the officers by badge, their certifications.
"""

from __future__ import annotations

from django.db.models.functions import Upper

from assignments.forms import CertificationForm
from assignments.models import Certification, Officer

from .plans import RowPlan, _cell, _finish, _form_data, _take_errors


class CertificationPlanner:
    """What every row of a training-records file is checked against, read in two queries."""

    def __init__(self, rows: list[dict], *, lock: bool) -> None:
        badges = {_cell(raw["values"], "badge_number").upper() for raw in rows} - {""}
        officers = list(Officer.objects.annotate(key=Upper("badge_number")).filter(key__in=badges))
        on_file = Certification.objects.select_related("officer").filter(officer__in=officers)
        if lock:
            on_file = on_file.select_for_update(of=("self",))
        self.on_file = {(c.officer_id, c.certified_on): c for c in on_file}
        self.form = CertificationForm(officers={officer.badge_number.lower(): officer for officer in officers})
        self.seen: dict[tuple, int] = {}

    def plan_row(self, raw: dict) -> RowPlan:
        values = raw["values"]
        row = RowPlan(line=raw["line"], key=_cell(values, "badge_number"))
        data = _form_data(values, {}, required=("certified_on", "expires_on"), optional=("course",))
        data["officer"] = _cell(values, "badge_number")
        form = self.form.rebound(data)
        _take_errors(row, form, columns={"officer": "badge_number"})
        target = None
        if not row.errors:
            officer, certified = form.cleaned_data["officer"], form.cleaned_data["certified_on"]
            row.key = f"{officer.badge_number} {certified}"
            key = (officer.pk, certified)
            if (first := self.seen.get(key)) is not None:
                row.refuse("certified_on", f"The same officer and day are also on line {first}.")
            else:
                self.seen[key] = row.line
                target = self.on_file.get(key)
        _finish(row, Certification, target, form)
        return row
