"""The device's and the vehicle's record: the "Add" and "Edit" pages (what describes it, never its state).

The forms are the ones an import checks each row with (devices.forms); devices.records writes and
audits. An invalid form, or a refusal, re-renders the page with what was typed (422, 409).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from accounts import roles
from audit.actor import Actor
from hartford_bwc.refusals import attempt

from . import records
from .forms import DeviceForm, VehicleForm
from .models import Device, Vehicle
from .record_selectors import device_by_tag, vehicle_by_number


def _render(request, template: str, form, *, record=None, status: int = 200):
    return render(request, template, {"form": form, "record": record}, status=status)


def _refused(request, template: str, form, refusal, *, record=None):
    """The service refused (a tag taken a moment ago): the form again, as typed, with the reason."""
    form.add_error(None, refusal.message)
    return _render(request, template, form, record=record, status=409)


def _changed(model, edit) -> str:
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in edit.after)


DEVICE_TEMPLATE = "devices/device_form.html"
VEHICLE_TEMPLATE = "devices/vehicle_form.html"


@roles.role_required(roles.CAN_ACT)
def device_create(request):
    form = DeviceForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return _render(request, DEVICE_TEMPLATE, form)
    if not form.is_valid():
        return _render(request, DEVICE_TEMPLATE, form, status=422)
    outcome = attempt(lambda: records.register_device(by=Actor.from_request(request), **form.values()))
    if outcome.refused:
        return _refused(request, DEVICE_TEMPLATE, form, outcome.refusal)
    device = outcome.result
    where = f"issued to {device.holder_label}" if device.status == Device.Status.ISSUED else "in stock"
    messages.success(request, f"{device.asset_tag} added: {where}.")
    return redirect(device.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def device_edit(request, asset_tag: str):
    device = device_by_tag(asset_tag)
    if device is None:
        raise Http404(f"No device has asset tag {asset_tag}.")
    form = DeviceForm(request.POST if request.method == "POST" else None, instance=device)
    if not form.is_bound:
        return _render(request, DEVICE_TEMPLATE, form, record=device)
    if not form.is_valid():
        return _render(request, DEVICE_TEMPLATE, form, record=device, status=422)
    by = Actor.from_request(request)
    outcome = attempt(lambda: records.update_devices(changes=[(device, form.values())], by=by))
    if outcome.refused:
        return _refused(request, DEVICE_TEMPLATE, form, outcome.refusal, record=device)
    if not outcome.result:
        messages.info(request, f"Nothing changed on {device.asset_tag}.")
        return redirect(device.get_absolute_url())
    [edit] = outcome.result
    messages.success(request, f"{edit.obj.asset_tag} saved ({_changed(Device, edit)} changed).")
    return redirect(edit.obj.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def vehicle_create(request):
    form = VehicleForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return _render(request, VEHICLE_TEMPLATE, form)
    if not form.is_valid():
        return _render(request, VEHICLE_TEMPLATE, form, status=422)
    outcome = attempt(lambda: records.register_vehicle(by=Actor.from_request(request), **form.values()))
    if outcome.refused:
        return _refused(request, VEHICLE_TEMPLATE, form, outcome.refusal)
    vehicle = outcome.result
    messages.success(request, f"{vehicle} added{'' if vehicle.in_service else ', out of service'}.")
    return redirect(vehicle.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def vehicle_edit(request, unit_number: str):
    vehicle = vehicle_by_number(unit_number)
    if vehicle is None:
        raise Http404(f"No vehicle has unit number {unit_number}.")
    form = VehicleForm(request.POST if request.method == "POST" else None, instance=vehicle)
    if not form.is_bound:
        return _render(request, VEHICLE_TEMPLATE, form, record=vehicle)
    if not form.is_valid():
        return _render(request, VEHICLE_TEMPLATE, form, record=vehicle, status=422)
    by = Actor.from_request(request)
    outcome = attempt(lambda: records.update_vehicles(changes=[(vehicle, form.values())], by=by))
    if outcome.refused:
        return _refused(request, VEHICLE_TEMPLATE, form, outcome.refusal, record=vehicle)
    if not outcome.result:
        messages.info(request, f"Nothing changed on {vehicle}.")
        return redirect(vehicle.get_absolute_url())
    [edit] = outcome.result
    messages.success(request, f"{edit.obj} saved ({_changed(Vehicle, edit)} changed).")
    return redirect(edit.obj.get_absolute_url())
