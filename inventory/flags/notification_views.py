"""The staff user's own settings page: which flag kinds they are emailed about, and when."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import roles
from audit.actor import Actor
from hartford_bwc.refusals import attempt

from . import preferences
from .forms import NotificationChoicesForm


@roles.role_required(roles.CAN_READ)
def notification_settings(request):
    user = request.user
    if request.method == "POST":
        form = NotificationChoicesForm(request.POST)
        if form.is_valid():
            outcome = attempt(
                lambda: preferences.save_choices(user=user, choices=form.cleaned_data, by=Actor.from_request(request))
            )
            if not outcome.refused:
                changed = len(outcome.result)
                messages.success(
                    request,
                    f"Saved: {changed} choice{'s' if changed != 1 else ''} changed." if changed else "Nothing changed.",
                )
                return redirect("notification_settings")
            form.add_error(None, outcome.refusal.message)
        status = 422
    else:
        form = NotificationChoicesForm(initial=preferences.choices_of(user))
        status = 200
    return render(
        request,
        "inventory/notification_settings.html",
        {"form": form, "has_email": bool(user.email), "deliveries": preferences.Delivery.choices},
        status=status,
    )
