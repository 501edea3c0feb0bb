"""Reads for the kiosk screens and the kiosk console, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout, Officer, PersonalIssue
from audit.models import AuditEvent
from inventory.lifecycle import CAMERA
from inventory.models import Camera, Dock, Flag

from .models import BadgeLockout, Kiosk, KioskAlert, OfficerEnrollmentCode


def badge_lock(badge: str) -> BadgeLockout | None:
    """The badge's kiosk lock-out while it lasts (shown on the officer page), else None."""
    lock = BadgeLockout.objects.filter(badge=(badge or "").strip().upper()).first()
    return lock if lock is not None and lock.is_locked() else None


def pin_letter_outstanding(officer) -> OfficerEnrollmentCode | None:
    """The officer's PIN letter code not yet used and not expired (shown on the officer page), else None."""
    return OfficerEnrollmentCode.objects.live().filter(officer=officer, expires_at__gt=timezone.now()).first()


def ready_spares(*, limit: int = 1, exclude: Camera | None = None) -> list[Camera]:
    """Charged spares on the shelf, the one that has rested longest first (never-returned ones first).

    Rotating by rest time spreads wear across the pool and gives the battery the longest top-up.
    """
    spares = (
        Camera.objects.ready()
        .filter(pool=Camera.Pool.SPARE)
        .select_related("dock")
        .order_by(F("last_returned_at").asc(nulls_first=True), "asset_tag")
    )
    if exclude is not None:
        spares = spares.exclude(pk=exclude.pk)
    return list(spares[:limit])


@dataclass(frozen=True)
class OfficerAtKiosk:
    officer: Officer
    holding: Checkout | None
    personal: Camera | None
    personal_ready: bool
    spare: Camera | None

    @property
    def personal_may_go_out(self) -> bool:
        """The personal camera is in a status check-out starts from (inventory/lifecycle.py)."""
        return self.personal is not None and CAMERA.allows("check_out", self.personal.status)


def officer_at_kiosk(officer: Officer) -> OfficerAtKiosk:
    """What the signed-in officer holds, and the camera to offer: their own if docked and charged, else a spare."""
    holding = Checkout.objects.open().select_related("camera").filter(officer=officer).first()
    issue = PersonalIssue.objects.current().select_related("camera__dock").filter(officer=officer).first()
    personal = issue.camera if issue is not None else None
    personal_ready = (
        personal is not None
        and CAMERA.allows("check_out", personal.status)
        and personal.dock_id is not None
        and personal.is_charged
    )
    spare = None
    if holding is None and not personal_ready:
        spare = next(iter(ready_spares()), None)
    return OfficerAtKiosk(officer, holding, personal, personal_ready, spare)


# "My equipment": how far back the officer's own history goes, and at most how many rows it shows.
MY_HISTORY_DAYS = 30
MY_HISTORY_LIMIT = 60


@dataclass(frozen=True)
class MyEquipment:
    holding: list[Checkout]
    personal: Camera | None
    history: list[Checkout]
    flags: list[Flag]
    since: datetime


def my_equipment(officer: Officer, *, now: datetime) -> MyEquipment:
    """What the signed-in officer holds, their own check-outs and returns of the last 30 days, and the
    open flags on the cameras they hold; four queries whatever the fleet.

    Only this officer's rows are read. A flag is shown by its kind and date, never its detail: the
    detail of a flag raised while someone else held the camera names that officer.
    """
    since = now - timedelta(days=MY_HISTORY_DAYS)
    holding = list(Checkout.objects.open().select_related("camera").filter(officer=officer).order_by("checked_out_at"))
    issue = PersonalIssue.objects.current().select_related("camera").filter(officer=officer).first()
    personal = issue.camera if issue is not None else None
    history = list(
        Checkout.objects.filter(officer=officer)
        .filter(Q(checked_out_at__gte=since) | Q(checked_in_at__gte=since))
        .select_related("camera", "out_kiosk", "in_kiosk")
        .order_by("-checked_out_at")[:MY_HISTORY_LIMIT]
    )
    held_ids = {checkout.camera_id for checkout in holding} | ({personal.pk} if personal is not None else set())
    flags = list(Flag.objects.open().filter(camera_id__in=held_ids).select_related("camera")) if held_ids else []
    return MyEquipment(holding, personal, history, flags, since)


@dataclass(frozen=True)
class DockBay:
    dock: Dock
    bay: int

    def __str__(self) -> str:
        return f"{self.dock.name}, bay {self.bay}"


def free_dock_bay(*, near: str = "") -> DockBay | None:
    """An active dock with a free bay, preferring docks where the kiosk stands; the lowest free bay."""
    # Docks are walked in name order (the unique index) and each one's docked cameras counted through
    # the camera's dock index, stopping at the first with room: counting every dock's cameras before
    # choosing read the whole fleet on each check-in (60-80 ms at 30,000 cameras and 3,750 docks).
    dock = None
    if near:
        dock = _first_with_room(Dock.objects.filter(is_active=True, location__iexact=near))
    if dock is None:
        dock = _first_with_room(Dock.objects.filter(is_active=True))
    if dock is None:
        return None
    taken = set(Camera.objects.filter(dock=dock, dock_bay__isnull=False).values_list("dock_bay", flat=True))
    bay = next(b for b in range(1, dock.bays + 1) if b not in taken)
    return DockBay(dock, bay)


def _first_with_room(docks: QuerySet[Dock]) -> Dock | None:
    used = (
        Camera.objects.filter(dock=OuterRef("pk"), dock_bay__isnull=False)
        .order_by()
        .values("dock")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return docks.annotate(used=Coalesce(Subquery(used), 0)).filter(used__lt=F("bays")).order_by("name").first()


def kiosks_for_console() -> QuerySet[Kiosk]:
    last_used = (
        AuditEvent.objects.filter(kiosk=OuterRef("pk")).order_by().values("kiosk").annotate(at=Max("occurred_at"))
    )
    return Kiosk.objects.annotate(last_used_at=Subquery(last_used.values("at"))).order_by(
        F("revoked_at").asc(nulls_first=True), "name"
    )


def open_alerts(*, limit: int = 200) -> list[KioskAlert]:
    """Alerts no supervisor has acknowledged yet, newest first, with their kiosk, officer and camera."""
    return list(
        KioskAlert.objects.open().select_related("kiosk", "officer", "checkout__camera").order_by("-raised_at")[:limit]
    )


def open_alert_count() -> int:
    return KioskAlert.objects.open().count()


def stocktaker(officer: Officer) -> Any:
    """The staff user behind `officer` if that user may count stock (a quartermaster or administrator), else None.

    Only an officer linked to an active staff account (Officer.user) with one of those roles counts at
    the kiosk: no query at all for the officers without an account, one for those with one.
    """
    if officer.user_id is None:
        return None
    users = get_user_model().objects.filter(pk=officer.user_id, is_active=True)
    return users.filter(Q(is_superuser=True) | Q(groups__name__in=roles.CAN_ACT)).first()
