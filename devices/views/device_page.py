"""The device page and its actions: each a small form posted to its own URL, each calling one service.

Which actions the page offers, and to whom, is the device's lifecycle (devices/lifecycle.py): an action
shows when its transition is allowed from the device's status and the user's role may make it (as the
camera page: inventory/views/actions.py). A refusal or an invalid form re-renders the page with the form
as typed and the message (409 / 422); success redirects to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import attempt
from inventory.timeline import parse_page

from .. import action_forms as forms
from .. import services
from ..lifecycle import DEVICE
from ..models import Device, DeviceKind
from ..selectors import DevicePage, device_by_tag, device_page
from ..tables import STATUS_BADGE


def issue(device, data, by) -> str:
    device = services.issue_to_officer(device=device, officer=data["officer"], reason=data["reason"], by=by)
    return f"{device.asset_tag} issued to {device.holder_label}."


def install(device, data, by) -> str:
    services.install_in_vehicle(device=device, vehicle=data["vehicle"], by=by)
    return f"{device.asset_tag} installed in {data['vehicle']}."


def return_to_stock(device, data, by) -> str:
    services.return_to_stock(device=device, reason=data["reason"], by=by)
    return f"{device.asset_tag} is back in stock."


def open_maintenance(device, data, by) -> str:
    services.open_maintenance(device=device, problem=data["problem"], by=by)
    return f"{device.asset_tag} is in maintenance."


def close_maintenance(device, data, by) -> str:
    services.close_maintenance(device=device, notes=data["notes"], by=by)
    return f"{device.asset_tag} is back in stock, ready to issue."


def replace_battery(device, data, by) -> str:
    device = services.replace_battery(device=device, fitted_on=data["fitted_on"], by=by)
    return f"{device.asset_tag}: new battery recorded."


def update_firmware(device, data, by) -> str:
    device = services.update_firmware(device=device, firmware_version=data["firmware_version"], by=by)
    below = (
        f" That is still below the model's minimum, {device.model.minimum_firmware}."
        if device.firmware_below_minimum
        else ""
    )
    return f"{device.asset_tag} now runs firmware {device.firmware_version}.{below}"


def paired_message(device: Device, camera) -> str:
    """What a person reads after a pairing; it says so when the model would have worked unpaired."""
    note = (
        ""
        if device.model.needs_pairing
        else f" ({device.model} broadcasts to any camera in range; pairing is optional.)"
    )
    return f"{device.asset_tag} paired with {camera.asset_tag}.{note}"


def pair(device, data, by) -> str:
    pairing = services.pair_with_camera(device=device, camera=data["camera"], by=by)
    return paired_message(device, pairing.camera)


def unpair(device, data, by) -> str:
    pairing = services.unpair(device=device, reason=data["reason"], by=by)
    return f"{device.asset_tag} unpaired from {pairing.camera.asset_tag}."


def report_lost(device, data, by) -> str:
    services.report_lost(device=device, incident_number=data["incident_number"], reason=data["reason"], by=by)
    return f"{device.asset_tag} reported lost under incident {data['incident_number'].strip()}."


def report_found(device, data, by) -> str:
    services.report_found(device=device, notes=data["notes"], by=by)
    return f"{device.asset_tag} found; it is in maintenance to be checked before it goes out again."


def retire(device, data, by) -> str:
    services.retire(device=device, reason=data["reason"], by=by)
    return f"{device.asset_tag} retired. Its history stays."


def _always(page: DevicePage) -> bool:
    return True


def _personal(page: DevicePage) -> bool:
    return page.device.model.kind in DeviceKind.personal()


def _vehicle_unit(page: DevicePage) -> bool:
    return page.device.model.kind == DeviceKind.VEHICLE_UNIT


def _has_battery(page: DevicePage) -> bool:
    return page.device.model.has_battery


def _pairable(page: DevicePage) -> bool:
    return page.pairing is None and page.device.model.kind in DeviceKind.triggers()


def _paired(page: DevicePage) -> bool:
    return page.pairing is not None


@dataclass(frozen=True)
class Action:
    title: str
    button: str
    form_class: type[django_forms.Form]
    perform: Callable[[Device, dict, Actor], str]
    transition: str
    also_when: Callable[[DevicePage], bool] = _always
    danger: bool = False

    def shown_when(self, page: DevicePage) -> bool:
        return DEVICE.allows(self.transition, page.device.status) and self.also_when(page)

    def allows_user(self, user) -> bool:
        return DEVICE[self.transition].by.allows_user(user)


# Slug (the action's URL) -> action, in the order of the page.
ACTIONS: dict[str, Action] = {
    "issue": Action("Issue to an officer", "Issue", forms.IssueForm, issue, "issue_to_officer", _personal),
    "install": Action(
        "Install in a vehicle", "Install", forms.InstallForm, install, "install_in_vehicle", _vehicle_unit
    ),
    "return": Action("Return to stock", "Return", forms.ReturnForm, return_to_stock, "return_to_stock"),
    "pair": Action("Pair with a camera", "Pair", forms.PairForm, pair, "pair", _pairable),
    "unpair": Action("Unpair from its camera", "Unpair", forms.UnpairForm, unpair, "unpair", _paired),
    "battery": Action(
        "Record a new battery", "Record", forms.BatteryForm, replace_battery, "replace_battery", _has_battery
    ),
    "firmware": Action("Record firmware", "Record", forms.FirmwareForm, update_firmware, "update_firmware"),
    "maintenance-open": Action(
        "Send to maintenance", "Send to maintenance", forms.MaintenanceOpenForm, open_maintenance, "open_maintenance"
    ),
    "maintenance-close": Action(
        "Back in service", "Back in service", forms.MaintenanceCloseForm, close_maintenance, "return_to_service"
    ),
    "report-lost": Action(
        "Report lost or stolen", "Report lost", forms.ReportLostForm, report_lost, "report_lost", danger=True
    ),
    "report-found": Action("Report found", "Found", forms.ReportFoundForm, report_found, "report_found"),
    "retire": Action("Retire", "Retire", forms.RetireForm, retire, "retire", danger=True),
}


def url_name(slug: str) -> str:
    return f"device_{slug.replace('-', '_')}"


@dataclass
class ShownAction:
    slug: str
    action: Action
    form: django_forms.Form

    @property
    def url_name(self) -> str:
        return f"devices:{url_name(self.slug)}"


def forms_for(page: DevicePage, *, user, bound: dict | None = None) -> list[ShownAction]:
    """The actions that fit the device's state and that `user` may take; `bound` keeps a refused form."""
    bound = bound or {}
    shown = []
    for slug, action in ACTIONS.items():
        if slug in bound:
            shown.append(ShownAction(slug, action, bound[slug]))
        elif action.allows_user(user) and action.shown_when(page):
            shown.append(ShownAction(slug, action, action.form_class(prefix=slug)))
    return shown


