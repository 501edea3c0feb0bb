"""The officer pages of the console: the list, one officer's page and its actions, badge cards."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts import roles
from audit.actor import Actor
from devices import selectors as device_selectors
from hartford_bwc import spreadsheet
from hartford_bwc.paging import paginate
from hartford_bwc.refusals import attempt, run_action
from inventory import labels
from kiosk import selectors as kiosk_selectors
from kiosk import services as kiosk_services

from .. import selectors, services
from ..duty import duty_status
from ..filters import OfficerFilter
from ..forms import IssuePersonalForm, OfficerForm, RevokePersonalForm, SetActiveForm
from ..pins import generate_pin
from ..tables import PAGE_SIZES, CheckoutHistoryTable, OfficerTable, PageSizePaginator
from ..tables import export_rows as officer_export_rows

EXPORT_FORMATS = spreadsheet.FORMATS


@roles.role_required(roles.CAN_READ)
def officer_list(request):
    filterset = OfficerFilter(request.GET or None, queryset=selectors.officer_list())
    table = OfficerTable(filterset.qs)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        # The whole filtered, sorted list, not one page of it.
        RequestConfig(request, paginate=False).configure(table)
        return spreadsheet.fast_table_response(
            table,
            officer_export_rows,
            export_format,
            filename=f"officers.{export_format}",
            title="Officers",
            exclude_columns=("select",),
        )
    RequestConfig(request, paginate={"paginator_class": PageSizePaginator, "per_page": PAGE_SIZES[0]}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assignments/officer_list.html",
        {
            "filter": filterset,
            "table": table,
            "page_sizes": PAGE_SIZES,
            "per_page": table.paginator.per_page,
            "query_without_page": query.urlencode(),
            "export_formats": EXPORT_FORMATS,
        },
    )


@roles.role_required(roles.CAN_READ)
def officer_detail(request, badge: str):
    officer = selectors.officer_by_badge(badge)
    current = selectors.current_checkout(officer)
    history = CheckoutHistoryTable(selectors.checkout_history(officer), prefix="co-")
    RequestConfig(request, paginate=paginate(15)).configure(history)
    events = Paginator(selectors.officer_events(officer), 15).get_page(request.GET.get("ev-page"))
    return render(
        request,
        "assignments/officer_detail.html",
        {
            "officer": officer,
            "personal": selectors.personal_issue(officer),
            "devices": device_selectors.officer_devices(officer),
            "current": current,
            "current_overdue": current is not None and current.is_overdue(),
            "history": history,
            "events": events,
            "active_form": SetActiveForm(initial={"active": "0" if officer.is_active else "1"}),
            "issue_form": IssuePersonalForm(),
            "revoke_form": RevokePersonalForm(),
            "badge_lock": kiosk_selectors.badge_lock(officer.badge_number),
            "pin_letter": kiosk_selectors.pin_letter_outstanding(officer),
            "status": duty_status(officer),
            "certification_days": settings.CERTIFICATION_EXPIRING_DAYS,
            "can_unlock": roles.has_role(request.user, roles.CAN_UNLOCK_BADGES),
        },
    )


@roles.role_required(roles.CAN_ACT)
@require_POST
def officer_reset_pin(request, badge: str):
    """Set a random PIN and show it on this response only: it is stored hashed and never logged."""
    officer = selectors.officer_by_badge(badge)
    pin = generate_pin()
    outcome = attempt(lambda: services.set_officer_pin(officer=officer, pin=pin, by=Actor.from_request(request)))
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        return redirect(officer.get_absolute_url())
    response = render(request, "assignments/officer_pin.html", {"officer": officer, "pin": pin})
    # Neither the browser nor a proxy may keep the page with the PIN.
    response["Cache-Control"] = "no-store"
    return response


@roles.role_required(roles.CAN_UNLOCK_BADGES)
@require_POST
def officer_unlock_badge(request, badge: str):
    """Lift the officer's kiosk lock-out (too many wrong PINs) before it expires."""
    officer = selectors.officer_by_badge(badge)
    outcome = attempt(
        lambda: kiosk_services.unlock_badge(
            badge=officer.badge_number, by=Actor.from_request(request), reason=request.POST.get("reason", "")
        )
    )
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
    else:
        messages.success(request, f"{officer.display_name} can sign in at the kiosk again.")
    return redirect(officer.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
@require_POST
def officer_set_active(request, badge: str):
    officer = selectors.officer_by_badge(badge)
    form = SetActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to activate or deactivate the officer.")
        return redirect(officer.get_absolute_url())
    outcome = attempt(
        lambda: services.set_officer_active(
            officer=officer,
            active=form.cleaned_data["active"],
            by=Actor.from_request(request),
            reason=form.cleaned_data["reason"],
        )
    )
    if outcome.refused:
        messages.error(request, outcome.refusal.message)
        return redirect(officer.get_absolute_url())
    officer = outcome.result
    if officer.is_active:
        messages.success(request, f"{officer.display_name} is active again and may take a camera at the kiosk.")
    else:
        messages.success(request, f"{officer.display_name} is deactivated and cannot take a camera.")
        held = selectors.current_checkout(officer)
        if held is not None:
            messages.warning(
                request,
                f"{officer.display_name} still holds {held.camera.asset_tag}: get it back and check it in.",
            )
    return redirect(officer.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
@require_POST
def officer_issue_personal(request, badge: str):
    officer = selectors.officer_by_badge(badge)
    form = IssuePersonalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(officer.get_absolute_url())
    camera = form.cleaned_data["asset_tag"]
    return run_action(
        request,
        lambda: services.issue_personal(
            officer=officer, camera=camera, by=Actor.from_request(request), reason=form.cleaned_data["reason"]
        ),
        success_message=f"{camera.asset_tag} is now {officer.display_name}'s personal camera.",
        redirect_to=officer.get_absolute_url(),
    )


@roles.role_required(roles.CAN_ACT)
@require_POST
def officer_revoke_personal(request, badge: str):
    officer = selectors.officer_by_badge(badge)
    form = RevokePersonalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: services.revoke_personal(officer=officer, by=Actor.from_request(request), reason=reason),
        success_message=lambda issue: f"{issue.camera.asset_tag} is no longer personal; it joins the spare pool.",
        redirect_to=officer.get_absolute_url(),
    )


@roles.role_required(roles.CAN_READ)
def badge_cards(request):
    """Cards with the badge number as a Code 128 barcode, for the kiosk's scanner."""
    sheet = labels.sheet_request(request.GET, sizes=labels.BADGE_CARD_SIZES, param="badge", upper=False)
    if sheet.too_many:
        messages.error(request, f"{sheet.too_many} cards asked for; print at most {labels.MAX_LABELS} at a time.")
    officers, unknown = selectors.officers_by_badges(sheet.codes)
    if unknown:
        messages.warning(request, f"No officer has the badge number {', '.join(unknown)}; no card for it.")
    items = [
        {
            "officer": officer,
            "barcode": labels.code128_svg(
                officer.badge_number, width_mm=sheet.size.barcode_width_mm, height_mm=sheet.size.barcode_height_mm
            ),
        }
        for officer in officers
    ]
    return render(request, "assignments/badge_cards.html", sheet.context(items))


# --- the officer's record: "Add officer" and "Edit" (the same form checks each row of a roster import) ---


def _officer_form_page(request, form: OfficerForm, *, officer=None, status: int = 200):
    return render(request, "assignments/officer_form.html", {"form": form, "officer": officer}, status=status)


def _warn_if_holding(request, officer) -> None:
    """Deactivated while holding a camera: allowed (as the officer page's button and an import allow it)."""
    if officer.is_active:
        return
    if (held := selectors.current_checkout(officer)) is not None:
        messages.warning(
            request, f"{officer.display_name} still holds {held.camera.asset_tag}: get it back and check it in."
        )


@roles.role_required(roles.CAN_ACT)
def officer_add(request):
    form = OfficerForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return _officer_form_page(request, form)
    if not form.is_valid():
        return _officer_form_page(request, form, status=422)
    outcome = attempt(lambda: services.register_officer(by=Actor.from_request(request), **form.values()))
    if outcome.refused:
        form.add_error(None, outcome.refusal.message)
        return _officer_form_page(request, form, status=409)
    officer = outcome.result
    messages.success(request, f"{officer.display_name} (badge {officer.badge_number}) added. Set a kiosk PIN below.")
    return redirect(officer.get_absolute_url())


@roles.role_required(roles.CAN_ACT)
def officer_edit(request, badge: str):
    officer = selectors.officer_by_badge(badge)
    form = OfficerForm(request.POST if request.method == "POST" else None, instance=officer)
    if not form.is_bound:
        return _officer_form_page(request, form, officer=officer)
    if not form.is_valid():
        return _officer_form_page(request, form, officer=officer, status=422)
    outcome = attempt(lambda: services.update_officer(officer=officer, by=Actor.from_request(request), **form.values()))
    if outcome.refused:
        form.add_error(None, outcome.refusal.message)
        return _officer_form_page(request, form, officer=officer, status=409)
    edited = outcome.result
    messages.success(request, f"{edited.display_name} (badge {edited.badge_number}) saved.")
    _warn_if_holding(request, edited)
    return redirect(edited.get_absolute_url())
