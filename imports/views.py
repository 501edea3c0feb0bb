"""The imports pages: upload, preview row by row, confirm; and the templates to download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import roles
from audit.actor import Actor
from hartford_bwc.refusals import attempt

from . import services
from .columns import (
    CAMERA_COLUMNS,
    CERTIFICATION_COLUMNS,
    DEVICE_COLUMNS,
    KEY_LABELS,
    OFFICER_COLUMNS,
    VEHICLE_COLUMNS,
)
from .forms import ConfirmForm, UploadForm
from .models import ImportUpload
from .templates_files import CONTENT_TYPES, template_file


def _index(request, *, error: str = "", kind: str = "", status: int = 200):
    return render(
        request,
        "imports/index.html",
        {
            "camera_columns": CAMERA_COLUMNS,
            "officer_columns": OFFICER_COLUMNS,
            "certification_columns": CERTIFICATION_COLUMNS,
            "device_columns": DEVICE_COLUMNS,
            "vehicle_columns": VEHICLE_COLUMNS,
            "recent": ImportUpload.objects.select_related("uploaded_by")[:10],
            "error": error,
            "error_kind": kind,
            "limit_mb": settings.IMPORT_MAX_UPLOAD_MB,
        },
        status=status,
    )


@roles.role_required(roles.CAN_ACT)
def index(request):
    return _index(request)


@roles.role_required(roles.CAN_ACT)
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, error="Choose a file to upload.", kind=request.POST.get("kind", ""), status=400)
    kind, file = form.cleaned_data["kind"], form.cleaned_data["file"]
    limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
    # Read at most one byte past the limit: the size check needs no more.
    data = file.read(limit + 1)
    outcome = attempt(
        lambda: services.create_upload(
            kind=kind, filename=file.name, data=data, size=file.size, by=Actor.from_request(request)
        )
    )
    if outcome.refused:
        return _index(request, error=outcome.refusal.message, kind=kind, status=400)
    return redirect(outcome.result.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def preview(request, pk: int):
    upload = get_object_or_404(ImportUpload.objects.select_related("uploaded_by", "applied_by"), pk=pk)
    plan = services.preview(upload) if upload.status == ImportUpload.Status.PREVIEWED else None
    # A page of rows, refused ones first: 100,000 rows on one page were 40 MB of HTML.
    page = Paginator(plan.rows_for_review() if plan else [], settings.IMPORT_PREVIEW_PAGE_ROWS).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "imports/preview.html",
        {
            "upload": upload,
            "key_label": KEY_LABELS.get(upload.kind, "Badge"),
            "plan": plan,
            "page": page,
            "apply_status": services.apply_status(upload),
            "confirm_form": ConfirmForm(
                initial={"checksum": upload.checksum, "plan_digest": plan.digest if plan else ""}
            ),
        },
    )


@roles.role_required(roles.CAN_ACT)
@require_POST
def confirm(request, pk: int):
    upload = get_object_or_404(ImportUpload, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The confirmation lacks the file's checksum; review the preview and confirm again.")
        return redirect(upload.get_absolute_url())
    outcome = attempt(
        lambda: services.confirm_upload(
            upload=upload,
            checksum=form.cleaned_data["checksum"],
            plan_digest=form.cleaned_data["plan_digest"],
            by=Actor.from_request(request),
        )
    )
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        return redirect(upload.get_absolute_url())
    plan = outcome.result
    if plan is None:
        messages.info(request, f"Importing {upload.filename} in the background: all of it or nothing.")
        return redirect(upload.get_absolute_url())
    counts = plan.counts
    messages.success(
        request,
        f"Imported {upload.filename}: {counts['create']} created, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
    )
    return redirect(upload.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def apply_progress(request, pk: int):
    """What the progress bar polls while a large import is applied in the background."""
    upload = get_object_or_404(ImportUpload.objects.only("pk", "status", "apply_error"), pk=pk)
    return JsonResponse(services.apply_status(upload))


@roles.role_required(roles.CAN_ACT)
def template_download(request, kind: str, file_format: str):
    if kind not in ImportUpload.Kind.values or file_format not in CONTENT_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(template_file(kind, file_format), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
    return response
