"""The kiosk's stocktake, for an officer whose staff account (Officer.user) is a quartermaster's.

The same stocktake services as the console (stocktake.services): choose the place, scan code after
code with a running count, finish, and read the result on the console (its link is shown). The
count outlives the kiosk session: an officer signed out for being idle signs in again and carries on.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from audit.actor import Actor
from devices.models import Vehicle
from hartford_bwc import control_characters
from hartford_bwc.client_address import client_address
from hartford_bwc.refusals import attempt
from inventory.forms import DockField
from inventory.models import Dock, Shelf
from stocktake import selectors as stocktake_selectors
from stocktake import services as stocktake_services
from stocktake.models import Stocktake, StocktakeLine

from .. import selectors
from .officer import _signed_in_officer, kiosk_view

NOT_A_QUARTERMASTER = "Stocktake is for a quartermaster: sign in with a badge linked to a quartermaster's account."
# The last codes counted, shown under the field (the whole list is on the console).
RECENT = 8


def stocktaker_view(view):
    """An enrolled kiosk, a signed-in officer, and that officer a quartermaster; `request.by` acts for them."""

    @kiosk_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        officer, state = _signed_in_officer(request)
        if officer is None:
            if state.idle_officer_id is None:
                messages.error(request, "Sign in with your badge number and PIN first.")
            return redirect("kiosk:home")
        user = selectors.stocktaker(officer)
        if user is None:
            messages.error(request, NOT_A_QUARTERMASTER)
            return redirect("kiosk:home")
        request.officer = officer
        request.by = Actor(user=user, officer=officer, kiosk=request.kiosk, ip=client_address(request))
        return view(request, *args, **kwargs)

    return wrapped


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {
        "kiosk": request.kiosk,
        "officer": request.officer,
        "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        **context,
    }
    return render(request, f"kiosk/{template}", context, status=status)


@stocktaker_view
def choose(request: HttpRequest) -> HttpResponse:
    """Which place to count (or an open count to carry on); a POST starts the count."""
    if request.method == "POST":
        place = request.POST.get("place", "")
        try:
            dock = (
                DockField(required=False).clean(request.POST.get("dock", "")) if place == Stocktake.Place.DOCK else None
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("kiosk:stocktake")
        shelf = Shelf.objects.filter(pk=_int(request.POST.get("shelf")), is_active=True).first()
        number = request.POST.get("vehicle", "").strip()
        vehicle = _vehicle(number) if place == Stocktake.Place.VEHICLE else None
        if place == Stocktake.Place.VEHICLE and number and vehicle is None:
            messages.error(request, _no_such_vehicle(number))
            return redirect("kiosk:stocktake")
        outcome = attempt(
            lambda: stocktake_services.start(place=place, dock=dock, shelf=shelf, vehicle=vehicle, by=request.by)
        )
        if not outcome.refused:
            return redirect("kiosk:stocktake_count", pk=outcome.result.pk)
        messages.error(request, outcome.refusal.message)
        return redirect("kiosk:stocktake")
    context = {
        "heading": "Stocktake: choose the place",
        "open_counts": list(stocktake_selectors.open_stocktakes()[:5]),
        # Typed (or scanned from its label) like the vehicle: a button a dock would be 3,750 buttons
        # at 30,000 cameras. Shelves are a few named places, buttons.
        "docks_in_service": Dock.objects.filter(is_active=True).exists(),
        "dock_name_length": Dock._meta.get_field("name").max_length,
        "shelves": list(Shelf.objects.filter(is_active=True).order_by("name")),
        "places": [
            (value, label.split(" (")[0])
            for value, label in Stocktake.Place.choices
            if value not in (Stocktake.Place.DOCK, Stocktake.Place.SHELF, Stocktake.Place.VEHICLE)
        ],
        "unit_number_length": UNIT_NUMBER_LENGTH,
    }
    return _render(request, "stocktake_choose.html", context)


UNIT_NUMBER_LENGTH = Vehicle._meta.get_field("unit_number").max_length


def _vehicle(number: str) -> Vehicle | None:
    """The vehicle with that unit number, in any case (None: no such vehicle, or not a unit number)."""
    if not number or len(number) > UNIT_NUMBER_LENGTH or control_characters.has_any(number):
        return None
    return Vehicle.objects.filter(unit_number__iexact=number).first()


def _no_such_vehicle(number: str) -> str:
    if len(number) > UNIT_NUMBER_LENGTH or control_characters.has_any(number):
        return "That is not a unit number: type the number painted on the vehicle."
    return f"No vehicle has unit number {number}."


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@stocktaker_view
def count(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan screen: the field (always focused), the running count, the last few codes, Finish."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("dock", "shelf", "vehicle"), pk=pk)
    if not stocktake.is_open:
        return _finished(request, stocktake)
    lines = (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .select_related("camera", "device")
        .order_by("-scanned_at", "-pk")
    )
    context = {
        "heading": f"Count #{stocktake.pk}",
        "stocktake": stocktake,
        "counted": lines.count(),
        "recent": list(lines[:RECENT]),
    }
    return _render(request, "stocktake_count.html", context)


@stocktaker_view
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("kiosk:stocktake_count", pk=pk)
    stocktake = get_object_or_404(Stocktake, pk=pk)
    code = request.POST.get("code", "")
    outcome = attempt(lambda: stocktake_services.scan(stocktake=stocktake, code=code, by=request.by))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
    else:
        messages.success(request, outcome.result.message)
    return redirect("kiosk:stocktake_count", pk=pk)


@stocktaker_view
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("kiosk:stocktake_count", pk=pk)
    stocktake = get_object_or_404(Stocktake, pk=pk)
    outcome = attempt(lambda: stocktake_services.finish(stocktake=stocktake, by=request.by))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
    else:
        messages.success(request, f"Count #{stocktake.pk} finished.")
    return redirect("kiosk:stocktake_count", pk=pk)


def _finished(request: HttpRequest, stocktake: Stocktake) -> HttpResponse:
    """The tally, and the console's result page (where the fixes are) as a link to open at a desk."""
    tally = dict(stocktake_selectors.outcome_tally(stocktake))
    sections = [
        (label, tally.get(outcome, 0))
        for outcome, label in (
            (StocktakeLine.Outcome.SEEN_EXPECTED, "Seen and expected"),
            (StocktakeLine.Outcome.SEEN_ELSEWHERE, "Recorded elsewhere"),
            (StocktakeLine.Outcome.NOT_SEEN, "Expected, not seen"),
            (StocktakeLine.Outcome.UNKNOWN, "Unknown codes"),
        )
    ]
    context = {
        "heading": "Count finished",
        "stocktake": stocktake,
        "sections": sections,
        "result_url": request.build_absolute_uri(stocktake.get_absolute_url()),
    }
    return _render(request, "stocktake_done.html", context)
