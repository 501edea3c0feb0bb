"""PIN letters from the console: pick officers (one, or many on the officer list), confirm, print.

Each letter carries a one-time enrollment code (kiosk.pin_letters): shown on this one response, never
stored in clear, so the page is not cached and printing it is the quartermaster's only copy.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts import roles
from audit.actor import Actor
from hartford_bwc.refusals import attempt
from inventory.labels import parse_codes
from kiosk import pin_letters

from .. import selectors


def _chosen(query) -> tuple[list, list[str], int]:
    badges = parse_codes(query.getlist("badge"), upper=False)
    too_many = len(badges) if len(badges) > pin_letters.MAX_LETTERS else 0
    officers, unknown = selectors.officers_by_badges([] if too_many else badges)
    return officers, unknown, too_many


def _confirm(request, officers, unknown, too_many, *, refusal: str = "", status: int = 200):
    return render(
        request,
        "assignments/pin_letters_confirm.html",
        {
            "officers": officers,
            "unknown": unknown,
            "too_many": too_many,
            "max_letters": pin_letters.MAX_LETTERS,
            "refusal": refusal,
            "days": settings.PIN_LETTER_CODE_DAYS,
            "with_pin": [officer for officer in officers if officer.has_pin],
        },
        status=status,
    )


@never_cache
@roles.role_required(roles.CAN_ACT)
def pin_letters_view(request):
    """GET: what will be printed (and what it replaces). POST: issue the codes and show the letters once."""
    query = request.POST if request.method == "POST" else request.GET
    officers, unknown, too_many = _chosen(query)
    if request.method != "POST":
        return _confirm(request, officers, unknown, too_many)
    if unknown or too_many:
        return _confirm(request, officers, unknown, too_many, status=422)
    outcome = attempt(lambda: pin_letters.issue_pin_letters(officers=officers, by=Actor.from_request(request)))
    if outcome.refused:
        status = 422 if outcome.refusal.code in ("none_selected", "too_many") else 409
        return _confirm(request, officers, unknown, too_many, refusal=outcome.refusal.message, status=status)
    response = render(
        request,
        "assignments/pin_letters.html",
        {"letters": outcome.result, "days": settings.PIN_LETTER_CODE_DAYS, "pin_digits": settings.KIOSK_PIN_MIN_DIGITS},
    )
    response["Cache-Control"] = "no-store"
    return response
