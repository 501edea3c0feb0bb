"""Telling people: the supervisor of an overdue officer, and the quartermasters' shift digest."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.roles import QUARTERMASTER
from assignments.models import Checkout, Officer, OfficerFlag, PersonalIssue, Shift
from assignments.shifts import shift_window
from hartford_bwc import timefmt
from hartford_bwc.timefmt import when

from ..models import Camera, Flag
from .selectors import open_flag_counts

log = logging.getLogger(__name__)

# The digest lists at most this many flags per section; the page has the rest.
DIGEST_LIST_LIMIT = 100


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify_supervisors_of_overdue_returns(flag_ids: Iterable[int]) -> int:
    """One email per return-overdue flag to the officer's unit supervisor, where known; returns the
    messages sent.

    Reads everything it needs from the database by the flags' ids (the flags, the cameras' open
    checkouts, their officers and units: two queries), so it depends on what the sweep committed,
    not on anything a rule left on the objects it built. A flag already resolved, or a camera already
    back, is not emailed: the supervisor has nothing left to chase. The sweep raises a flag once and
    hands its id over once, so each flag is emailed once. A mail server that is down costs the
    email, never the sweep.
    """
    flags = list(
        Flag.objects.open()
        .filter(pk__in=list(flag_ids), kind=Flag.Kind.RETURN_OVERDUE)
        .select_related("camera")
        .order_by("camera__asset_tag")
    )
    if not flags:
        return 0
    checkouts = {
        checkout.camera_id: checkout
        for checkout in Checkout.objects.open()
        .filter(camera__in=[flag.camera_id for flag in flags])
        .select_related("officer__unit")
    }
    messages = []
    for flag in flags:
        checkout = checkouts.get(flag.camera_id)
        unit = checkout.officer.unit if checkout is not None else None
        if unit is None or not unit.supervisor_email:
            continue
        officer = checkout.officer
        body = render_to_string(
            "inventory/flags_supervisor_email.txt",
            {
                "flag": flag,
                "officer": officer,
                "unit": unit,
                "checkout": checkout,
                "due": when(checkout.due_back_at, now=flag.raised_at),
                "out_since": when(checkout.checked_out_at, now=flag.raised_at),
                "url": _site_url(f"{reverse('inventory:flags')}?kind={Flag.Kind.RETURN_OVERDUE}"),
            },
        )
        subject = f"Camera overdue: {flag.camera.asset_tag} with {officer.display_name} (badge {officer.badge_number})"
        messages.append(EmailMessage(subject, body, to=[unit.supervisor_email]))
    if not messages:
        return 0
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except Exception:
        log.exception("Could not email supervisors about %d overdue cameras.", len(messages))
        return 0


# --- the shift digest ------------------------------------------------------------------------


def digest_times() -> list[time]:
    return sorted(time.fromisoformat(text.strip()) for text in settings.SHIFT_DIGEST_TIMES)


def previous_digest_at(now: datetime) -> datetime:
    """When the digest before the one due at `now` went out, from the schedule in settings.

    The schedule is the record: a digest covers what was raised since the slot before its own,
    even if the worker ran it a little late.
    """
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    slots = sorted(
        timezone.make_aware(datetime.combine(today - timedelta(days=back), at), tz)
        for back in (0, 1, 2)
        for at in digest_times()
    )
    slack = timedelta(minutes=settings.SHIFT_DIGEST_SLACK_MINUTES)
    earlier = [slot for slot in slots if slot <= now - slack]
    return earlier[-1] if earlier else now - timedelta(hours=24)


@dataclass
class ShiftReadiness:
    shift: Shift | None
    starts_at: datetime | None
    ends_at: datetime | None
    officers: int = 0
    personal_ready: int = 0
    spares_ready: int = 0

    @property
    def need_spares(self) -> int:
        return self.officers - self.personal_ready

    @property
    def cameras_ready(self) -> int:
        return self.personal_ready + self.spares_ready

    @property
    def shortfall(self) -> int:
        return max(0, self.need_spares - self.spares_ready)


def coming_shift(now: datetime) -> tuple[Shift, datetime, datetime] | None:
    """The next shift to start after `now` (shifts are few: read them all)."""
    today = timezone.localtime(now).date()
    starts = []
    for shift in Shift.objects.all():
        for offset in (0, 1):
            start, end = shift_window(shift, today + timedelta(days=offset))
            if start > now:
                starts.append((start, end, shift))
                break
    if not starts:
        return None
    start, end, shift = min(starts, key=lambda row: row[0])
    return shift, start, end


def shift_readiness(now: datetime) -> ShiftReadiness:
    """Charged cameras on the shelf for the coming shift, against the officers rostered on it."""
    spares_ready = Camera.objects.ready().filter(pool=Camera.Pool.SPARE).count()
    coming = coming_shift(now)
    if coming is None:
        return ShiftReadiness(shift=None, starts_at=None, ends_at=None, spares_ready=spares_ready)
    shift, start, end = coming
    own_camera_ready = PersonalIssue.objects.current().filter(officer=OuterRef("pk"), camera__in=Camera.objects.ready())
    roster = Officer.objects.filter(is_active=True, shift=shift).aggregate(
        officers=Count("pk"), personal_ready=Count("pk", filter=Q(Exists(own_camera_ready)))
    )
    return ShiftReadiness(
        shift=shift,
        starts_at=start,
        ends_at=end,
        officers=roster["officers"],
        personal_ready=roster["personal_ready"],
        spares_ready=spares_ready,
    )


@dataclass
class Digest:
    now: datetime
    since: datetime
    raised: list[Flag]
    raised_total: int
    open_counts: dict[str, int]
    open_flags: list[Flag]
    readiness: ShiftReadiness
    # Officers' BWC certifications expiring within CERTIFICATION_EXPIRING_DAYS (open officer flags).
    certifications: list[OfficerFlag] = field(default_factory=list)
    certifications_total: int = 0

    @property
    def open_total(self) -> int:
        return sum(self.open_counts.values())

    @property
    def subject(self) -> str:
        ready = self.readiness
        shift = ""
        if ready.shift and ready.shortfall:
            plural = "s" if ready.shortfall != 1 else ""
            shift = f"; {ready.shift.name} shift short by {ready.shortfall} charged camera{plural}"
        return f"BWC shift digest {timefmt.day_time(self.now)}: {self.raised_total} new flags, {self.open_total} open{shift}"

    def body(self) -> str:
        labels = dict(Flag.Kind.choices)
        return render_to_string(
            "inventory/flags_digest.txt",
            {
                "digest": self,
                "since": when(self.since, now=self.now),
                "counts": [(labels[kind], n) for kind, n in self.open_counts.items() if n],
                "raised_more": self.raised_total - len(self.raised),
                "open_more": self.open_total - len(self.open_flags),
                "readiness": self.readiness,
                "url": _site_url(reverse("inventory:flags")),
                "certification_days": settings.CERTIFICATION_EXPIRING_DAYS,
                "certifications_more": self.certifications_total - len(self.certifications),
            },
        )


def build_digest(*, now: datetime | None = None, since: datetime | None = None) -> Digest:
    now = now or timezone.now()
    since = since or previous_digest_at(now)
    raised = Flag.objects.filter(raised_at__gt=since, raised_at__lte=now).select_related("camera")
    open_flags = Flag.objects.open().select_related("camera")
    expiring = OfficerFlag.objects.open().filter(kind=OfficerFlag.Kind.CERTIFICATION_EXPIRING)
    return Digest(
        now=now,
        since=since,
        raised=list(raised.order_by("kind", "camera__asset_tag")[:DIGEST_LIST_LIMIT]),
        raised_total=raised.count(),
        open_counts=open_flag_counts(),
        open_flags=list(open_flags.order_by("kind", "raised_at", "camera__asset_tag")[:DIGEST_LIST_LIMIT]),
        readiness=shift_readiness(now),
        certifications=list(
            expiring.select_related("officer").order_by("raised_at", "officer__badge_number")[:DIGEST_LIST_LIMIT]
        ),
        certifications_total=expiring.count(),
    )


def quartermaster_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=QUARTERMASTER).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_shift_digest(*, now: datetime | None = None) -> int:
    """Email one digest to every quartermaster with an address; returns the messages sent (0 or 1)."""
    recipients = quartermaster_emails()
    if not recipients:
        log.warning("Shift digest not sent: no active quartermaster has an email address.")
        return 0
    digest = build_digest(now=now)
    message = EmailMessage(digest.subject, digest.body(), to=recipients)
    sent = message.send(fail_silently=False)
    log.info("Shift digest sent to %d quartermasters: %s", len(recipients), digest.subject)
    return sent
