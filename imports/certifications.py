"""The plan of a training-records import: one BWC certification per row (assignments.Certification).

A row names an officer on file by badge number, the day the training was passed and the last day it
is good for. The same officer and day already on file is updated (its expiry or course), not
duplicated. Two queries whatever the file's size: the officers by badge, their certifications.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from assignments.models import Certification, Officer

from .plans import Plan, RowPlan, _check_length, _finish, _parse_date


def plan_certifications(rows: list[dict], *, lock: bool) -> Plan:
    badges = {r["values"].get("badge_number", "").strip() for r in rows} - {""}
    officers = {o.badge_number: o for o in Officer.objects.filter(badge_number__in=badges)}
    existing_rows = Certification.objects.select_related("officer").filter(officer__in=list(officers.values()))
    if lock:
        existing_rows = existing_rows.select_for_update(of=("self",))
    existing = {(c.officer_id, c.certified_on): c for c in existing_rows}
    today = timezone.localdate()
    seen: dict[tuple, int] = {}
    plans = []
    for raw in rows:
        values, line = raw["values"], raw["line"]
        row, new, key = _row(values, line, officers, today)
        target = None
        if key is not None:
            if key in seen:
                row.refuse("certified_on", f"The same officer and day are also on line {seen[key]}.")
            else:
                seen[key] = line
                target = existing.get(key)
        _finish(row, target, new, {"officer": str(new["officer"])} if "officer" in new else {})
        plans.append(row)
    return Plan("training", plans)


def _row(values: dict, line: int, officers: dict, today) -> tuple[RowPlan, dict[str, Any], tuple | None]:
    badge = values.get("badge_number", "").strip()
    row = RowPlan(line=line, key=badge)
    new: dict[str, Any] = {}
    officer = officers.get(badge)
    if not badge:
        row.refuse("badge_number", "Missing badge number.")
    elif officer is None:
        row.refuse("badge_number", f"No officer has the badge number {badge[:20]}; import the officer first.")
    else:
        new["officer"] = officer
    certified = expires = None
    if text := values.get("certified_on", "").strip():
        certified = _parse_date(row, "certified_on", text, today)
    else:
        row.refuse("certified_on", "Missing the day the training was passed.")
    if text := values.get("expires_on", "").strip():
        expires = _parse_date(row, "expires_on", text, today, allow_future=True)
    else:
        row.refuse("expires_on", "Missing the expiry date.")
    if certified and expires and expires < certified:
        row.refuse("expires_on", f"Expires on {expires} before it was passed on {certified}.")
    new.update(certified_on=certified, expires_on=expires)
    if text := values.get("course", "").strip():
        _check_length(row, "course", text, 120)
        new["course"] = text
    row.key = f"{badge} {certified or ''}".strip()
    key = (officer.pk, certified) if officer is not None and certified is not None else None
    return row, new, key
