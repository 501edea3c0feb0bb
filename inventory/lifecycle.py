"""A piece of equipment's life, defined once: its statuses, the transitions between them, who may make
each, the refusal a person reads when one does not fit, and the audit action each writes.

A `Lifecycle` is data about one kind of equipment; the camera's is `CAMERA` at the end of this module
(signal devices and accessories get theirs from the same classes). Services ask it before a change
(`CAMERA.check("retire", camera.status, by=by, tag=...)`) and take the new status and the audit action
from it; the camera page shows the actions it allows; the API takes the statuses and who may act from
it; the database's rules on camera status are generated from it (`Camera.Meta.constraints`, and the
triggers of `camera_trigger_sql`, frozen in a migration) and proved against it transition by transition
(inventory/tests/test_lifecycle_walk.py, on SQLite and PostgreSQL).

Adding a status: a member of the statuses, the transitions into and out of it, and a migration (the
walk test prints the trigger SQL it needs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models

from accounts import roles
from audit.actions import Action
from hartford_bwc.errors import DomainError


class _Facts(dict):
    """The facts a refusal's message is filled from; a callable fact is called once, when used."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if callable(value):
            value = value()
            self[key] = value
        return value


@dataclass(frozen=True)
class Refusal:
    """Why a transition does not fit the current status: a stable code (the API's `code`) and a
    message that says what is wrong and what to do. `{status}` is the current status in words;
    the other placeholders are facts the service passes (a callable fact costs nothing unless used)."""

    code: str
    message: str

    def error(self, **facts: Any) -> DomainError:
        return DomainError(self.message.format_map(_Facts(facts)), code=self.code)


@dataclass(frozen=True)
class Who:
    """Who may make a transition: staff holding one of `staff_roles` (console and API), an officer at an
    enrolled kiosk (or the kiosk's return slot, signed in or not), and the system (commands, imports,
    the demo seed, the sweep). Services refuse a kind of actor not listed; views and the API check the
    staff roles."""

    staff_roles: tuple[str, ...] = roles.CAN_ACT
    kiosk: bool = False
    system: bool = True

    def permits(self, actor: Any) -> bool:
        """Whether this kind of actor (`audit.actor.Actor.kind`) may make the transition."""
        kind = actor.kind
        if kind == "staff":
            return bool(self.staff_roles)
        if kind in ("officer", "kiosk"):
            return self.kiosk
        return self.system

    def allows_user(self, user: Any) -> bool:
        """Whether a signed-in staff user holds a role that may make the transition."""
        return roles.has_role(user, self.staff_roles)


STAFF = Who()
STAFF_OR_KIOSK = Who(kiosk=True)

NOT_PERMITTED = Refusal("not_permitted", "{actor} cannot do this ({transition}); ask the quartermaster.")


@dataclass(frozen=True)
class Transition:
    """A named change from any of `sources` to `target`.

    `target` None is an activity the status keeps (docking, triage, personal issue) but that only some
    statuses allow. `refusals` names the refusal for particular statuses; `otherwise` answers the rest.
    `action` is the audit action written (None where the service picks it, as a charge event's kind).
    """

    name: str
    sources: tuple[str, ...]
    target: str | None
    action: Action | None
    by: Who = STAFF
    refusals: Mapping[str, Refusal] = field(default_factory=dict)
    otherwise: Refusal = Refusal("refused", "{tag} is {status}; this cannot be done now.")

    @property
    def title(self) -> str:
        """How a person reads it in a history: the audit action's title."""
        return self.action.label if self.action is not None else self.name.replace("_", " ").capitalize()

    def allows(self, status: str) -> bool:
        return status in self.sources

    def refusal(self, status: str) -> Refusal | None:
        """The refusal for making this transition from `status`, or None when it is allowed."""
        if self.allows(status):
            return None
        return self.refusals.get(status, self.otherwise)


