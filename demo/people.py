"""The demo's people: the roster of officers, their training records and duty exemptions, the supervisor
who approved them, and the officer the kiosk demo signs in as."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts import roles
from accounts.services import create_staff_user
from assignments.models import Certification, DutyAssignment, Officer
from inventory.models import Camera

from .base import SEED_ACTOR, BuilderState
from .bulk import insert_rows
from .names import FIRST_NAMES, LAST_NAMES


class People(BuilderState):
    """Builder steps for the roster (demo.builder.Builder composes them)."""

    # --- roster and fleet -----------------------------------------------------------------
    def roster(self) -> None:
        rng = self.rng
        n_without_shift = min(self.n_officers, max(self.plants + 2, round(self.n_officers * 0.05)))
        officers = []
        for i in range(self.n_officers):
            no_shift = i >= self.n_officers - n_without_shift
            unit = self.units[6] if no_shift else self.units[i % 6]
            shift = None if no_shift else self.shifts[0 if i % 20 < 8 else 1 if i % 20 < 15 else 2]
            rank = (
                Officer.Rank.DETECTIVE if no_shift else Officer.Rank.SERGEANT if i % 12 == 0 else Officer.Rank.OFFICER
            )
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            officers.append(
                Officer(
                    badge_number=str(1001 + i),
                    first_name=first,
                    last_name=last,
                    rank=rank,
                    unit=unit,
                    shift=shift,
                    email=f"{first}.{last}.{1001 + i}@hartford.example".lower(),
                )
            )
        self.officers = Officer.objects.bulk_create(officers, batch_size=5000)
        self.result.officers = len(self.officers)

    def training_records(self) -> None:
        """A BWC certification for every officer (two years long, taken over the last two years), a
        few of them expiring within 30 days: the sweep flags those, and the digest lists them."""
        rng, today = self.rng, timezone.localdate(self.now)
        expiring = set(rng.sample(range(len(self.officers)), min(len(self.officers), max(3, len(self.officers) // 60))))
        rows = []
        for index, officer in enumerate(self.officers):
            if index in expiring:
                expires = today + timedelta(days=rng.randint(0, 29))
                self.result.certifications_expiring.append(officer.badge_number)
            else:
                expires = today + timedelta(days=rng.randint(45, 700))
            rows.append((officer.pk, expires - timedelta(days=730), expires, "BWC operator", self.now))
        insert_rows(Certification, ("officer", "certified_on", "expires_on", "course", "recorded_at"), rows)

    def exemptions(self) -> None:
        """A few approved camera exemptions in force now: undercover operations, light duty, leave.

        Taken from the later half of the roster, officers on a shift (the kiosk's demo officer is
        picked from the front).
        """
        candidates = [officer for officer in self.officers[len(self.officers) // 2 :] if officer.shift_id is not None]
        count = min(len(candidates), max(3, len(self.officers) // 100))
        if not count:
            return
        approver = demo_approver()
        today = timezone.localdate(self.now)
        kinds = [
            (DutyAssignment.Kind.UNDERCOVER, "Undercover operation, narcotics unit"),
            (DutyAssignment.Kind.UNDERCOVER, "Undercover operation, vice"),
            (DutyAssignment.Kind.LIGHT_DUTY, "Light duty after a knee injury"),
            (DutyAssignment.Kind.LEAVE, "Parental leave"),
        ]
        rows = []
        for n, officer in enumerate(self.rng.sample(candidates, count)):
            kind, reason = kinds[n % len(kinds)]
            starts = today - timedelta(days=self.rng.randint(3, 20))
            ends = None if kind == DutyAssignment.Kind.LEAVE else today + timedelta(days=self.rng.randint(5, 40))
            rows.append(
                DutyAssignment(
                    officer=officer, kind=kind, starts_on=starts, ends_on=ends, reason=reason, approved_by=approver
                )
            )
            self.result.exemptions.append(officer.badge_number)
        DutyAssignment.objects.bulk_create(rows)

    def demo_officer(self) -> Officer | None:
        """An officer who can walk up to the kiosk now: active, empty-handed, camera docked and charged."""
        holding = {officer_id for _, officer_id, _, _, returned, *_ in self.checkouts if returned is None}
        ready = set(Camera.objects.ready().filter(pool=Camera.Pool.PERSONAL).values_list("pk", flat=True))
        for index, officer in enumerate(self.officers[: self.n_personal]):
            if officer.pk not in holding and self.cameras[index].pk in ready:
                return officer
        return None


def demo_approver():
    """The supervisor who approved the demo's exemptions: the demo's own (bootstrap_demo creates the
    staff users first), else any supervisor or administrator, else a supervisor account made for it
    (with a random password nobody knows)."""
    users = get_user_model().objects.filter(is_active=True)
    approver = (
        users.filter(username="supervisor").first()
        or users.filter(groups__name__in=roles.CAN_APPROVE_DUTY).order_by("pk").first()
    )
    if approver is not None:
        return approver
    # The roles' groups come with a migration; a test database flushed since has none.
    Group.objects.get_or_create(name=roles.SUPERVISOR)
    return create_staff_user(
        username="duty.approver",
        password=get_random_string(32),
        role=roles.SUPERVISOR,
        by=SEED_ACTOR,
        first_name="Dana",
        last_name="Whitfield",
    )
