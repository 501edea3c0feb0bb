"""The console's stocktake pages: past counts and a new one, the scan screen, the result and its fixes.

Quartermasters and administrators count and fix; supervisors read. Thin views: each POST calls one
service (hartford_bwc.refusals) and redirects back to the count, so a scanner's Enter after Enter
always lands on a fresh page with the field focused.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import attempt, run_action
from inventory import shelves
from inventory.models import Shelf

from . import selectors, services, vendor, vendor_fixes
from .forms import FixForm, ScanForm, ShelfForm, StartForm, VendorExportForm, VendorFixForm
from .models import Stocktake, StocktakeLine, VendorExport

# The stocktake list shows the newest counts only.
LISTED_COUNTS = 50

RESULT_SECTIONS = (
    (StocktakeLine.Outcome.SEEN_ELSEWHERE, "Seen, but recorded elsewhere"),
    (StocktakeLine.Outcome.NOT_SEEN, "Expected, not seen"),
    (StocktakeLine.Outcome.UNKNOWN, "Unknown codes"),
    (StocktakeLine.Outcome.SEEN_EXPECTED, "Seen and expected"),
)


@role_required(roles.CAN_READ)
def stocktake_list(request):
    form = StartForm(request.POST or None)
    if request.method == "POST":
        if not roles.has_role(request.user, roles.CAN_ACT):
            raise Http404  # the form is not shown to read-only roles
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                lambda: services.start(
                    place=data["place"],
                    dock=data["dock"],
                    shelf=data["shelf"],
                    vehicle=data["vehicle"],
                    by=Actor.from_request(request),
                )
            )
            if not outcome.refused:
                return redirect(outcome.result)
            form.add_error(None, outcome.refusal.message)
    context = {
        "form": form,
        "stocktakes": selectors.stocktakes(limit=LISTED_COUNTS),
        "can_act": roles.has_role(request.user, roles.CAN_ACT),
    }
    return render(request, "stocktake/list.html", context, status=422 if form.errors else 200)


@dataclass(frozen=True)
class FixButton:
    slug: str
    fix: services.Fix
    title: str


def _fix_rows(stocktake: Stocktake, lines: list[StocktakeLine]) -> list[tuple[StocktakeLine, list[FixButton]]]:
    return [
        (
            line,
            [
                FixButton(slug, services.FIXES[slug], services.FIXES[slug].title_for(stocktake))
                for slug in services.fixes_for(line)
            ],
        )
        for line in lines
    ]


def add_camera_url(code: str) -> str:
    return f"{reverse('inventory:camera_add')}?{urlencode(services.add_camera_prefill(code))}"


@role_required(roles.CAN_READ)
def stocktake_detail(request, pk: int):
    stocktake = get_object_or_404(Stocktake.objects.select_related("dock", "shelf", "vehicle", "started_by"), pk=pk)
    lines = list(selectors.lines(stocktake))
    for line in lines:
        line.stocktake = stocktake  # fixes_for reads the count: no query per line
        if line.outcome == StocktakeLine.Outcome.UNKNOWN:
            line.add_camera_url = add_camera_url(line.code)
    context = {
        "stocktake": stocktake,
        "can_act": roles.has_role(request.user, roles.CAN_ACT),
        "scan_form": ScanForm(),
        "lines": lines,
    }
    if not stocktake.is_open:
        by_outcome = {outcome: [] for outcome, _ in RESULT_SECTIONS}
        for line in lines:
            by_outcome[line.outcome].append(line)
        context["sections"] = [
            (outcome, title, _fix_rows(stocktake, by_outcome[outcome])) for outcome, title in RESULT_SECTIONS
        ]
        context["fix_form"] = FixForm()
    return render(request, "stocktake/detail.html", context)


@require_POST
@role_required(roles.CAN_ACT)
def stocktake_scan(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    form = ScanForm(request.POST)
    code = form.data.get("code", "")
    return run_action(
        request,
        lambda: services.scan(stocktake=stocktake, code=code, by=Actor.from_request(request)),
        success_message=lambda result: result.message,
        redirect_to=stocktake,
    )


@require_POST
@role_required(roles.CAN_ACT)
def stocktake_finish(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    return run_action(
        request,
        lambda: services.finish(stocktake=stocktake, by=Actor.from_request(request)),
        success_message="Count finished: the differences are below.",
        redirect_to=stocktake,
    )


@require_POST
@role_required(roles.CAN_ACT)
def stocktake_fix(request, pk: int, fix: str):
    line = get_object_or_404(StocktakeLine.objects.select_related("stocktake__dock", "stocktake__shelf"), pk=pk)
    if fix not in services.FIXES:
        raise Http404
    form = FixForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("incident_number", ["That form is not valid."])))
        return redirect(line.stocktake)
    chosen = services.FIXES[fix]
    if chosen.needs_confirmation and not form.cleaned_data["confirm"]:
        # Asked once more, on a page of its own (no script): what will happen, and the button that does it.
        stocktake = line.stocktake
        line = get_object_or_404(selectors.lines(stocktake), pk=pk)
        line.stocktake = stocktake  # read above, with its dock and shelf
        holder = selectors.holder_of(line.camera) if line.camera else None
        context = {"line": line, "fix": chosen, "slug": fix, "holder": holder, "stocktake": line.stocktake}
        return render(request, "stocktake/confirm_fix.html", context)
    return run_action(
        request,
        lambda: services.fix(
            line=line,
            fix=fix,
            by=Actor.from_request(request),
            incident_number=form.cleaned_data["incident_number"],
            confirmed=form.cleaned_data["confirm"],
        ),
        success_message=lambda done: f"{done.code}: {done.resolution}.",
        redirect_to=line.stocktake,
    )


# --- named shelves -------------------------------------------------------------------------------


@role_required(roles.CAN_READ)
def shelf_list(request):
    """The named shelves a count can be of; the quartermaster adds and retires them here."""
    can_act = roles.has_role(request.user, roles.CAN_ACT)
    form = ShelfForm(request.POST or None)
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                lambda: shelves.add_shelf(name=data["name"], location=data["location"], by=Actor.from_request(request))
            )
            if not outcome.refused:
                messages.success(request, f"Shelf {outcome.result.name} added: it can be counted now.")
                return redirect("stocktake:shelves")
            form.add_error(None, outcome.refusal.message)
    context = {"form": form, "shelves": selectors.shelves(), "can_act": can_act}
    return render(request, "stocktake/shelves.html", context, status=422 if form.errors else 200)


@require_POST
@role_required(roles.CAN_ACT)
def shelf_active(request, pk: int):
    shelf = get_object_or_404(Shelf, pk=pk)
    active = request.POST.get("active") == "yes"
    return run_action(
        request,
        lambda: shelves.set_shelf_active(shelf=shelf, active=active, by=Actor.from_request(request)),
        success_message=lambda done: f"Shelf {done.name} {'is in use again' if done.is_active else 'retired'}.",
        redirect_to="stocktake:shelves",
    )


# --- vendor reconciliation -------------------------------------------------------------------------


@role_required(roles.CAN_READ)
def vendor_reconciliation(request):
    """Upload the vendor's device export; it is kept, and its page shows where it disagrees with the records."""
    form = VendorExportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        by = Actor.from_request(request)
        outcome = attempt(
            lambda: vendor_fixes.keep_export(
                filename=upload.name, rows=vendor.read_export(filename=upload.name, data=upload.read()), by=by
            )
        )
        if not outcome.refused:
            return redirect(outcome.result)
        form.add_error("file", outcome.refusal.message)
    status = 422 if form.errors else 200
    context = {"form": form, "exports": selectors.vendor_exports()[:10]}
    return render(request, "stocktake/vendor.html", context, status=status)


