"""The camera list's bulk actions: the selection, a confirmation page listing every camera and what will
change, then one all-or-nothing run (inventory.bulk). One URL per action; the list's buttons post to them.

The confirmation page posts the selection back with `step`: "preview" redraws the forecast (after
choosing a dock), "confirm" runs it. A refusal re-renders the page (409) naming each refused camera.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import role_required
from audit.actor import Actor
from hartford_bwc.refusals import attempt

from .. import bulk, forms

FORMS = {
    "check-in": forms.BulkCheckInForm,
    "move-to-dock": forms.BulkDockForm,
    "send-to-inspection": forms.BulkInspectionForm,
    "retire": forms.BulkRetireForm,
}
# How many asset tags the success message names before "and N more".
NAMED_IN_MESSAGE = 10


def url_name(slug: str) -> str:
    return f"camera_bulk_{slug.replace('-', '_')}"


def back_to_list(params) -> str:
    """The list as it was (`next`: its filters and page), never another site or another page of ours."""
    target = params.get("next", "")
    if target.startswith(reverse("inventory:camera_list")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        return target
    return reverse("inventory:camera_list")


def _summary(done: str, changes: list[bulk.Change]) -> str:
    tags = [c.camera.asset_tag for c in changes]
    named = ", ".join(tags[:NAMED_IN_MESSAGE])
    more = f" and {len(tags) - NAMED_IN_MESSAGE} more" if len(tags) > NAMED_IN_MESSAGE else ""
    noun = "camera" if len(tags) == 1 else "cameras"
    return f"{done} {len(tags)} {noun}: {named}{more}."


@role_required(roles.CAN_ACT)
@require_POST
def camera_bulk(request, action: str):
    spec = bulk.ACTIONS.get(action)
    if spec is None:
        raise Http404("No such bulk action.")
    selection = forms.BulkSelectionForm(request.POST, limit=bulk.MAX_SELECTION)
    if not selection.is_valid():
        messages.error(request, " ".join(selection.non_field_errors()))
        return redirect(back_to_list(request.POST))
    step = request.POST.get("step", "")
    # Straight from the list the action's fields are empty, not wrong: the form starts unbound.
    form = FORMS[action](request.POST if step else None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    refusals: list[tuple[str, str]] = []
    status = 200
    if step == "confirm" and not form.is_valid():
        messages.error(request, f"{spec.title}: check the highlighted fields.")
        status = 422
    elif step == "confirm":
        outcome = attempt(
            lambda: bulk.run(action=spec, tags=selection.asset_tags, data=data, by=Actor.from_request(request))
        )
        if not outcome.refused:
            messages.success(request, _summary(spec.done, outcome.result))
            return redirect(back_to_list(request.POST))
        messages.error(request, outcome.refusal.message)
        refusals, status = getattr(outcome.refusal, "refusals", []), 409
    forecast = bulk.forecast(spec, selection.asset_tags, data)
    needs_preview = action == "move-to-dock"
    choose_first = needs_preview and "dock" not in data
    return render(
        request,
        "inventory/bulk_confirm.html",
        {
            "slug": action,
            "spec": spec,
            "url_name": f"inventory:{url_name(action)}",
            "form": form,
            "forecast": forecast,
            # A dock move is confirmed once its bays were shown for the chosen dock.
            "can_confirm": forecast.can_confirm and not choose_first,
            "choose_first": choose_first,
            "offer_without_refused": bool(forecast.acceptable_tags and (forecast.refused or forecast.unknown)),
            "refusals": refusals,
            "tags": selection.asset_tags,
            "next": back_to_list(request.POST),
            "needs_preview": needs_preview,
        },
        status=status,
    )
