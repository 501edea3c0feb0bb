"""The kiosk screens. Every view needs an enrolled kiosk browser; officer views need a live officer session."""

from __future__ import annotations

from functools import wraps
from time import perf_counter

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from assignments.models import Checkout, Officer
from devices.selectors import signal_links
from hartford_bwc.client_address import client_address
from hartford_bwc.refusals import attempt
from hartford_bwc.timefmt import when

from .. import pin_letters, selectors, services
from .. import session as kiosk_session
from ..device import kiosk_for_request, set_device_cookie
from ..forms import BarcodeForm, ChoosePinForm, EnrollmentCodeForm, PreshiftForm, ReturnForm, SignInForm

# Refusals after which the kiosk offers a charged spare with one button.
SUGGEST_SPARE = {"not_charged", "in_maintenance", "retired", "lost", "someone_elses_personal", "already_out"}
IDLE_MESSAGE = "You were signed out after {seconds} seconds without a touch."


def kiosk_view(view):
    """Only an enrolled kiosk's browser gets past; everyone else learns that and nothing more."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        started = perf_counter()
        kiosk = kiosk_for_request(request)
        if kiosk is None:
            response = render(request, "kiosk/not_enrolled.html", status=403)
        else:
            request.kiosk = kiosk
            response = view(request, *args, **kwargs)
        response["Server-Timing"] = f"app;dur={(perf_counter() - started) * 1000:.1f}"
        return response

    return wrapped


def _state(request: HttpRequest) -> kiosk_session.State:
    state = kiosk_session.current(request, request.kiosk)
    if state.idle_officer_id is not None:
        officer = Officer.objects.filter(pk=state.idle_officer_id).first()
        if officer is not None:
            services.record_sign_out(kiosk=request.kiosk, officer=officer, reason="idle", ip=client_address(request))
        messages.info(request, IDLE_MESSAGE.format(seconds=settings.KIOSK_IDLE_SECONDS))
    return state


def _signed_in_officer(request: HttpRequest) -> tuple[Officer | None, kiosk_session.State]:
    state = _state(request)
    if state.officer_id is None:
        return None, state
    return Officer.objects.select_related("shift").filter(pk=state.officer_id).first(), state


def _render_home(
    request: HttpRequest, *, refusal: str = "", sign_in_form=None, return_form=None, focus: str = "", status=200
):
    if not focus:
        focus = "pin" if sign_in_form is not None and sign_in_form.data.get("badge") else "badge"
    return render(
        request,
        "kiosk/home.html",
        {
            "kiosk": request.kiosk,
            "refusal": refusal,
            "sign_in_form": sign_in_form or SignInForm(),
            "return_form": return_form or ReturnForm(),
            "focus": focus,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS,
            "result_seconds": settings.KIOSK_RESULT_SECONDS,
            "scan_gap_ms": settings.KIOSK_SCAN_MAX_KEY_GAP_MS,
            "asset_tag_prefix": settings.ASSET_TAG_PREFIX,
        },
        status=status,
    )


def _render_signed_in(request: HttpRequest, officer: Officer, *, refusal: str = "", suggestion=None, barcode=""):
    return render(
        request,
        "kiosk/signed_in.html",
        {
            "kiosk": request.kiosk,
            "at_kiosk": selectors.officer_at_kiosk(officer),
            "can_stocktake": selectors.stocktaker(officer) is not None,
            "refusal": refusal,
            "suggestion": suggestion,
            "barcode": barcode,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        },
    )


@kiosk_view
def home(request: HttpRequest) -> HttpResponse:
    officer, _ = _signed_in_officer(request)
    if officer is not None:
        return _render_signed_in(request, officer)
    return _render_home(request)


@kiosk_view
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("kiosk:home")
    _state(request)  # ends any idle session first
    form = SignInForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if services.is_asset_tag(data.get("badge", "")):
        # A camera label scanned on the start screen lands in the badge field: returns need no
        # sign-in, so this is the return it looks like, with the badge field's entry method.
        return _start_return(request, barcode=data["badge"], entry_method=data.get("entry_method", ""))
    outcome = attempt(
        lambda: services.sign_in(
            kiosk=request.kiosk, badge=data.get("badge", ""), pin=data.get("pin", ""), ip=client_address(request)
        )
    )
    if outcome.refused:
        # Keep the badge (a scanner filled it) but never echo the PIN.
        return _render_home(
            request, refusal=outcome.refusal.message, sign_in_form=SignInForm({"badge": data.get("badge", "")})
        )
    officer = outcome.result
    kiosk_session.start(request, request.kiosk, officer.pk)
    for notice in services.tell_officer_of_alerts(kiosk=request.kiosk, officer=officer, ip=client_address(request)):
        messages.warning(request, notice)
    return redirect("kiosk:home")


@kiosk_view
def my_equipment(request: HttpRequest) -> HttpResponse:
    """ "My equipment": the signed-in officer's cameras, their last 30 days and open flags; theirs only."""
    officer, state = _signed_in_officer(request)
    if officer is None:
        if state.idle_officer_id is None:
            messages.error(request, "Sign in with your badge number and PIN first.")
        return redirect("kiosk:home")
    return render(
        request,
        "kiosk/my_equipment.html",
        {
            "kiosk": request.kiosk,
            "officer": officer,
            "mine": selectors.my_equipment(officer, now=timezone.now()),
            "history_days": selectors.MY_HISTORY_DAYS,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        },
    )


