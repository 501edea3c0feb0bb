"""The flags page: open flags and their history, with acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts import roles
from audit.actor import Actor
from devices.models import DeviceFlag
from hartford_bwc.paging import paginate
from hartford_bwc.refusals import attempt, run_action

from ..models import Flag
from ..services import acknowledge_flag
from . import services
from .filters import FlagFilter
from .forms import AssignFlagForm, FlagNoteForm
from .selectors import (
    DEVICE_FLAG_LIST_LIMIT,
    flag_for_page,
    flags_for_page,
    notes_of,
    open_device_flag_counts,
    open_device_flags,
    open_flag_counts,
)
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
    device_labels = dict(DeviceFlag.Kind.choices)
    device_counts = [(kind, device_labels[kind], n) for kind, n in open_device_flag_counts().items()]
    device_total = sum(n for *_, n in device_counts)
    return render(
        request,
        "inventory/flags.html",
        {
            "filter": filterset,
            "table": table,
            "counts": counts,
            "open_total": sum(n for *_, n in counts),
            "history": history,
            "device_counts": device_counts,
            "device_total": device_total,
            "device_flags": open_device_flags() if device_total else [],
            "device_limit": DEVICE_FLAG_LIST_LIMIT,
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


def _render_detail(request, flag: Flag, *, assign_form=None, note_form=None, status: int = 200):
    return render(
        request,
        "inventory/flag_detail.html",
        {
            "flag": flag,
            "notes": notes_of(flag),
            "assign_form": assign_form or AssignFlagForm(initial={"assignee": flag.assigned_to_id}),
            "note_form": note_form or FlagNoteForm(),
            "can_assign": roles.has_role(request.user, roles.CAN_ASSIGN_FLAGS),
            "can_note": roles.has_role(request.user, roles.CAN_NOTE_FLAGS),
            "can_acknowledge": roles.has_role(request.user, roles.CAN_ACKNOWLEDGE_FLAGS),
        },
        status=status,
    )


@roles.role_required(roles.CAN_READ)
def flag_detail(request, pk: int):
    """One flag: what, since when, who has it, and its notes."""
    return _render_detail(request, flag_for_page(pk))


@require_POST
@roles.role_required(roles.CAN_ASSIGN_FLAGS)
def flag_assign(request, pk: int):
    flag = get_object_or_404(Flag, pk=pk)
    form = AssignFlagForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, flag_for_page(pk), assign_form=form, status=422)
    assignee = form.cleaned_data["assignee"]
    who = (assignee.get_full_name() or assignee.username) if assignee is not None else "nobody"
    return run_action(
        request,
        lambda: services.assign_flag(flag=flag, assignee=assignee, by=Actor.from_request(request)),
        success_message=f"Flag assigned to {who}.",
        redirect_to=reverse_detail(flag),
    )


@require_POST
@roles.role_required(roles.CAN_NOTE_FLAGS)
def flag_note(request, pk: int):
    flag = get_object_or_404(Flag, pk=pk)
    form = FlagNoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, flag_for_page(pk), note_form=form, status=422)
    outcome = attempt(
        lambda: services.add_flag_note(flag=flag, text=form.cleaned_data["text"], by=Actor.from_request(request))
    )
    if outcome.refused:
        form.add_error("text", outcome.refusal.message)
        return _render_detail(request, flag_for_page(pk), note_form=form, status=422)
    messages.success(request, "Note added.")
    return redirect(reverse_detail(flag))


def reverse_detail(flag: Flag) -> str:
    return reverse("inventory:flag_detail", args=[flag.pk])
