"""The printable sheet of camera asset labels: /inventory/labels/?camera=<asset tag>&camera=..."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import roles

from . import labels
from .models import Camera


@roles.role_required(roles.CAN_READ)
def camera_labels(request):
    if "csrfmiddlewaretoken" in request.GET or "next" in request.GET:
        # The camera list's bulk form sends its CSRF token and return URL along; keep them out of the address bar.
        query = request.GET.copy()
        for key in ("csrfmiddlewaretoken", "next"):
            query.pop(key, None)
        return redirect(f"{request.path}?{query.urlencode()}")
    size = labels.size_by_key(labels.ASSET_LABEL_SIZES, request.GET.get("size"))
    tags = labels.parse_codes(request.GET.getlist("camera"))
    skip = _int(request.GET.get("skip"))
    if len(tags) > labels.MAX_LABELS:
        messages.error(request, f"{len(tags)} labels asked for; print at most {labels.MAX_LABELS} at a time.")
        tags = []
    found = {c.asset_tag: c for c in Camera.objects.select_related("model").filter(asset_tag__in=tags)}
    unknown = [tag for tag in tags if tag not in found]
    if unknown:
        messages.warning(request, f"No camera has the asset tag {', '.join(unknown)}; no label for it.")
    items = [
        {
            "camera": found[tag],
            "qr": labels.qr_svg(tag),
            "barcode": labels.code128_svg(tag, width_mm=size.barcode_width_mm, height_mm=size.barcode_height_mm),
        }
        for tag in tags
        if tag in found
    ]
    return render(
        request,
        "inventory/labels.html",
        {
            "size": size,
            "sizes": labels.ASSET_LABEL_SIZES,
            "pages": labels.paged(items, size, skip=skip),
            "tags_text": "\n".join(tags),
            "count": len(items),
            "skip": skip,
        },
    )


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
