"""The officer's short session at a kiosk, kept in the Django session of the kiosk's browser.

It is bound to the kiosk that started it and dies after KIOSK_IDLE_SECONDS without a request, checked
on the server at every request whatever the browser's JavaScript does. An officer is never a Django
user here, so no staff view, admin page or API treats the kiosk browser as signed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import Kiosk

OFFICER, KIOSK, SEEN, PRESHIFT = "kiosk_officer", "kiosk_id", "kiosk_seen", "kiosk_preshift"
CHOOSING_PIN = "kiosk_choosing_pin"
# Badge and PIN letter code were right: this long to choose a PIN and type it twice, gloves on.
CHOOSE_PIN_SECONDS = 120


def _now() -> float:
    return timezone.now().timestamp()


def start(request: HttpRequest, kiosk: Kiosk, officer_id: int) -> None:
    # A fresh session (new key): nothing from before, a staff login included, survives sign-in.
    request.session.flush()
    request.session[KIOSK] = kiosk.pk
    request.session[OFFICER] = officer_id
    request.session[SEEN] = _now()


def _idle(request: HttpRequest) -> bool:
    seen = request.session.get(SEEN)
    # Only the pre-shift check left open (the officer is signed out): it needs time to power the camera
    # on, record a test clip and look at the mount, so it lasts KIOSK_PRESHIFT_SECONDS (60 s).
    preshift_only = OFFICER not in request.session and PRESHIFT in request.session
    limit = settings.KIOSK_PRESHIFT_SECONDS if preshift_only else settings.KIOSK_IDLE_SECONDS
    return seen is None or _now() - seen > limit


def _of_this_kiosk(request: HttpRequest, kiosk: Kiosk) -> bool:
    return request.session.get(KIOSK) == kiosk.pk


@dataclass(frozen=True)
class State:
    officer_id: int | None = None
    preshift: dict | None = None
    idle_officer_id: int | None = None  # signed out just now for being idle


def current(request: HttpRequest, kiosk: Kiosk) -> State:
    """Who is signed in at this kiosk (if anyone, and not idle), and any pre-shift check in progress."""
    session = request.session
    if OFFICER not in session and PRESHIFT not in session:
        return State()
    if not _of_this_kiosk(request, kiosk) or _idle(request):
        idle_officer = session.get(OFFICER) if _of_this_kiosk(request, kiosk) else None
        end(request)
        return State(idle_officer_id=idle_officer)
    session[SEEN] = _now()
    return State(officer_id=session.get(OFFICER), preshift=session.get(PRESHIFT))


def start_preshift(request: HttpRequest, *, checkout_id: int, officer_id: int, taken_from: str) -> None:
    """The officer is signed out at once; only the pre-shift check of this one checkout stays open."""
    request.session.pop(OFFICER, None)
    request.session[PRESHIFT] = {"checkout": checkout_id, "officer": officer_id, "from": taken_from}
    request.session[SEEN] = _now()


def start_choosing_pin(request: HttpRequest, kiosk: Kiosk, *, code_id: int, officer_id: int) -> None:
    """Badge and PIN letter code checked out: the next step, and only it, may spend that code."""
    end(request)
    request.session[CHOOSING_PIN] = {"kiosk": kiosk.pk, "code": code_id, "officer": officer_id, "at": _now()}


def choosing_pin(request: HttpRequest, kiosk: Kiosk) -> dict | None:
    """The code being spent at this kiosk, if the officer is still within CHOOSE_PIN_SECONDS of checking it."""
    grant = request.session.get(CHOOSING_PIN)
    if not isinstance(grant, dict) or grant.get("kiosk") != kiosk.pk:
        return None
    if _now() - grant.get("at", 0) > CHOOSE_PIN_SECONDS:
        request.session.pop(CHOOSING_PIN, None)
        return None
    return grant


def end(request: HttpRequest) -> None:
    for key in (OFFICER, KIOSK, SEEN, PRESHIFT, CHOOSING_PIN):
        request.session.pop(key, None)
