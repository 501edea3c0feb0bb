"""The camera list (filters, search, sort, export, bulk actions) and the camera page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc import spreadsheet
from hartford_bwc.refusals import attempt

from .. import selectors, services
from ..filters import CameraFilter
from ..forms import BulkSelectionForm
from ..models import MaintenanceRecord
from ..tables import CameraTable
from .actions import render_camera_page

PAGE_SIZES = (25, 50, 100)


@method_decorator(role_required(roles.CAN_READ), name="dispatch")
class CameraListView(spreadsheet.ExportMixin, SingleTableMixin, FilterView):
    table_class = CameraTable
    filterset_class = CameraFilter
    template_name = "inventory/camera_list.html"
    export_title = "Cameras"

    def get_queryset(self):
        return selectors.camera_list()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "now": timezone.now()}

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def get_table_pagination(self, table) -> dict:
        # The table paginates; leaving ListView's paginate_by unset spares a second COUNT query.
        return {"per_page": self.page_size()}

    def get_table_kwargs(self):
        # The page size is validated above; keep django-tables2 from reading ?per_page= unchecked.
        return {"per_page_field": "_unchecked_per_page"}

    def get_export_filename(self, export_format: str) -> str:
        return f"cameras-{timezone.localtime():%Y-%m-%d-%H%M}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("page", "_export"):
            query.pop(key, None)
        without_size = query.copy()
        without_size.pop("per_page", None)
        context.update(
            page_sizes=PAGE_SIZES,
            per_page=self.page_size(),
            query_without_size=without_size.urlencode(),
            export_query=query.urlencode(),
            full_path=self.request.get_full_path(),
        )
        return context


def _back_to_list(request):
    target = request.POST.get("next", "")
    if target.startswith(reverse("inventory:camera_list")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("inventory:camera_list")


@role_required(roles.CAN_ACT)
@require_POST
def send_to_inspection(request):
    """Open an in-house inspection for each ticked camera; each refusal is reported by itself."""
    form = BulkSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return _back_to_list(request)
    by = Actor.from_request(request)
    cameras, unknown = selectors.cameras_by_tags(form.asset_tags)
    for tag in unknown:
        messages.error(request, f"No camera has asset tag {tag}.")
    sent = []
    for camera in cameras:
        outcome = attempt(
            lambda camera=camera: services.open_maintenance(
                camera=camera,
                kind=MaintenanceRecord.Kind.INSPECTION,
                performed_by=MaintenanceRecord.PerformedBy.IN_HOUSE,
                problem="Inspection requested from the camera list.",
                by=by,
            )
        )
        if outcome.refused:
            messages.error(request, outcome.refusal.message)
        else:
            sent.append(camera.asset_tag)
    if sent:
        messages.success(request, f"Sent to inspection: {', '.join(sent)}.")
    return _back_to_list(request)


@role_required(roles.CAN_READ)
def camera_detail(request, asset_tag: str):
    camera = selectors.camera_by_tag(asset_tag)
    if camera is None:
        raise Http404(f"No camera has asset tag {asset_tag}.")
    return render_camera_page(request, camera)