class Lifecycle:
    """The statuses of one kind of equipment and the transitions between them."""

    def __init__(
        self,
        *,
        kind: str,
        statuses: type[models.TextChoices],
        initial: str,
        out_of_service: Iterable[str],
        transitions: Iterable[Transition],
    ) -> None:
        self.kind = kind
        self.statuses = statuses
        self.initial = statuses(initial)
        self.out_of_service = tuple(statuses(status) for status in out_of_service)
        self._transitions = {transition.name: transition for transition in transitions}
        self._validate()

    def _validate(self) -> None:
        known = set(self.statuses.values)
        for transition in self._transitions.values():
            named = {*transition.sources, *transition.refusals, *([transition.target] if transition.target else [])}
            if unknown := named - known:
                raise ValueError(f"{self.kind} transition {transition.name!r} names unknown statuses {sorted(unknown)}")
            if overlap := set(transition.refusals) & set(transition.sources):
                raise ValueError(f"{transition.name!r} both allows and refuses {sorted(overlap)}")

    def __getitem__(self, name: str) -> Transition:
        return self._transitions[name]

    def __iter__(self) -> Iterator[Transition]:
        return iter(self._transitions.values())

    def label(self, status: str) -> str:
        return self.statuses(status).label

    def allows(self, name: str, status: str) -> bool:
        return self[name].allows(status)

    def sources(self, name: str) -> tuple[str, ...]:
        return self[name].sources

    def moves(self) -> set[tuple[str, str]]:
        """Every (from, to) status change some transition makes."""
        return {
            (source, transition.target)
            for transition in self
            if transition.target is not None
            for source in transition.sources
            if source != transition.target
        }

    def check(self, name: str, status: str, *, by: Any, **facts: Any) -> Transition:
        """The transition `name` if `by` may make it from `status`; else raise its refusal, its message
        filled from `facts` (and `{status}`, the current status in words)."""
        transition = self[name]
        if not transition.by.permits(by):
            raise NOT_PERMITTED.error(actor=str(by), transition=name.replace("_", " "))
        refusal = transition.refusal(status)
        if refusal is not None:
            raise refusal.error(status=self.label(status).lower(), **facts)
        return transition

    def status_condition(self, statuses: Iterable[str], field_name: str = "status") -> models.Q:
        """`field_name` is one of `statuses`, as an OR of equalities (the shape a CheckConstraint keeps)."""
        condition = models.Q()
        for status in statuses:
            condition |= models.Q(**{field_name: status})
        return condition


# --- the camera ----------------------------------------------------------------------------------


class CameraStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    CHECKED_OUT = "checked_out", "Checked out"
    IN_MAINTENANCE = "in_maintenance", "In maintenance"
    RETIRED = "retired", "Retired"
    LOST = "lost", "Lost"


AVAILABLE, CHECKED_OUT, IN_MAINTENANCE, RETIRED, LOST = CameraStatus

# Facts the camera's refusals use (inventory.services.check_transition passes them): tag, the asset tag;
# incident, the loss's incident number; holder, the officer of the open checkout; out_to, " to <holder>
# (badge n) since <time>" or ""; open_record, the open maintenance record in words; since, when it opened.
_NOT_CHECKED_OUT = Refusal(
    "not_checked_out",
    "{tag} is not checked out, so there is nothing to return. If it was just returned, put it in a dock.",
)
_NO_OPEN_MAINTENANCE = Refusal("no_open_maintenance", "{tag} has no open maintenance record.")
_CHECKED_OUT = Refusal("checked_out", "{tag} is checked out to {holder.display_name}; check it in first.")

CAMERA = Lifecycle(
    kind="camera",
    statuses=CameraStatus,
    initial=AVAILABLE,
    out_of_service=(RETIRED, LOST),
    transitions=[
        Transition(
            "check_out",
            (AVAILABLE,),
            CHECKED_OUT,
            Action.CHECKOUT_CHECK_OUT,
            by=STAFF_OR_KIOSK,
            refusals={
                CHECKED_OUT: Refusal("already_out", "{tag} is already checked out{out_to}."),
                IN_MAINTENANCE: Refusal(
                    "in_maintenance", "{tag} is in maintenance and cannot be checked out. Take a spare."
                ),
                RETIRED: Refusal("retired", "{tag} is retired and cannot be checked out. Take a spare."),
                LOST: Refusal("lost", "{tag} is reported lost (incident {incident}). Hand it to the quartermaster."),
            },
        ),
        Transition(
            "check_in",
            (CHECKED_OUT,),
            AVAILABLE,
            Action.CHECKOUT_CHECK_IN,
            by=STAFF_OR_KIOSK,
            otherwise=_NOT_CHECKED_OUT,
        ),
        # A damaged return goes straight out of service, into a repair record.
        Transition(
            "return_damaged",
            (CHECKED_OUT,),
            IN_MAINTENANCE,
            Action.CHECKOUT_CHECK_IN,
            by=STAFF_OR_KIOSK,
            otherwise=_NOT_CHECKED_OUT,
        ),
        # The audit action is the charge event's kind (inventory.services.CHARGE_ACTIONS).
        Transition(
            "record_charge",
            (AVAILABLE, IN_MAINTENANCE),
            None,
            None,
            refusals={CHECKED_OUT: Refusal("checked_out", "{tag} is checked out; check it in before docking it.")},
            otherwise=Refusal("refused", "{tag} is {status}; it cannot be docked."),
        ),
        Transition(
            "open_maintenance",
            (AVAILABLE,),
            IN_MAINTENANCE,
            Action.MAINTENANCE_OPEN,
            refusals={
                CHECKED_OUT: _CHECKED_OUT,
                IN_MAINTENANCE: Refusal(
                    "maintenance_open", "{tag} already has an open {open_record} (since {since}); close it first."
                ),
            },
            otherwise=Refusal("refused", "{tag} is {status}; it cannot go to maintenance."),
        ),
        Transition(
            "assign_maintenance", (IN_MAINTENANCE,), None, Action.MAINTENANCE_ASSIGN, otherwise=_NO_OPEN_MAINTENANCE
        ),
        Transition(
            "return_to_service", (IN_MAINTENANCE,), AVAILABLE, Action.MAINTENANCE_CLOSE, otherwise=_NO_OPEN_MAINTENANCE
        ),
        Transition(
            "retire_from_maintenance",
            (IN_MAINTENANCE,),
            RETIRED,
            Action.MAINTENANCE_CLOSE,
            otherwise=_NO_OPEN_MAINTENANCE,
        ),
        Transition(
            "retire",
            (AVAILABLE, IN_MAINTENANCE, LOST),
            RETIRED,
            Action.CAMERA_RETIRE,
            refusals={
                CHECKED_OUT: Refusal(
                    "checked_out",
                    "{tag} is checked out to {holder.display_name} (badge {holder.badge_number}); "
                    "check it in before retiring it.",
                ),
                RETIRED: Refusal("refused", "{tag} is already retired."),
            },
        ),
        Transition(
            "report_lost",
            (AVAILABLE, CHECKED_OUT, IN_MAINTENANCE),
            LOST,
            Action.CAMERA_REPORT_LOST,
            otherwise=Refusal("refused", "{tag} is already {status}."),
        ),
        # A found camera is inspected before it goes out again.
        Transition(
            "report_found",
            (LOST,),
            IN_MAINTENANCE,
            Action.CAMERA_REPORT_FOUND,
            otherwise=Refusal("refused", "{tag} is not reported lost."),
        ),
        Transition(
            "issue_personal",
            (AVAILABLE, CHECKED_OUT, IN_MAINTENANCE),
            None,
            Action.PERSONAL_ISSUE_ISSUE,
            otherwise=Refusal("refused", "{tag} is {status}; choose another camera."),
        ),
    ],
)

