"""An officer's duty page: duty, camera exemptions and BWC certifications; supervisors grant and end
exemptions and assign duty here (assignments.duty)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from audit.actor import Actor
from hartford_bwc.errors import InvalidInput
from hartford_bwc.refusals import attempt

from .. import duty, selectors
from ..forms import DutyForm, EndExemptionForm, ExemptionForm
from ..models import DutyAssignment


def _render(request, officer, *, status=200, **forms):
    today = timezone.localdate()
    rows = selectors.duty_assignments(officer)
    bound = forms.get("end_form")
    endable = [
        (
            row,
            bound
            if bound is not None and bound.prefix == f"end-{row.pk}"
            else EndExemptionForm(prefix=f"end-{row.pk}"),
        )
        for row in rows
        if row.is_exemption and (row.ends_on is None or row.ends_on >= today)
    ]
    context = {
        "officer": officer,
        "status": duty.duty_status(officer, today),
        "assignments": rows,
        "endable": endable,
        "certifications": selectors.certifications(officer),
        "can_approve": roles.has_role(request.user, roles.CAN_APPROVE_DUTY),
        "certification_days": settings.CERTIFICATION_EXPIRING_DAYS,
        "exemption_form": forms.get("exemption_form") or ExemptionForm(prefix="exempt"),
        "duty_form": forms.get("duty_form") or DutyForm(prefix="duty"),
    }
    return render(request, "assignments/officer_duty.html", context, status=status)


@roles.role_required(roles.CAN_READ)
def officer_duty(request, badge: str):
    return _render(request, selectors.officer_by_badge(badge))


def _run(request, badge: str, form_name: str, form, *, service, success, find=None):
    """One of the page's POSTs: the officer (and what `find` reads of theirs: a 404 when it is not
    theirs), `form` checked, then `service(**found, by=..., **cleaned_data)`. A bad form or a refusal
    re-renders the page with the form as typed (422, 409); success redirects with `success(officer, result)`.
    """
    officer = selectors.officer_by_badge(badge)
    found = find(officer) if find else {"officer": officer}
    if not form.is_valid():
        return _render(request, officer, status=422, **{form_name: form})
    by = Actor.from_request(request)
    outcome = attempt(lambda: service(**found, by=by, **form.cleaned_data))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        status = 422 if isinstance(outcome.refusal, InvalidInput) else 409
        return _render(request, officer, status=status, **{form_name: form})
    messages.success(request, success(officer, outcome.result))
    return redirect("assignments:officer_duty", officer.badge_number)


@roles.role_required(roles.CAN_APPROVE_DUTY)
@require_POST
def officer_grant_exemption(request, badge: str):
    return _run(
        request,
        badge,
        "exemption_form",
        ExemptionForm(request.POST, prefix="exempt"),
        service=duty.grant_exemption,
        success=lambda officer, row: (
            f"{officer.display_name}: {row.get_kind_display().lower()} {duty.span_text(row)} recorded."
        ),
    )


@roles.role_required(roles.CAN_APPROVE_DUTY)
@require_POST
def officer_end_exemption(request, badge: str, pk: int):
    return _run(
        request,
        badge,
        "end_form",
        EndExemptionForm(request.POST, prefix=f"end-{pk}"),
        service=duty.end_exemption,
        find=lambda officer: {
            "exemption": get_object_or_404(DutyAssignment.objects.exemptions(), pk=pk, officer=officer)
        },
        success=lambda officer, row: (
            f"{officer.display_name}'s {row.get_kind_display().lower()} now ends on {duty.day_text(row.ends_on)}."
        ),
    )


@roles.role_required(roles.CAN_APPROVE_DUTY)
@require_POST
def officer_assign_duty(request, badge: str):
    return _run(
        request,
        badge,
        "duty_form",
        DutyForm(request.POST, prefix="duty"),
        service=duty.assign_duty,
        success=lambda officer, row: (
            f"{officer.display_name} is on {row.get_kind_display().lower()} from {duty.day_text(row.starts_on)}."
        ),
    )
