"""The camera page's signal devices: pair a device with the camera, or unpair one (devices.services)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import run_action
from inventory.selectors.camera_page import camera_by_tag

from .. import action_forms as forms
from .. import services
from .device_page import paired_message


def _camera(asset_tag: str):
    camera = camera_by_tag(asset_tag)
    if camera is None:
        raise Http404(f"No camera has asset tag {asset_tag}.")
    return camera


def _back(camera) -> str:
    return f"{camera.get_absolute_url()}#signal"


@role_required(roles.CAN_ACT)
@require_POST
def camera_pair(request, asset_tag: str):
    camera = _camera(asset_tag)
    form = forms.PairDeviceForm(request.POST, prefix="pair-device")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("device", ["Enter the device's asset tag."])))
        return redirect(_back(camera))
    device = form.cleaned_data["device"]

    return run_action(
        request,
        lambda: services.pair_with_camera(device=device, camera=camera, by=Actor.from_request(request)),
        success_message=lambda pairing: paired_message(device, camera),
        redirect_to=_back(camera),
    )


@role_required(roles.CAN_ACT)
@require_POST
def camera_unpair(request, asset_tag: str):
    camera = _camera(asset_tag)
    form = forms.UnpairDeviceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That device is not in the records.")
        return redirect(_back(camera))
    device = form.cleaned_data["device"]

    def unpair_here():
        return services.unpair(
            device=device,
            from_camera=camera,
            reason=f"Unpaired on the page of {camera.asset_tag}.",
            by=Actor.from_request(request),
        )

    return run_action(
        request,
        unpair_here,
        success_message=f"{device.asset_tag} unpaired from {camera.asset_tag}.",
        redirect_to=_back(camera),
    )