@kiosk_view
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("kiosk:home")
    state = _state(request)
    if state.officer_id is not None:
        officer = Officer.objects.filter(pk=state.officer_id).first()
        if officer is not None:
            reason = "idle" if request.POST.get("reason") == "idle" else "signed out"
            services.record_sign_out(kiosk=request.kiosk, officer=officer, reason=reason, ip=client_address(request))
        kiosk_session.end(request)
        if request.POST.get("reason") == "idle":
            messages.info(request, IDLE_MESSAGE.format(seconds=settings.KIOSK_IDLE_SECONDS))
        else:
            messages.success(request, "You are signed out.")
    kiosk_session.end(request)
    return redirect("kiosk:home")


@kiosk_view
def check_out(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("kiosk:home")
    officer, state = _signed_in_officer(request)
    if officer is None:
        if state.idle_officer_id is None:
            messages.error(request, "Sign in with your badge number and PIN first.")
        return redirect("kiosk:home")
    form = BarcodeForm(request.POST)
    form.is_valid()
    barcode = form.cleaned_data.get("barcode", "")
    outcome = attempt(
        lambda: services.check_out_at_kiosk(
            kiosk=request.kiosk, officer=officer, barcode=barcode, ip=client_address(request)
        )
    )
    if outcome.refused:
        suggestion = None
        if outcome.refusal.code in SUGGEST_SPARE:
            suggestion = next(iter(selectors.ready_spares()), None)
        return _render_signed_in(
            request, officer, refusal=outcome.refusal.message, suggestion=suggestion, barcode=barcode
        )
    result = outcome.result
    kiosk_session.start_preshift(
        request, checkout_id=result.checkout.pk, officer_id=officer.pk, taken_from=result.taken_from
    )
    return redirect("kiosk:done")


def _preshift_checkout(request: HttpRequest) -> tuple[Checkout | None, dict]:
    state = _state(request)
    grant = state.preshift or {}
    if not grant:
        return None, {}
    checkout = (
        Checkout.objects.open()
        .select_related("camera", "officer")
        .filter(pk=grant.get("checkout"), officer_id=grant.get("officer"))
        .first()
    )
    return checkout, grant


@kiosk_view
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation, with the pre-shift checklist. The officer is already signed out."""
    checkout, grant = _preshift_checkout(request)
    if checkout is None:
        kiosk_session.end(request)
        return redirect("kiosk:home")
    if request.method == "POST":
        return _preshift(request, checkout)
    return render(
        request,
        "kiosk/done.html",
        {
            "kiosk": request.kiosk,
            "checkout": checkout,
            "due_back": when(checkout.due_back_at),
            "taken_from": grant.get("from", ""),
            # What starts this camera recording: the triggers paired with it, and the officer's own.
            "signal": signal_links(camera=checkout.camera, officer=checkout.officer),
            "checklist": list(enumerate(settings.PRESHIFT_CHECKLIST)),
            "preshift_seconds": settings.KIOSK_PRESHIFT_SECONDS,
        },
    )


def _preshift(request: HttpRequest, checkout: Checkout) -> HttpResponse:
    form = PreshiftForm(request.POST)
    checklist = settings.PRESHIFT_CHECKLIST
    if not form.is_valid():
        return redirect("kiosk:done")
    if form.cleaned_data["outcome"] == "passed":
        services.record_preshift_pass(kiosk=request.kiosk, checkout=checkout, ip=client_address(request))
        kiosk_session.end(request)
        messages.success(request, f"Pre-shift check passed for {checkout.camera.asset_tag}. Stay safe.")
        return redirect("kiosk:home")
    index = form.cleaned_data.get("item")
    if index is None or not 0 <= index < len(checklist):
        return redirect("kiosk:done")
    failed = checkout.camera.asset_tag
    outcome = attempt(
        lambda: services.swap_after_failed_check(
            kiosk=request.kiosk, checkout=checkout, failed_item=checklist[index], ip=client_address(request)
        )
    )
    if outcome.refused:
        kiosk_session.end(request)
        messages.error(request, outcome.refusal.message)
        return redirect("kiosk:home")
    swap = outcome.result
    if swap.replacement is None:
        kiosk_session.end(request)
        messages.error(
            request,
            f"{failed} is checked in as damaged: hand it to the supervisor. No charged spare is ready; "
            "see the quartermaster for a camera.",
        )
        return redirect("kiosk:home")
    new = swap.replacement.checkout
    kiosk_session.start_preshift(
        request, checkout_id=new.pk, officer_id=new.officer_id, taken_from=swap.replacement.taken_from
    )
    messages.success(
        request, f"{failed} is checked in as damaged: hand it to the supervisor. Take {new.camera.asset_tag} instead."
    )
    return redirect("kiosk:done")


# A photo the kiosk refuses (inventory.attachments) asks again on the same screen, like a missing description.
PHOTO_REFUSALS = ("attachment_empty", "attachment_too_large", "attachment_type", "too_many_attachments")


@kiosk_view
def return_camera(request: HttpRequest) -> HttpResponse:
    """Return a camera, no sign-in: scan it, then say whether it works."""
    if request.method != "POST":
        return redirect("kiosk:home")
    state = _state(request)
    form = ReturnForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    barcode, condition = data.get("barcode", ""), data.get("condition", "")
    entry_method = data.get("entry_method", "")
    if not condition:
        return _start_return(request, barcode=barcode, entry_method=entry_method)
    signed_in = Officer.objects.filter(pk=state.officer_id).first() if state.officer_id is not None else None
    outcome = attempt(
        lambda: services.check_in_at_kiosk(
            kiosk=request.kiosk,
            barcode=barcode,
            condition=condition,
            damage_description=data.get("damage_description", ""),
            entry_method=entry_method,
            signed_in_officer=signed_in,
            ip=client_address(request),
            photo=request.FILES.get("photo"),
        )
    )
    if outcome.refused:
        if outcome.refusal.code in ("damage_not_described", "bad_condition", *PHOTO_REFUSALS):
            return _render_condition(request, barcode, refusal=outcome.refusal.message, entry_method=entry_method)
        return _render_return_refused(request, outcome.refusal.message)
    returned = outcome.result
    tag = returned.camera.asset_tag
    if returned.condition == Checkout.Condition.DAMAGED:
        messages.success(
            request,
            f"{tag} is checked in as damaged and taken out of service. Hand it to the supervisor now; "
            "do not put it in a dock.",
        )
    else:
        bay = selectors.free_dock_bay(near=request.kiosk.location)
        where = f"Put it in {bay}." if bay else "Every dock is full: hand it to the quartermaster to charge."
        messages.success(request, f"{tag} is checked in. {where}")
    return redirect("kiosk:home")


def _start_return(request: HttpRequest, *, barcode: str, entry_method: str) -> HttpResponse:
    """The return's first step: find the scanned camera's checkout and ask whether it works."""
    found = attempt(lambda: services.camera_to_return(barcode=barcode))
    if found.refused:
        return _render_return_refused(request, found.refusal.message)
    checkout = found.result
    return _render_condition(request, checkout.camera.asset_tag, checkout=checkout, entry_method=entry_method)


def _render_return_refused(request: HttpRequest, refusal: str) -> HttpResponse:
    # The refusal asks for a rescan: the return field is empty and focused so the scanner's next
    # burst lands there, not in the badge field (the bad code is named in the refusal).
    return _render_home(request, refusal=refusal, focus="return")


def _render_condition(
    request: HttpRequest, barcode: str, *, checkout: Checkout | None = None, refusal: str = "", entry_method: str = ""
):
    # Whoever stands at the kiosk has not signed in: the page names the camera, never its holder.
    return render(
        request,
        "kiosk/return_condition.html",
        {
            "kiosk": request.kiosk,
            "barcode": barcode,
            "checkout": checkout,
            "out_since": when(checkout.checked_out_at) if checkout else "",
            "refusal": refusal,
            "entry_method": entry_method,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        },
    )


# --- first PIN, with the code from a PIN letter ------------------------------------------------------


def _render_pin_letter(request: HttpRequest, form: EnrollmentCodeForm, *, refusal: str = "", status=200):
    return render(
        request,
        "kiosk/pin_letter.html",
        {
            "kiosk": request.kiosk,
            "form": form,
            "refusal": refusal,
            "idle_seconds": kiosk_session.CHOOSE_PIN_SECONDS,
            "focus": "code" if form.data.get("badge") else "badge",
        },
        status=status,
    )


def _render_choose_pin(request: HttpRequest, officer: Officer, *, refusal: str = "", status=200):
    return render(
        request,
        "kiosk/choose_pin.html",
        {
            "kiosk": request.kiosk,
            "officer": officer,
            "form": ChoosePinForm(),
            "refusal": refusal,
            "idle_seconds": kiosk_session.CHOOSE_PIN_SECONDS,
            "pin_digits": settings.KIOSK_PIN_MIN_DIGITS,
        },
        status=status,
    )


@kiosk_view
def pin_letter(request: HttpRequest) -> HttpResponse:
    """Badge number and the code from the officer's PIN letter; right, and the officer chooses a PIN."""
    _state(request)
    if request.method != "POST":
        return _render_pin_letter(request, EnrollmentCodeForm())
    form = EnrollmentCodeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    outcome = attempt(
        lambda: pin_letters.check_code(
            kiosk=request.kiosk, badge=data.get("badge", ""), code=data.get("code", ""), ip=client_address(request)
        )
    )
    if outcome.refused:
        # Keep the badge, never the code.
        return _render_pin_letter(
            request, EnrollmentCodeForm({"badge": data.get("badge", "")}), refusal=outcome.refusal.message
        )
    found = outcome.result
    kiosk_session.start_choosing_pin(request, request.kiosk, code_id=found.pk, officer_id=found.officer_id)
    return _render_choose_pin(request, found.officer)


@kiosk_view
def choose_pin(request: HttpRequest) -> HttpResponse:
    grant = kiosk_session.choosing_pin(request, request.kiosk)
    if request.method != "POST" or grant is None:
        if request.method == "POST":
            messages.error(request, "That took too long: enter your badge number and the code again.")
        return redirect("kiosk:pin_letter")
    form = ChoosePinForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    outcome = attempt(
        lambda: pin_letters.choose_pin(
            kiosk=request.kiosk,
            code_id=grant["code"],
            officer_id=grant["officer"],
            pin=data.get("pin", ""),
            pin_again=data.get("pin_again", ""),
            ip=client_address(request),
        )
    )
    if outcome.refused:
        if outcome.refusal.code == "code_spent":
            kiosk_session.end(request)
            messages.error(request, outcome.refusal.message)
            return redirect("kiosk:home")
        officer = Officer.objects.get(pk=grant["officer"])
        return _render_choose_pin(request, officer, refusal=outcome.refusal.message)
    officer = outcome.result
    kiosk_session.start(request, request.kiosk, officer.pk)
    messages.success(request, "Your PIN is set: sign in with it from now on. Your PIN letter no longer works.")
    return redirect("kiosk:home")


@never_cache
def enroll(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the one-time link makes this browser the kiosk (a long-lived, signed, HttpOnly cookie)."""
    outcome = attempt(lambda: services.enroll_device(token=token, ip=client_address(request)))
    if outcome.refused:
        return render(request, "kiosk/enroll_invalid.html", {"refusal": outcome.refusal.message}, status=404)
    kiosk, secret = outcome.result
    kiosk_session.end(request)
    response = redirect("kiosk:home")
    set_device_cookie(response, kiosk, secret)
    messages.success(request, f"This browser is now kiosk {kiosk.name}.")
    return response
