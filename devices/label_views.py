"""The printable sheet of device asset labels: /inventory/devices/labels/?device=<asset tag>&device=...

The same stock and codes as the camera labels (inventory.labels): a holster sensor or a mount is
small, so the 2" × 1" roll is on offer beside the Avery sheets; the serial is printed whole.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import roles
from inventory import labels

from .record_selectors import devices_by_tags


def _back_to_list(params) -> str:
    """The device list as it was (`next`: its filters and page), never another site or another page."""
    target, home = params.get("next", ""), reverse("devices:device_list")
    if target.startswith(home) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return home


@roles.role_required(roles.CAN_READ)
def device_labels(request):
    if "next" in request.GET and not any(tag.strip() for tag in request.GET.getlist("device")):
        # "Print labels" on the device list with nothing ticked: back to the list.
        messages.error(request, "Tick at least one device first.")
        return redirect(_back_to_list(request.GET))
    if "csrfmiddlewaretoken" in request.GET or "next" in request.GET:
        # The list's selection form sends its CSRF token and return URL along; keep them out of the address bar.
        query = request.GET.copy()
        for key in ("csrfmiddlewaretoken", "next"):
            query.pop(key, None)
        return redirect(f"{request.path}?{query.urlencode()}")
    sheet = labels.sheet_request(request.GET, sizes=labels.ASSET_LABEL_SIZES, param="device")
    if sheet.too_many:
        messages.error(request, f"{sheet.too_many} labels asked for; print at most {labels.MAX_LABELS} at a time.")
    devices, unknown = devices_by_tags(sheet.codes)
    if unknown:
        messages.warning(request, f"No device has the asset tag {', '.join(unknown)}; no label for it.")
    items = [
        {
            "device": device,
            "qr": labels.qr_svg(device.asset_tag),
            "barcode": labels.code128_svg(
                device.asset_tag, width_mm=sheet.size.barcode_width_mm, height_mm=sheet.size.barcode_height_mm
            ),
        }
        for device in devices
    ]
    return render(request, "devices/labels.html", sheet.context(items))
