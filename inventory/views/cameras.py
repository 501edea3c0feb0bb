"""The camera list (filters, search, sort, export, bulk actions) and the camera page."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import roles
from accounts.roles import role_required
from hartford_bwc import spreadsheet

from ..filters import CameraFilter
from ..selectors.camera_page import camera_by_tag
from ..selectors.cameras import camera_list
from ..tables import CameraTable
from ..tables import export_rows as camera_export_rows
from .actions import render_camera_page

PAGE_SIZES = (25, 50, 100)


@method_decorator(role_required(roles.CAN_READ), name="dispatch")
class CameraListView(spreadsheet.ExportMixin, SingleTableMixin, FilterView):
    table_class = CameraTable
    filterset_class = CameraFilter
    template_name = "inventory/camera_list.html"
    export_title = "Cameras"
    export_rows = staticmethod(camera_export_rows)

    def get_queryset(self):
        return camera_list()

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


@role_required(roles.CAN_READ)
def camera_detail(request, asset_tag: str):
    camera = camera_by_tag(asset_tag)
    if camera is None:
        raise Http404(f"No camera has asset tag {asset_tag}.")
    return render_camera_page(request, camera)
