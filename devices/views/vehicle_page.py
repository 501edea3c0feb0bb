"""The vehicle page and its actions: install a signal unit from stock, take one out, and take the
vehicle out of service or back. Each posts to its own URL and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import attempt
from inventory.timeline import parse_page

from .. import action_forms as forms
from .. import services
from ..models import Vehicle
from ..selectors import units_in_stock, vehicle_by_number, vehicle_page


def _forms(vehicle: Vehicle, *, bound: dict) -> dict:
    """The vehicle's action forms, fresh or as typed (`bound`)."""
    fresh = {
        "install": forms.InstallUnitForm(prefix="install", units=units_in_stock()),
        "out_of_service": forms.OutOfServiceForm(prefix="out-of-service"),
        "in_service": forms.BackInServiceForm(prefix="in-service"),
    }
    # Keyed for the template, which cannot read a hyphen.
    return {**fresh, **{slug.replace("-", "_"): form for slug, form in bound.items()}}


def render_vehicle_page(request, vehicle: Vehicle, *, bound: dict | None = None, status: int = 200):
    can_act = roles.has_role(request.user, roles.CAN_ACT)
    page = vehicle_page(vehicle, page=parse_page(request.GET.get("page")), with_stock=can_act)
    return render(
        request,
        "devices/vehicle_detail.html",
        {"page": page, "vehicle": vehicle, "forms": _forms(vehicle, bound=bound or {}) if can_act else {}},
        status=status,
    )


def _vehicle(unit_number: str) -> Vehicle:
    vehicle = vehicle_by_number(unit_number)
    if vehicle is None:
        raise Http404(f"No vehicle has unit number {unit_number}.")
    return vehicle


@role_required(roles.CAN_READ)
def vehicle_detail(request, unit_number: str):
    return render_vehicle_page(request, _vehicle(unit_number))


def _install(vehicle, data, by) -> str:
    device = services.install_in_vehicle(device=data["device"], vehicle=vehicle, by=by)
    return f"{device.asset_tag} installed in {vehicle}."


def _remove(vehicle, data, by) -> str:
    device = data["device"]
    services.return_to_stock(device=device, reason=f"Taken out of {vehicle}.", from_vehicle=vehicle, by=by)
    return f"{device.asset_tag} taken out of {vehicle}; it is back in stock."


def _out_of_service(vehicle, data, by) -> str:
    services.take_out_of_service(vehicle=vehicle, reason=data["reason"], by=by)
    return f"{vehicle} is out of service."


def _in_service(vehicle, data, by) -> str:
    services.return_to_service(vehicle=vehicle, notes=data["notes"], by=by)
    return f"{vehicle} is back in service."


# Slug -> (form class, what it does).
ACTIONS = {
    "install": (forms.InstallUnitForm, _install),
    "remove": (forms.RemoveUnitForm, _remove),
    "out-of-service": (forms.OutOfServiceForm, _out_of_service),
    "in-service": (forms.BackInServiceForm, _in_service),
}


def url_name(slug: str) -> str:
    return f"vehicle_{slug.replace('-', '_')}"


@role_required(roles.CAN_ACT)
@require_POST
def vehicle_action(request, unit_number: str, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    if not roles.has_role(request.user, roles.CAN_ACT):
        raise PermissionDenied("Your role does not allow this.")
    vehicle = _vehicle(unit_number)
    form_class, perform = ACTIONS[action]
    extra = {"units": units_in_stock()} if form_class is forms.InstallUnitForm else {}
    form = form_class(request.POST, prefix=action, **extra)
    # The remove buttons are one per unit and carry no field to correct: their forms are not re-shown.
    shown = {action: form} if action != "remove" else {}
    if not form.is_valid():
        messages.error(request, "Check the highlighted fields." if shown else "That unit is not in the records.")
        return render_vehicle_page(request, vehicle, bound=shown, status=422)
    outcome = attempt(lambda: perform(vehicle, form.cleaned_data, Actor.from_request(request)))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        return render_vehicle_page(request, _vehicle(unit_number), bound=shown, status=409)
    messages.success(request, outcome.result)
    return redirect(vehicle.get_absolute_url())