def render_device_page(request, device: Device, *, bound: dict | None = None, status: int = 200):
    page = device_page(device, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "devices/device_detail.html",
        {
            "page": page,
            "device": device,
            "actions": forms_for(page, user=request.user, bound=bound),
            "status_badge": STATUS_BADGE.get(device.status, ""),
            "replace_by": device.battery_replace_by,
            "today": timezone.localdate(),
        },
        status=status,
    )


@role_required(roles.CAN_READ)
def device_detail(request, asset_tag: str):
    device = device_by_tag(asset_tag)
    if device is None:
        raise Http404(f"No device has asset tag {asset_tag}.")
    return render_device_page(request, device)


@role_required(roles.CAN_ACT)
@require_POST
def device_action(request, asset_tag: str, action: str):
    spec = ACTIONS.get(action)
    device = device_by_tag(asset_tag)
    if spec is None or device is None:
        raise Http404("No such device or action.")
    if not spec.allows_user(request.user):
        raise PermissionDenied("Your role does not allow this.")
    form = spec.form_class(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, f"{spec.title}: check the highlighted fields.")
        return render_device_page(request, device, bound={action: form}, status=422)
    outcome = attempt(lambda: spec.perform(device, form.cleaned_data, Actor.from_request(request)))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        # The service rolled back; re-read the device so the page shows what is true now.
        return render_device_page(request, device_by_tag(asset_tag), bound={action: form}, status=409)
    messages.success(request, outcome.result)
    return redirect(device.get_absolute_url())
