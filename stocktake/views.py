"""The console's stocktake pages: past counts and a new one, the scan screen, the result and its fixes.

Quartermasters and administrators count and fix; supervisors read. Thin views: each POST calls one
service (hartford_bwc.refusals) and redirects back to the count, so a scanner's Enter after Enter
always lands on a fresh page with the field focused.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import attempt, run_action

from . import selectors, services, vendor
from .forms import FixForm, ScanForm, StartForm, VendorExportForm
from .models import Stocktake, StocktakeLine

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
                    place=data["place"], dock=data["dock"], vehicle=data["vehicle"], by=Actor.from_request(request)
                )
            )
            if not outcome.refused:
                return redirect(outcome.result)
            form.add_error(None, outcome.refusal.message)
    context = {
        "form": form,
        "stocktakes": selectors.stocktakes()[:50],
        "can_act": roles.has_role(request.user, roles.CAN_ACT),
    }
    return render(request, "stocktake/list.html", context, status=422 if form.errors else 200)


def _fix_rows(lines: list[StocktakeLine]) -> list[tuple[StocktakeLine, list[tuple[str, services.Fix]]]]:
    return [(line, [(slug, services.FIXES[slug]) for slug in services.fixes_for(line)]) for line in lines]


@role_required(roles.CAN_READ)
def stocktake_detail(request, pk: int):
    stocktake = get_object_or_404(Stocktake.objects.select_related("dock", "vehicle", "started_by"), pk=pk)
    lines = list(selectors.lines(stocktake))
    for line in lines:
        line.stocktake = stocktake  # fixes_for reads the count: no query per line
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
        context["sections"] = [(outcome, title, _fix_rows(by_outcome[outcome])) for outcome, title in RESULT_SECTIONS]
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
    line = get_object_or_404(StocktakeLine.objects.select_related("stocktake"), pk=pk)
    if fix not in services.FIXES:
        raise Http404
    form = FixForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["incident_number"]))
        return redirect(line.stocktake)
    return run_action(
        request,
        lambda: services.fix(
            line=line, fix=fix, by=Actor.from_request(request), incident_number=form.cleaned_data["incident_number"]
        ),
        success_message=lambda done: f"{done.code}: {done.resolution}.",
        redirect_to=line.stocktake,
    )


@role_required(roles.CAN_READ)
def vendor_reconciliation(request):
    """Upload the vendor's device export and see where it disagrees with the records (nothing is stored)."""
    form = VendorExportForm(request.POST or None, request.FILES or None)
    groups = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = attempt(lambda: vendor.reconcile(vendor.read_export(filename=upload.name, data=upload.read())))
        if outcome.refused:
            form.add_error("file", outcome.refusal.message)
        else:
            groups = [
                (kind, title, [d for d in outcome.result if d.kind == kind]) for kind, title in vendor.KINDS.items()
            ]
    status = 422 if form.errors else 200
    return render(request, "stocktake/vendor.html", {"form": form, "groups": groups}, status=status)
