"""The device list and the vehicle list: filters, search, sort, export (as the camera list)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.decorators import method_decorator
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import roles
from accounts.roles import role_required
from hartford_bwc import spreadsheet

from .. import selectors
from ..filters import DeviceFilter, VehicleFilter
from ..tables import DeviceTable, VehicleTable
from ..tables import export_rows as device_export_rows

PAGE_SIZES = (25, 50, 100)


class _ListView(spreadsheet.ExportMixin, SingleTableMixin, FilterView):
    export_name = "export"

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def get_table_pagination(self, table) -> dict:
        return {"per_page": self.page_size()}

    def get_table_kwargs(self):
        # The page size is validated above; keep django-tables2 from reading ?per_page= unchecked.
        return {"per_page_field": "_unchecked_per_page"}

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.export_name}-{timezone.localtime():%Y-%m-%d-%H%M}.{export_format}"

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
            table_label=self.export_title,
        )
        return context


@method_decorator(role_required(roles.CAN_READ), name="dispatch")
class DeviceListView(_ListView):
    table_class = DeviceTable
    filterset_class = DeviceFilter
    template_name = "devices/device_list.html"
    export_title = "Signal devices"
    export_name = "devices"
    export_rows = staticmethod(device_export_rows)

    def get_queryset(self):
        return selectors.device_list()


@method_decorator(role_required(roles.CAN_READ), name="dispatch")
class VehicleListView(_ListView):
    table_class = VehicleTable
    filterset_class = VehicleFilter
    template_name = "devices/vehicle_list.html"
    export_title = "Vehicles"
    export_name = "vehicles"

    def get_queryset(self):
        # "Signal works" for every vehicle only when the list is filtered or sorted by it, or exported;
        # otherwise the table reads it for the page's own vehicles.
        query = self.request.GET
        whole_list = bool(query.get("working") or "working" in query.get("sort", "") or query.get("_export"))
        return selectors.vehicle_list(with_working_unit=whole_list)
