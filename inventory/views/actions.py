"""The camera page's actions: each a small form posted to its own URL, each calling one service.

Which actions a camera's page offers, and to whom, is the camera's lifecycle (inventory/lifecycle.py):
an action shows when its transition is allowed from the camera's status and the user's role may make it.
A refusal (DomainError) or an invalid form re-renders the camera page with the form as typed and
the message; the service's transaction means nothing is half-done. Success redirects to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from assignments import services as assignment_services
from audit.actor import Actor
from devices import action_forms as device_forms
from devices.selectors import camera_pairings
from hartford_bwc.refusals import attempt

from .. import bulk, forms, services, timeline
from ..lifecycle import CAMERA, CameraStatus
from ..models import Camera, ChargeEvent, MaintenanceRecord
from ..selectors.camera_page import CameraPage, camera_by_tag, camera_page
from ..tables import STATUS_BADGE, charge_state


def check_out(camera, data, by) -> str:
    checkout = assignment_services.check_out(
        camera=camera,
        officer=data["officer"],
        by=by,
        allow_uncharged=data["allow_uncharged"],
        allow_others_personal=data["allow_others_personal"],
    )
    return f"{camera.asset_tag} checked out to {checkout.officer.display_name} (badge {checkout.officer.badge_number})."


def check_in(camera, data, by) -> str:
    checkout = assignment_services.check_in(
        camera=camera, by=by, condition=data["condition"], damage_description=data["damage_description"]
    )
    if checkout.condition == "damaged":
        return f"{camera.asset_tag} checked in damaged; a repair record is open and awaits triage."
    return f"{camera.asset_tag} checked in from {checkout.officer.display_name}. Put it in a dock."


def record_charge(camera, data, by) -> str:
    event = services.record_charge(
        camera=camera,
        kind=data["kind"],
        dock=data["dock"],
        bay=data["bay"],
        battery_percent=data["battery_percent"],
        by=by,
    )
    return f"{camera.asset_tag}: {event.get_kind_display().lower()} recorded."


def open_maintenance(camera, data, by) -> str:
    record = services.open_maintenance(
        camera=camera,
        kind=data["kind"],
        performed_by=data["performed_by"],
        rma_number=data["rma_number"],
        problem=data["problem"],
        by=by,
    )
    return f"{camera.asset_tag} is out of service: {record.get_kind_display().lower()} opened."


def assign_maintenance(camera, data, by) -> str:
    record = services.assign_maintenance(
        camera=camera, performed_by=data["performed_by"], rma_number=data["rma_number"], by=by
    )
    who = (
        "to the vendor" + (f" ({record.rma_number})" if record.rma_number else "")
        if record.performed_by == "vendor"
        else "in-house"
    )
    return f"{camera.asset_tag}: {record.get_kind_display().lower()} assigned {who}."


def close_maintenance(camera, data, by) -> str:
    record = services.close_maintenance(
        camera=camera,
        outcome=data["outcome"],
        notes=data["notes"],
        firmware_version=data["firmware_version"],
        repair_cost=data["repair_cost"],
        by=by,
    )
    if record.outcome == MaintenanceRecord.Outcome.RETIRED:
        return f"{camera.asset_tag} retired; its maintenance record is closed."
    return f"{camera.asset_tag} is back in service. Dock it to charge."


def issue_personal(camera, data, by) -> str:
    issue = assignment_services.issue_personal(officer=data["officer"], camera=camera, reason=data["reason"], by=by)
    return f"{camera.asset_tag} is now the personal camera of {issue.officer.display_name}."


def revoke_personal(camera, data, by) -> str:
    issue = assignment_services.revoke_personal(camera=camera, reason=data["reason"], by=by)
    return f"{camera.asset_tag} is no longer {issue.officer.display_name}'s; it joined the spare pool."


def retire(camera, data, by) -> str:
    services.retire(camera=camera, reason=data["reason"], by=by)
    return f"{camera.asset_tag} retired. Its history stays."


def report_lost(camera, data, by) -> str:
    services.report_lost(camera=camera, incident_number=data["incident_number"], reason=data["reason"], by=by)
    return f"{camera.asset_tag} reported lost under incident {data['incident_number'].strip()}."


def report_found(camera, data, by) -> str:
    services.report_found(camera=camera, notes=data["notes"], by=by)
    return f"{camera.asset_tag} found; it is in maintenance for an inspection before it goes out again."


def _always(page: CameraPage) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    """A form on the camera page for the lifecycle transition `transition` (None: no status rule, as
    revoking a personal issue), shown when the transition is allowed and `also_when` holds."""

    title: str
    button: str
    form_class: type[django_forms.Form]
    perform: Callable[[Camera, dict, Actor], str]
    transition: str | None
    also_when: Callable[[CameraPage], bool] = _always
    danger: bool = False
    # Asks "are you sure" on a page of its own, listing what will change, before calling the service.
    confirm: bool = False

    def shown_when(self, page: CameraPage) -> bool:
        allowed = self.transition is None or CAMERA.allows(self.transition, page.camera.status)
        return allowed and self.also_when(page)

    def allows_user(self, user) -> bool:
        if self.transition is None:
            return roles.has_role(user, roles.CAN_ACT)
        return CAMERA[self.transition].by.allows_user(user)


def _maintenance_open(page: CameraPage) -> bool:
    return page.maintenance is not None


def _not_personal(page: CameraPage) -> bool:
    return page.personal is None


def _personal(page: CameraPage) -> bool:
    return page.personal is not None


# Slug (the action's URL) -> action. The order is the order on the page. Check-in and closing
# maintenance each stand for two transitions (working or damaged; back to service or retired) with the
# same sources: the form's answer picks one.
ACTIONS: dict[str, Action] = {
    "check-out": Action("Check out to an officer", "Check out", forms.CheckOutForm, check_out, "check_out"),
    "check-in": Action("Check in", "Check in", forms.CheckInForm, check_in, "check_in"),
    "charge": Action("Record a charge or dock", "Record", forms.ChargeForm, record_charge, "record_charge"),
    "maintenance-open": Action(
        "Open maintenance", "Open maintenance", forms.OpenMaintenanceForm, open_maintenance, "open_maintenance"
    ),
    "maintenance-assign": Action(
        "Triage maintenance",
        "Assign",
        forms.AssignMaintenanceForm,
        assign_maintenance,
        "assign_maintenance",
        _maintenance_open,
    ),
    "maintenance-close": Action(
        "Close maintenance",
        "Close maintenance",
        forms.CloseMaintenanceForm,
        close_maintenance,
        "return_to_service",
        _maintenance_open,
    ),
    "issue-personal": Action(
        "Issue as a personal camera", "Issue", forms.IssuePersonalForm, issue_personal, "issue_personal", _not_personal
    ),
    "revoke-personal": Action(
        "Revoke personal issue", "Revoke", forms.RevokePersonalForm, revoke_personal, None, _personal
    ),
    "report-lost": Action(
        "Report lost or stolen", "Report lost", forms.ReportLostForm, report_lost, "report_lost", danger=True
    ),
    "report-found": Action("Report found", "Found", forms.ReportFoundForm, report_found, "report_found"),
    "retire": Action("Retire", "Retire…", forms.RetireForm, retire, "retire", danger=True, confirm=True),
}


def url_name(slug: str) -> str:
    """The URL name of an action: its slug is a path segment ("check-out"), URL names use underscores."""
    return f"camera_{slug.replace('-', '_')}"


@dataclass
class ShownAction:
    slug: str
    action: Action
    form: django_forms.Form

    @property
    def url_name(self) -> str:
        return f"inventory:{url_name(self.slug)}"


def forms_for(page: CameraPage, *, user, bound: dict | None = None) -> list[ShownAction]:
    """The actions that fit the camera's state and that `user` may take; `bound` = {slug: form} keeps a
    refused form as typed."""
    bound = bound or {}
    shown = []
    for slug, action in ACTIONS.items():
        if slug in bound:
            shown.append(ShownAction(slug, action, bound[slug]))
        elif action.allows_user(user) and action.shown_when(page):
            shown.append(ShownAction(slug, action, _initial_form(slug, action, page)))
    return shown


def _initial_form(slug: str, action: Action, page: CameraPage) -> django_forms.Form:
    initial = {}
    if slug == "maintenance-assign" and page.maintenance is not None:
        initial = {
            "performed_by": page.maintenance.performed_by or "in_house",
            "rma_number": page.maintenance.rma_number,
        }
    if slug == "charge" and page.camera.dock_id:
        initial = {"kind": ChargeEvent.Kind.FULL_CHARGE, "dock": page.camera.dock, "bay": page.camera.dock_bay}
    return action.form_class(prefix=slug, initial=initial)


def render_camera_page(request, camera: Camera, *, bound: dict | None = None, status: int = 200):
    # The history's page and kind come from the address (bookmarkable); a re-rendered action shows page 1.
    query = request.GET
    page = camera_page(camera, kind=timeline.parse_kind(query.get("kind")), page=timeline.parse_page(query.get("page")))
    charge = charge_state(camera)
    return render(
        request,
        "inventory/camera_detail.html",
        {
            "page": page,
            "camera": camera,
            "actions": forms_for(page, user=request.user, bound=bound),
            "status_badge": STATUS_BADGE.get(camera.status, ""),
            "is_lost": camera.status == CameraStatus.LOST,
            "charge_text": charge[0],
            "charge_badge": charge[1],
            "timeline_kinds": timeline.KINDS,
            "today": timezone.localdate(),
            "attachment_max_mb": f"{settings.ATTACHMENT_MAX_BYTES / 1_000_000:g}",
            # The signal devices paired with the camera (devices app), and the form to pair another.
            "pairings": camera_pairings(camera),
            "pair_form": device_forms.PairDeviceForm(prefix="pair-device"),
            "may_pair": roles.has_role(request.user, roles.CAN_ACT) and camera.status not in CAMERA.out_of_service,
        },
        status=status,
    )


def render_confirmation(request, camera: Camera, slug: str, spec: Action, form: django_forms.Form):
    """The page that asks for confirmation: what the action will change, the form as typed, Confirm."""
    [change] = bulk.forecast(bulk.ACTIONS[slug], [camera.asset_tag], form.cleaned_data).changes
    return render(
        request,
        "inventory/action_confirm.html",
        {"camera": camera, "slug": slug, "spec": spec, "form": form, "change": change, "url_name": url_name(slug)},
    )


@role_required(roles.CAN_ACT)
@require_POST
def camera_action(request, asset_tag: str, action: str):
    spec = ACTIONS.get(action)
    camera = camera_by_tag(asset_tag)
    if spec is None or camera is None:
        raise Http404("No such camera or action.")
    if not spec.allows_user(request.user):
        raise PermissionDenied("Your role does not allow this.")
    form = spec.form_class(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, f"{spec.title}: check the highlighted fields.")
        return render_camera_page(request, camera, bound={action: form}, status=422)
    if spec.confirm and request.POST.get("confirm") != "yes":
        return render_confirmation(request, camera, action, spec, form)
    outcome = attempt(lambda: spec.perform(camera, form.cleaned_data, Actor.from_request(request)))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        # The service rolled back; re-read the camera so the page shows what is true now.
        camera = camera_by_tag(asset_tag)
        return render_camera_page(request, camera, bound={action: form}, status=409)
    messages.success(request, outcome.result)
    return redirect(camera.get_absolute_url())