@dataclass(frozen=True)
class VendorFixButton:
    slug: str
    fix: vendor_fixes.VendorFix


@role_required(roles.CAN_READ)
def vendor_export(request, pk: int):
    """One kept export against the records as they stand now, with a fix button for each disagreement."""
    export = get_object_or_404(VendorExport.objects.select_related("uploaded_by"), pk=pk)
    found = vendor.reconcile(vendor_fixes.rows_of(export))
    for disagreement in found:
        disagreement.buttons = [VendorFixButton(slug, vendor_fixes.FIXES[slug]) for slug in disagreement.fixes]
        if disagreement.kind == "unknown_here":
            disagreement.add_url = (
                f"{reverse('inventory:camera_add')}?{urlencode({'serial_number': disagreement.serial})}"
            )
    groups = [(kind, title, [d for d in found if d.kind == kind]) for kind, title in vendor.KINDS.items()]
    context = {
        "export": export,
        "groups": groups,
        "form": VendorExportForm(),
        "can_act": roles.has_role(request.user, roles.CAN_ACT),
    }
    return render(request, "stocktake/vendor_export.html", context)


@require_POST
@role_required(roles.CAN_ACT)
def vendor_fix(request, pk: int, fix: str):
    export = get_object_or_404(VendorExport, pk=pk)
    if fix not in vendor_fixes.FIXES:
        raise Http404
    form = VendorFixForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(export)
    data = form.cleaned_data
    return run_action(
        request,
        lambda: vendor_fixes.fix(
            export=export,
            serial=data["serial"],
            fix=fix,
            by=Actor.from_request(request),
            incident_number=data["incident_number"],
        ),
        success_message=lambda done: done,
        redirect_to=export,
    )
