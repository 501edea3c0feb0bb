"""The printable sheet of camera asset labels: /inventory/labels/?camera=<asset tag>&camera=..."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import roles

from .. import labels
from ..selectors.camera_page import cameras_by_tags
from .bulk import back_to_list


@roles.role_required(roles.CAN_READ)
def camera_labels(request):
    if "next" in request.GET and not any(tag.strip() for tag in request.GET.getlist("camera")):
        # "Print labels" on the camera list with nothing ticked: back to the list, as the other bulk actions do.
        messages.error(request, "Tick at least one camera first.")
        return redirect(back_to_list(request.GET))
    if "csrfmiddlewaretoken" in request.GET or "next" in request.GET:
        # The camera list's bulk form sends its CSRF token and return URL along; keep them out of the address bar.
        query = request.GET.copy()
        for key in ("csrfmiddlewaretoken", "next"):
            query.pop(key, None)
        return redirect(f"{request.path}?{query.urlencode()}")
    sheet = labels.sheet_request(request.GET, sizes=labels.ASSET_LABEL_SIZES, param="camera")
    if sheet.too_many:
        messages.error(request, f"{sheet.too_many} labels asked for; print at most {labels.MAX_LABELS} at a time.")
    cameras, unknown = cameras_by_tags(sheet.codes)
    if unknown:
        messages.warning(request, f"No camera has the asset tag {', '.join(unknown)}; no label for it.")
    items = [
        {
            "camera": camera,
            "qr": labels.qr_svg(camera.asset_tag),
            "barcode": labels.code128_svg(
                camera.asset_tag, width_mm=sheet.size.barcode_width_mm, height_mm=sheet.size.barcode_height_mm
            ),
        }
        for camera in cameras
    ]
    return render(request, "inventory/labels.html", sheet.context(items))
