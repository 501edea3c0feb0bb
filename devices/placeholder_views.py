"""Stand-ins for the device and vehicle lists and pages (branch devcore builds them): only so that this
branch's add, edit and label pages can link and redirect to them. Dropped when the two are merged."""

from __future__ import annotations

from django.http import HttpResponse

from accounts import roles


@roles.role_required(roles.CAN_READ)
def placeholder(request, **kwargs):
    return HttpResponse(b"", content_type="text/plain")
