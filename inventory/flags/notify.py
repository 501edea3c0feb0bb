"""Telling people: the supervisor of an overdue officer, and the quartermasters' shift digest."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assignments.models import Checkout, Officer, OfficerFlag, PersonalIssue, Shift
from assignments.shifts import shift_window
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from devices.models import DeviceFlag
from hartford_bwc import timefmt
from hartford_bwc.timefmt import when

from ..models import Camera, Flag
from . import preferences
from .selectors import open_device_flags, open_flag_counts

log = logging.getLogger(__name__)

# The digest lists at most this many flags per section; the page has the rest.
DIGEST_LIST_LIMIT = 100
NOTIFY_ACTOR = Actor.system_process("flag emails")


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify_new_flags(flag_ids: Iterable[int]) -> int:
    """Email the people who should hear of these newly raised flags, once per flag; returns the messages sent.

    - A return-overdue flag: the officer who holds the camera and their unit's supervisor, one email each.
    - Every staff user who chose "immediately" for a flag's kind (inventory.flags.preferences): one email
      listing their new flags.

    Once: the flags are claimed (Flag.notified_at) under a row lock in the transaction that also reads
    everything the emails need (by the flags' ids: it depends on what the sweep committed, not on
    objects a rule built) and audits who was told; the emails go after it commits. A second sweep
    never hands an open flag over again, and a retried or duplicated task finds the flags claimed. A
    flag already resolved, or a camera already back, is not emailed: nobody has anything to chase. A
    mail server that is down costs the emails, never the sweep, and never sends a second copy.
    """
    with transaction.atomic():
        messages, told = _claim_and_compose(list(flag_ids))
        if told:
            audit.record_many(
                by=NOTIFY_ACTOR,
                events=[
                    audit.PendingEvent(Action.FLAG_NOTIFY, flag, flag.camera, officer, after={"to": to})
                    for flag, officer, to in told
                ],
            )
    if not messages:
        return 0
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except Exception:
        log.exception("Could not send %d emails about new flags.", len(messages))
        return 0


# The task's old name, for a message queued before the upgrade.
notify_supervisors_of_overdue_returns = notify_new_flags


def _claim_and_compose(flag_ids: list[int]) -> tuple[list[EmailMessage], list[tuple[Flag, Officer | None, list]]]:
    flags = list(
        Flag.objects.open()
        .select_for_update(of=("self",))
        .filter(pk__in=flag_ids, notified_at__isnull=True)
        .select_related("camera")
        .order_by("camera__asset_tag", "pk")
    )
    if not flags:
        return [], []
    Flag.objects.filter(pk__in=[flag.pk for flag in flags]).update(notified_at=timezone.now())
    overdue = [flag for flag in flags if flag.kind == Flag.Kind.RETURN_OVERDUE]
    checkouts = {
        checkout.camera_id: checkout
        for checkout in Checkout.objects.open()
        .filter(camera__in=[flag.camera_id for flag in overdue])
        .select_related("officer__unit")
    }
    messages: list[EmailMessage] = []
    told: dict[int, list[str]] = {}
    for flag in overdue:
        checkout = checkouts.get(flag.camera_id)
        if checkout is None:
            continue  # back already: nothing to chase
        for message in _overdue_messages(flag, checkout):
            messages.append(message)
            told.setdefault(flag.pk, []).extend(message.to)
    for choice in preferences.staff_choices():
        mine = [
            flag
            for flag in flags
            if flag.kind in choice.kinds(preferences.Delivery.IMMEDIATELY)
            and choice.user.email not in told.get(flag.pk, [])
        ]
        if mine:
            messages.append(_staff_message(choice.user, mine))
            for flag in mine:
                told.setdefault(flag.pk, []).append(choice.user.email)
    by_pk = {flag.pk: flag for flag in flags}
    return messages, [
        (by_pk[pk], checkouts[by_pk[pk].camera_id].officer if by_pk[pk].camera_id in checkouts else None, to)
        for pk, to in told.items()
    ]


def _overdue_messages(flag: Flag, checkout: Checkout) -> list[EmailMessage]:
    """The officer's email and their unit supervisor's, for whichever of them has an address."""
    officer = checkout.officer
    unit = officer.unit
    context = {
        "flag": flag,
        "officer": officer,
        "unit": unit,
        "checkout": checkout,
        "due": when(checkout.due_back_at, now=flag.raised_at),
        "out_since": when(checkout.checked_out_at, now=flag.raised_at),
        "url": _site_url(f"{reverse('inventory:flags')}?kind={Flag.Kind.RETURN_OVERDUE}"),
    }
    messages = []
    if officer.email:
        messages.append(
            EmailMessage(
                f"Return camera {flag.camera.asset_tag}: it was due back {context['due']}",
                render_to_string("inventory/flags_officer_email.txt", context),
                to=[officer.email],
            )
        )
    if unit is not None and unit.supervisor_email and unit.supervisor_email != officer.email:
        messages.append(
            EmailMessage(
                f"Camera overdue: {flag.camera.asset_tag} with {officer.display_name} (badge {officer.badge_number})",
                render_to_string("inventory/flags_supervisor_email.txt", context),
                to=[unit.supervisor_email],
            )
        )
    return messages


def _staff_message(user, flags: list[Flag]) -> EmailMessage:
    flags = sorted(flags, key=lambda flag: (-flag.severity, flag.raised_at, flag.camera.asset_tag))
    noun = "flag" if len(flags) == 1 else "flags"
    body = render_to_string(
        "inventory/flags_new_email.txt",
        {
            "user": user,
            "flags": [
                (flag, _site_url(reverse("inventory:flag_detail", args=[flag.pk])))
                for flag in flags[:DIGEST_LIST_LIMIT]
            ],
            "more": max(0, len(flags) - DIGEST_LIST_LIMIT),
            "settings_url": _site_url(reverse("notification_settings")),
        },
    )
    first = flags[0]
    subject = f"BWC: {len(flags)} new {noun}, first {first.get_kind_display().lower()} on {first.camera.asset_tag}"
    return EmailMessage(subject, body, to=[user.email])


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
    # Open signal device and vehicle flags (devices.DeviceFlag), most severe and oldest first.
    device_flags: list = field(default_factory=list)
    device_flags_total: int = 0

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
                "device_flags_more": self.device_flags_total - len(self.device_flags),
            },
        )


def build_digest(
    *, now: datetime | None = None, since: datetime | None = None, kinds: frozenset[str] | None = None
) -> Digest:
    """The digest of every kind of flag, or only of `kinds` (what its readers chose to get in it)."""
    now = now or timezone.now()
    since = since or previous_digest_at(now)
    raised = Flag.objects.filter(raised_at__gt=since, raised_at__lte=now).select_related("camera")
    open_flags = Flag.objects.open().select_related("camera")
    counts = open_flag_counts()
    if kinds is not None:
        raised, open_flags = raised.filter(kind__in=kinds), open_flags.filter(kind__in=kinds)
        counts = {kind: n for kind, n in counts.items() if kind in kinds}
    expiring = OfficerFlag.objects.open().filter(kind=OfficerFlag.Kind.CERTIFICATION_EXPIRING)
    return Digest(
        now=now,
        since=since,
        raised=list(raised.order_by("kind", "camera__asset_tag")[:DIGEST_LIST_LIMIT]),
        raised_total=raised.count(),
        open_counts=counts,
        open_flags=list(open_flags.order_by("kind", "raised_at", "camera__asset_tag")[:DIGEST_LIST_LIMIT]),
        readiness=shift_readiness(now),
        certifications=list(
            expiring.select_related("officer").order_by("raised_at", "officer__badge_number")[:DIGEST_LIST_LIMIT]
        ),
        certifications_total=expiring.count(),
        device_flags=open_device_flags(limit=DIGEST_LIST_LIMIT),
        device_flags_total=DeviceFlag.objects.open().count(),
    )


def digest_readers() -> dict[frozenset[str], list[str]]:
    """The addresses of the staff who get the digest, grouped by the kinds they chose to get in it."""
    groups: dict[frozenset[str], list[str]] = {}
    for choice in preferences.staff_choices():
        kinds = choice.kinds(preferences.Delivery.DIGEST)
        if kinds:
            groups.setdefault(kinds, []).append(choice.user.email)
    return groups


def send_shift_digest(*, now: datetime | None = None) -> int:
    """Email the digest to every staff user who gets it (by default the quartermasters): one message per
    set of kinds chosen, the whole digest when every kind is. Returns the messages sent."""
    groups = digest_readers()
    if not groups:
        log.warning("Shift digest not sent: no active staff user with an email address gets it.")
        return 0
    every_kind = frozenset(Flag.Kind.values)
    sent = 0
    for kinds, recipients in sorted(groups.items(), key=lambda item: sorted(item[1])):
        digest = build_digest(now=now, kinds=None if kinds == every_kind else kinds)
        sent += EmailMessage(digest.subject, digest.body(), to=sorted(recipients)).send(fail_silently=False)
        log.info("Shift digest sent to %d staff: %s", len(recipients), digest.subject)
    return sent
