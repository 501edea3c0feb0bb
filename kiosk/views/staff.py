"""The kiosk console for quartermasters: list, register (with its one-time link), new link, revoke."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts import roles
from audit.actor import Actor
from hartford_bwc.refusals import attempt, run_action

from .. import selectors, services
from ..forms import RegisterKioskForm, RevokeKioskForm
from ..models import Kiosk, KioskAlert


@roles.role_required(roles.CAN_ACT)
def kiosk_list(request: HttpRequest) -> HttpResponse:
    return render(request, "kiosk/console/list.html", {"kiosks": selectors.kiosks_for_console()})


def _show_link(request: HttpRequest, kiosk: Kiosk, token: str) -> HttpResponse:
    # The link is shown once and never stored in clear: the page must not be cached.
    url = request.build_absolute_uri(reverse("kiosk:enroll", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#16202c")
    return render(request, "kiosk/console/link.html", {"kiosk": kiosk, "url": url, "qr": qr})


@never_cache
@roles.role_required(roles.CAN_ACT)
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterKioskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            lambda: services.register_kiosk(
                name=form.cleaned_data["name"],
                location=form.cleaned_data["location"],
                by=Actor.from_request(request),
            )
        )
        if not outcome.refused:
            return _show_link(request, *outcome.result)
        form.add_error("name", outcome.refusal.message)
    return render(request, "kiosk/console/register.html", {"form": form})


@never_cache
@roles.role_required(roles.CAN_ACT)
def new_link(request: HttpRequest, pk: int) -> HttpResponse:
    kiosk = get_object_or_404(Kiosk, pk=pk)
    if request.method != "POST":
        return redirect("kiosk_console:list")
    outcome = attempt(lambda: services.issue_enrollment_link(kiosk=kiosk, by=Actor.from_request(request)))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        return redirect("kiosk_console:list")
    return _show_link(request, kiosk, outcome.result)


@roles.role_required(roles.CAN_ACT)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    kiosk = get_object_or_404(Kiosk, pk=pk)
    form = RevokeKioskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return run_action(
            request,
            lambda: services.revoke_kiosk(
                kiosk=kiosk, by=Actor.from_request(request), reason=form.cleaned_data["reason"]
            ),
            success_message=f"Kiosk {kiosk.name} is revoked: its browser no longer opens the kiosk.",
            redirect_to="kiosk_console:list",
        )
    return render(request, "kiosk/console/revoke.html", {"kiosk": kiosk, "form": form})


@roles.role_required(roles.CAN_ACKNOWLEDGE_FLAGS)
def alert_list(request: HttpRequest) -> HttpResponse:
    """Kiosk alerts for supervisors: sign-in paused at a kiosk, cameras returned by a typed number."""
    return render(request, "kiosk/console/alerts.html", {"alerts": selectors.open_alerts()})


@roles.role_required(roles.CAN_ACKNOWLEDGE_FLAGS)
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(KioskAlert, pk=pk)
    if request.method != "POST":
        return redirect("kiosk_console:alerts")
    return run_action(
        request,
        lambda: services.acknowledge_alert(alert=alert, by=Actor.from_request(request)),
        success_message="Alert acknowledged.",
        redirect_to="kiosk_console:alerts",
    )
