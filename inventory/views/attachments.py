"""Photos and documents on maintenance records: upload from the camera page, and the one way a file goes out."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import run_action

from .. import attachments
from ..forms import AttachmentForm
from ..models import Attachment
from ..selectors.camera_page import camera_by_tag

# A stored file is never a page of this site: the browser takes the type given (nosniff), and even a
# PDF opened in a tab runs in a sandbox with no scripts, no forms and no access to the console's origin.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@require_POST
@role_required(roles.CAN_ACT)
def camera_attach(request, asset_tag: str):
    camera = camera_by_tag(asset_tag)
    if camera is None:
        raise Http404(f"No camera has asset tag {asset_tag}.")
    form = AttachmentForm(request.POST, request.FILES)

    def attach():
        return attachments.attach(camera=camera, upload=form.upload(), by=Actor.from_request(request))

    return run_action(
        request,
        attach,
        success_message=lambda a: f"{camera.asset_tag}: {a.get_kind_display().lower()} {a.original_name} attached.",
        redirect_to=f"{camera.get_absolute_url()}#maintenance-files",
    )


@require_GET
@role_required(roles.CAN_READ)
def attachment_file(request, pk: int):
    attachment = get_object_or_404(Attachment, pk=pk)
    inline = attachment.kind == Attachment.Kind.PHOTO
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, attachment.original_name or f"attachment-{pk}{attachments.TYPES[attachment.content_type][1]}"
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, max-age=3600"
    return response
