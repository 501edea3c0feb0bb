"""What every report page shares: roles, the range form, table pagination, CSV/XLSX export."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views import View
from django_tables2 import RequestConfig

from accounts import roles
from hartford_bwc import spreadsheet
from hartford_bwc.paging import bounded_page_size, paginate

from ..forms import RangeForm

EXPORT_FORMATS = spreadsheet.FORMATS


@method_decorator(roles.role_required(roles.CAN_READ), name="dispatch")
class ReportView(View):
    slug: ClassVar[str] = ""
    order: ClassVar[int] = 0
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    form_class: ClassVar[type] = RangeForm
    default_days: ClassVar[int] = 28
    # Tables longer than this are paginated on the page (exports always hold every row).
    per_page: ClassVar[int] = 25

    def get_form(self, request):
        data = request.GET if any(key in request.GET for key in self.form_class.base_fields) else None
        return self.form_class(data, default_days=self.default_days)

    def build(self, request, form) -> dict:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = self.get_form(request)
        if form is not None and form.is_bound and _range_errors(form):
            # A date the code cannot use or a range past the cap is refused before any query runs:
            # the page shows the form with its message and nothing else.
            context = {"form": form, "report": self, "generated_at": timezone.now(), "tables": {}, "refused": True}
            return render(request, f"reports/{self.slug}.html", context, status=400)
        context = self.build(request, form)
        tables = context.setdefault("tables", {})
        export_format = request.GET.get("_export")
        if export_format in EXPORT_FORMATS and tables:
            name = request.GET.get("_table")
            name = name if name in tables else next(iter(tables))
            return self.export_table(tables[name], name, export_format, context)
        for name, table in tables.items():
            table.prefix = f"{name}-"
            # Sorting a report would re-run its aggregates per column; the order is the report's.
            table.orderable = False
            # ...and RequestConfig must not apply a `?<table>-sort=` from the address either: a report's
            # rows may be a lazy list that cannot be sorted (that was a 500).
            table.order_by_field = "_report_order_is_fixed"
            table.empty_text = table.empty_text or "None in this range."
            paging = paginate(self.per_page) if getattr(table, "paginated", False) else False
            RequestConfig(request, paginate=paging).configure(table)
        context.update({"form": form, "report": self, "generated_at": timezone.now()})
        return render(request, f"reports/{self.slug}.html", context)

    def export_table(self, table, name: str, export_format: str, context: dict):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        subject = context.get("export_subject", "")
        filename = "-".join(filter(None, ["bwc", self.slug, slugify(subject), name, stamp])) + f".{export_format}"
        rows_builder = getattr(table, "export_rows", None)
        if rows_builder is not None:  # a long table: its values written without a bound row per cell
            return spreadsheet.fast_table_response(table, rows_builder, export_format, filename=filename, title=name)
        return spreadsheet.table_response(table, export_format, filename=filename, title=name)


RANGE_FIELDS = ("start", "end", NON_FIELD_ERRORS)


def _range_errors(form) -> bool:
    return any(name in form.errors for name in RANGE_FIELDS)


# The highest page number read from an address: past any table, and an OFFSET PostgreSQL still takes.
MAX_PAGE = 10**9


def requested_page(request, name: str, per_page: int = ReportView.per_page) -> tuple[int, int]:
    """(offset, limit) of the page of table `name` the address asks for, as its paginator will read it
    (`?<name>-page=`, `?<name>-per_page=` bounded as BoundedPaginator bounds it): so that a selector
    can read that page with the figures it shares a query with. A guess only: any other page the
    paginator asks for (past the last one, say) is read when it does."""
    size = bounded_page_size(request.GET.get(f"{name}-per_page", per_page))
    try:
        page = min(max(int(request.GET.get(f"{name}-page", 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    return (page - 1) * size, size


def paginated(table):
    table.paginated = True
    return table


REPORTS: list[type[ReportView]] = []


def register(view: type[ReportView]) -> type[ReportView]:
    REPORTS.append(view)
    return view


@method_decorator(roles.role_required(roles.CAN_READ), name="dispatch")
class ReportIndexView(View):
    def get(self, request):
        return render(request, "reports/index.html", {"reports": sorted(REPORTS, key=lambda view: view.order)})