# Where a camera may sit in a dock: where a charge or dock report may be recorded.
DOCKABLE = CAMERA.sources("record_charge")
# The status of a camera that an officer holds (a checkout is open).
HELD = cast(str, CAMERA["check_out"].target)


# --- the database's copy -------------------------------------------------------------------------
# The rules a write past the services must still meet, as trigger SQL generated from the lifecycle.
# A migration freezes the output (assignments/migrations/0004_camera_rules_from_lifecycle.py);
# inventory/tests/test_lifecycle_walk.py fails, printing the SQL for the next migration, as soon as the
# lifecycle and the installed triggers differ.


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


def camera_trigger_sql(vendor: str) -> dict[str, str]:
    """Trigger name -> the SQL that (re)creates it on `vendor` ("postgresql" or "sqlite"), from CAMERA:

    - checkout_needs_available_camera: an open checkout only for a camera in a status check-out starts
      from (or already held: a second open checkout is the partial unique index's to refuse);
    - camera_out_while_checkout_open: a held camera stays held while its checkout is open;
    - camera_status_follows_lifecycle: a status changes only along one of the lifecycle's moves.
    """
    may_check_out = _sql_list({*CAMERA.sources("check_out"), HELD})
    moves = _sql_list(f"{source}>{target}" for source, target in CAMERA.moves())
    # When several refuse one write, SQLite reports the trigger created last and PostgreSQL the first by
    # name: created in this order, both name the open checkout before the lifecycle's moves.
    rules = {
        "camera_status_follows_lifecycle": {
            "table": "inventory_camera",
            "event": "UPDATE OF status",
            "condition": f"NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({moves})",
            "message": "camera status change is not a lifecycle transition",
            "row_id": "NEW.id",
        },
        "checkout_needs_available_camera": {
            "table": "assignments_checkout",
            "event": "INSERT",
            "condition": "NEW.checked_in_at IS NULL AND (SELECT status FROM inventory_camera "
            f"WHERE id = NEW.camera_id) NOT IN ({may_check_out})",
            "message": "camera may not be checked out from its status",
            "row_id": "NEW.camera_id",
        },
        "camera_out_while_checkout_open": {
            "table": "inventory_camera",
            "event": "UPDATE OF status",
            "condition": f"NEW.status <> '{HELD}' AND EXISTS "
            "(SELECT 1 FROM assignments_checkout WHERE camera_id = NEW.id AND checked_in_at IS NULL)",
            "message": "camera has an open checkout",
            "row_id": "NEW.id",
        },
    }
    build = _postgresql_trigger if vendor == "postgresql" else _sqlite_trigger
    return {name: build(name, **rule) for name, rule in rules.items()}


def _postgresql_trigger(name: str, *, table: str, event: str, condition: str, message: str, row_id: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION bwc_{name}() RETURNS trigger AS $$\n"
        f"BEGIN\n    IF {condition} THEN\n"
        f"        RAISE EXCEPTION '{message} (camera %)', {row_id} USING ERRCODE = 'check_violation';\n"
        f"    END IF;\n    RETURN NEW;\nEND $$ LANGUAGE plpgsql;\n"
        f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION bwc_{name}();"
    )


def _sqlite_trigger(name: str, *, table: str, event: str, condition: str, message: str, row_id: str) -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table}\n"
        f"WHEN {condition}\n"
        f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {message}'); END"
    )
