"""The camera's record: the "Add camera" and "Edit" pages (what describes a camera, never its state).

The form is the one an import checks each row with (inventory.forms.CameraForm); the services write
and audit. An invalid form, or a refusal, re-renders the page with what was typed (422, 409).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc import control_characters
from hartford_bwc.refusals import attempt

from .. import services
from ..forms import CameraForm
from ..models import Camera
from ..selectors.camera_page import camera_by_tag


def _render(request, form: CameraForm, *, camera=None, status: int = 200):
    return render(request, "inventory/camera_form.html", {"form": form, "camera": camera}, status=status)


def _refused(request, form: CameraForm, refusal, *, camera=None):
    """The service refused (a tag taken a moment ago): the form again, as typed, with the reason."""
    form.add_error(None, refusal.message)
    return _render(request, form, camera=camera, status=409)


# Fields "Add camera" takes from its address, prefilled (a stocktake's unknown code, a vendor's serial).
PREFILL = ("asset_tag", "serial_number")


def _prefill(query) -> dict[str, str]:
    values = {}
    for name in PREFILL:
        value = query.get(name, "")
        limit = Camera._meta.get_field(name).max_length or 0
        if value and len(value) <= limit and not control_characters.has_any(value):
            values[name] = value
    return values


@role_required(roles.CAN_ACT)
def camera_add(request):
    if request.method != "POST":
        return _render(request, CameraForm(initial=_prefill(request.GET)))
    form = CameraForm(request.POST)
    if not form.is_bound:
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form, status=422)
    outcome = attempt(lambda: services.register_camera(by=Actor.from_request(request), **form.values()))
    if outcome.refused:
        return _refused(request, form, outcome.refusal)
    camera = outcome.result
    messages.success(request, f"{camera.asset_tag} added to the fleet: available, in the spare pool.")
    return redirect(camera.get_absolute_url())


@role_required(roles.CAN_ACT)
def camera_edit(request, asset_tag: str):
    camera = camera_by_tag(asset_tag)
    if camera is None:
        raise Http404(f"No camera has asset tag {asset_tag}.")
    form = CameraForm(request.POST if request.method == "POST" else None, instance=camera)
    if not form.is_bound:
        return _render(request, form, camera=camera)
    if not form.is_valid():
        return _render(request, form, camera=camera, status=422)
    by = Actor.from_request(request)
    outcome = attempt(lambda: services.update_cameras(changes=[(camera, form.values())], by=by))
    if outcome.refused:
        return _refused(request, form, outcome.refusal, camera=camera)
    if not outcome.result:
        messages.info(request, f"Nothing changed on {camera.asset_tag}.")
        return redirect(camera.get_absolute_url())
    [edit] = outcome.result
    changed = ", ".join(str(Camera._meta.get_field(name).verbose_name) for name in edit.after)
    messages.success(request, f"{edit.obj.asset_tag} saved ({changed} changed).")
    return redirect(edit.obj.get_absolute_url())
