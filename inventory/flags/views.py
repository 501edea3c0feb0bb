"""The flags page: open flags and their history, with acknowledge."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts import roles
from audit.actor import Actor
from hartford_bwc.paging import paginate
from hartford_bwc.refusals import run_action

from ..models import Flag
from ..services import acknowledge_flag
from .filters import FlagFilter
from .selectors import flags_for_page, open_flag_counts
from .tables import FlagTable

PER_PAGE = 50


@roles.role_required(roles.CAN_READ)
def flag_list(request):
    filterset = FlagFilter(request.GET, queryset=flags_for_page(), request=request)
    history = filterset.form.cleaned_data.get("state") != "open" if filterset.is_valid() else False
    table = FlagTable(filterset.qs, history=history)
    RequestConfig(request, paginate=paginate(PER_PAGE)).configure(table)
    labels = dict(Flag.Kind.choices)
    counts = [(kind, labels[kind], n) for kind, n in open_flag_counts().items()]
    return render(
        request,
        "inventory/flags.html",
        {
            "filter": filterset,
            "table": table,
            "counts": counts,
            "open_total": sum(n for *_, n in counts),
            "history": history,
            "can_acknowledge": roles.has_role(request.user, roles.CAN_ACKNOWLEDGE_FLAGS),
        },
    )


@require_POST
@roles.role_required(roles.CAN_ACKNOWLEDGE_FLAGS)
def flag_acknowledge(request, pk: int):
    flag = get_object_or_404(Flag.objects.select_related("camera"), pk=pk)
    back = request.POST.get("next", "")
    if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = "inventory:flags"
    return run_action(
        request,
        lambda: acknowledge_flag(flag=flag, by=Actor.from_request(request)),
        success_message=f"Acknowledged: {flag.get_kind_display()} on {flag.camera.asset_tag}.",
        redirect_to=back,
    )
