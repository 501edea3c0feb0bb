"""Every transition of the camera's lifecycle (inventory/lifecycle.py), walked from every status.

For every transition and every status a camera can be in (reached through the services, along the
lifecycle's own transitions), the transition either is allowed, and the service makes exactly the
change the lifecycle names and writes its audit action, or is refused, with the lifecycle's refusal
code and a filled-in message, and nothing changes. Every status change the lifecycle does not allow
is refused by the database too when forced with a raw write, and every one it allows is accepted
(the triggers generated from the lifecycle, assignments/migrations/0004_camera_rules_from_lifecycle.py,
and Camera's check constraints): the same walk on SQLite and on PostgreSQL, whose installed triggers
must be the SQL the lifecycle generates now.

Nothing here names a status: a new status and its transitions are walked as soon as the lifecycle
has them, and each new transition needs only its line in PERFORM.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import timedelta
from itertools import product

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout, Officer
from audit.actor import Actor
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, KioskFactory, OfficerFactory
from hartford_bwc.testing import fleet_state
from inventory import services as inventory
from inventory.lifecycle import CAMERA, DOCKABLE, HELD, Lifecycle, Transition, camera_trigger_sql
from inventory.models import Camera, ChargeEvent, MaintenanceRecord

pytestmark = pytest.mark.django_db

BY = Actor.system_process("lifecycle walk")
INCIDENT = "HPD-26-0001"

# How each transition is made through its service (`officer`: a new one, for those that name one; `by`: who makes it).
PERFORM: dict[str, Callable[[Camera, Officer, Actor], object]] = {
    "check_out": lambda camera, officer, by: assignments.check_out(camera=camera, officer=officer, by=by),
    "check_in": lambda camera, officer, by: assignments.check_in(camera=camera, by=by),
    "return_damaged": lambda camera, officer, by: assignments.check_in(
        camera=camera, by=by, condition=Checkout.Condition.DAMAGED, damage_description="Lens cracked"
    ),
    "record_charge": lambda camera, officer, by: inventory.record_charge(
        camera=camera, kind=ChargeEvent.Kind.FULL_CHARGE, by=by
    ),
    "open_maintenance": lambda camera, officer, by: inventory.open_maintenance(
        camera=camera, kind=MaintenanceRecord.Kind.INSPECTION, performed_by="in_house", by=by
    ),
    "assign_maintenance": lambda camera, officer, by: inventory.assign_maintenance(
        camera=camera, performed_by="in_house", by=by
    ),
    "return_to_service": lambda camera, officer, by: inventory.close_maintenance(
        camera=camera, outcome=MaintenanceRecord.Outcome.RETURNED_TO_SERVICE, by=by
    ),
    "retire_from_maintenance": lambda camera, officer, by: inventory.close_maintenance(
        camera=camera, outcome=MaintenanceRecord.Outcome.RETIRED, by=by
    ),
    "retire": lambda camera, officer, by: inventory.retire(camera=camera, reason="End of life", by=by),
    "report_lost": lambda camera, officer, by: inventory.report_lost(camera=camera, incident_number=INCIDENT, by=by),
    "report_found": lambda camera, officer, by: inventory.report_found(camera=camera, by=by),
    "issue_personal": lambda camera, officer, by: assignments.issue_personal(officer=officer, camera=camera, by=by),
}

STATUSES = list(CAMERA.statuses.values)
TRANSITIONS = [transition.name for transition in CAMERA]


def path_to(status: str) -> list[str]:
    """The shortest run of transitions from a new camera's status to `status` (breadth first)."""
    paths = {CAMERA.initial.value: []}
    queue = deque([CAMERA.initial.value])
    while queue:
        here = queue.popleft()
        for transition in CAMERA:
            there = transition.target
            if there is not None and transition.allows(here) and there not in paths:
                paths[there] = [*paths[here], transition.name]
                queue.append(there)
    if status not in paths:
        raise AssertionError(f"no transition leads from {CAMERA.initial} to {status}")
    return paths[status]


def camera_in(status: str) -> Camera:
    """A new camera brought to `status` through the services, transition by transition."""
    camera = CameraFactory()
    for name in path_to(status):
        PERFORM[name](camera, OfficerFactory(), BY)
        camera.refresh_from_db()
    assert camera.status == status
    return camera


def test_the_lifecycle_names_every_transition_this_walk_makes():
    assert set(PERFORM) == set(TRANSITIONS), "add a line to PERFORM for each new transition"


def test_a_new_camera_starts_in_the_lifecycles_first_status():
    assert CameraFactory().status == CAMERA.initial


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_reached_through_the_services(status):
    assert camera_in(status).status == status


@pytest.mark.parametrize(("name", "source"), list(product(TRANSITIONS, STATUSES)))
def test_each_transition_is_made_or_refused_as_the_lifecycle_says(name, source):
    transition = CAMERA[name]
    camera, officer = camera_in(source), OfficerFactory()
    before, events = fleet_state(), AuditEvent.objects.count()
    if transition.allows(source):
        PERFORM[name](camera, officer, BY)
        camera.refresh_from_db()
        assert camera.status == (transition.target or source)
        latest = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == events + 1
        if transition.action is not None:
            assert latest.action == transition.action
        return
    with pytest.raises(DomainError) as refused:
        PERFORM[name](camera, officer, BY)
    assert refused.value.code == transition.refusal(source).code
    assert camera.asset_tag in refused.value.message
    assert "{" not in refused.value.message, "every placeholder of the refusal is filled"
    assert fleet_state() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", [transition.name for transition in CAMERA if not transition.by.kiosk])
def test_a_kiosk_makes_only_the_transitions_the_lifecycle_gives_it(name):
    transition = CAMERA[name]
    source = transition.sources[0]
    camera, officer = camera_in(source), OfficerFactory()
    at_kiosk = Actor.at_kiosk(KioskFactory(), officer)
    before, events = fleet_state(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        PERFORM[name](camera, officer, at_kiosk)
    assert refused.value.code == "not_permitted"
    assert fleet_state() == before
    assert AuditEvent.objects.count() == events


# --- the database agrees ---------------------------------------------------------------------------


def open_checkout(camera: Camera) -> Checkout:
    """An open checkout written past the services."""
    now = timezone.now()
    return Checkout.objects.create(
        camera=camera, officer=OfficerFactory(), checked_out_at=now, due_back_at=now + timedelta(hours=9)
    )


def force(camera: Camera, target: str) -> None:
    """Write `target` past the services: a raw update (after the open checkout a held camera has). The
    incident number goes with it, so that only the lifecycle's rules can refuse."""
    if target == HELD:
        open_checkout(camera)
    Camera.objects.filter(pk=camera.pk).update(status=target, lost_incident_number=INCIDENT)


def database_rule(source: str, target: str) -> str | None:
    """The database's rule that refuses forcing a camera from `source` to `target`, if one does, in the
    lifecycle's own terms (a docked camera: one in a DOCKABLE status that a dock reported)."""
    if (source, target) not in CAMERA.moves():
        return "a status changes only along the lifecycle's moves"
    if source == HELD:
        return "a held camera stays held while its checkout is open"
    if source in DOCKABLE and target not in DOCKABLE:
        return "a docked camera stays in a status that may be docked"
    return None


# Every status change the database has a rule against, forced: each one the lifecycle refuses, and the
# allowed ones whose service first closes the checkout or undocks the camera.
CHANGES = [(s, t) for s, t in product(STATUSES, STATUSES) if s != t]
FORCED = [(s, t) for s, t in CHANGES if database_rule(s, t)]
# The moves a raw write may make when nothing else stands in the way (no open checkout, no dock).
FREE = sorted(move for move in CAMERA.moves() if move[0] != HELD)
NOT_HELD = [status for status in STATUSES if status != HELD]


def assert_database_refuses(source: str, target: str) -> None:
    camera = camera_in(source)
    if source in DOCKABLE:
        inventory.record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=DockFactory(), bay=1, by=BY)
    before = fleet_state()
    with pytest.raises(IntegrityError), transaction.atomic():
        force(camera, target)
    assert fleet_state() == before, database_rule(source, target)


def assert_database_accepts(source: str, target: str) -> None:
    camera = camera_in(source)
    force(camera, target)
    camera.refresh_from_db()
    assert camera.status == target


def test_every_status_change_the_lifecycle_refuses_is_forced_here():
    assert {move for move in CHANGES if move not in CAMERA.moves()} <= set(FORCED)


@pytest.mark.parametrize(("source", "target"), FREE)
def test_the_database_accepts_a_forced_status_change_the_lifecycle_allows(source, target):
    assert_database_accepts(source, target)


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.parametrize(("source", "target"), FREE)
def test_postgresql_accepts_a_forced_status_change_the_lifecycle_allows(source, target):
    assert connection.vendor == "postgresql"
    assert_database_accepts(source, target)


@pytest.mark.parametrize(("source", "target"), FORCED)
def test_the_database_refuses_a_forced_status_change_its_rules_name(source, target):
    assert_database_refuses(source, target)


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.parametrize(("source", "target"), FORCED)
def test_postgresql_refuses_a_forced_status_change_its_rules_name(source, target):
    assert connection.vendor == "postgresql"
    assert_database_refuses(source, target)


def assert_open_checkout_only_where_check_out_is_allowed(status: str) -> None:
    camera = camera_in(status)
    if CAMERA.allows("check_out", status):
        with transaction.atomic():
            open_checkout(camera)
        assert Checkout.objects.open().filter(camera=camera).exists()
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            open_checkout(camera)


@pytest.mark.parametrize("status", NOT_HELD)
def test_the_database_takes_an_open_checkout_only_where_check_out_is_allowed(status):
    assert_open_checkout_only_where_check_out_is_allowed(status)


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.parametrize("status", NOT_HELD)
def test_postgresql_takes_an_open_checkout_only_where_check_out_is_allowed(status):
    assert connection.vendor == "postgresql"
    assert_open_checkout_only_where_check_out_is_allowed(status)


# --- the installed triggers are the lifecycle's ----------------------------------------------------


def installed_trigger_sql() -> dict[str, str]:
    """The camera triggers' definitions as the database holds them: SQLite keeps each CREATE TRIGGER,
    PostgreSQL each trigger function's body."""
    names = list(camera_trigger_sql(connection.vendor))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT substr(proname, 5), prosrc FROM pg_proc WHERE proname = ANY(%s)", [[f"bwc_{n}" for n in names]]
            )
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)", names)
        return dict(cursor.fetchall())


def as_installed(sql: str) -> str:
    """The part of generated SQL the database keeps (a PostgreSQL function's body between its $$)."""
    return sql.split("$$")[1] if connection.vendor == "postgresql" else sql


def test_the_installed_triggers_are_the_sql_the_lifecycle_generates():
    generated = camera_trigger_sql(connection.vendor)
    installed = installed_trigger_sql()
    for name, sql in generated.items():
        assert installed.get(name) == as_installed(sql), (
            f"The camera lifecycle changed: add a migration like "
            f"assignments/migrations/0004_camera_rules_from_lifecycle.py with camera_trigger_sql's SQL "
            f"(both vendors). {connection.vendor}, {name}:\n{sql}"
        )


# --- the camera page's refusals are the services' ---------------------------------------------------


@pytest.mark.parametrize("name", ["assign_maintenance", "return_to_service", "retire_from_maintenance"])
def test_a_maintenance_step_on_a_camera_without_an_open_record_is_refused_by_the_service(name):
    camera = camera_in(CAMERA.initial)
    with pytest.raises(DomainError) as refused:
        PERFORM[name](camera, OfficerFactory(), BY)
    assert refused.value.code == "no_open_maintenance"
    assert refused.value.message == f"{camera.asset_tag} has no open maintenance record."


def test_revoking_the_personal_issue_of_a_spare_is_refused_by_the_service():
    camera = camera_in(CAMERA.initial)
    with pytest.raises(DomainError) as refused:
        assignments.revoke_personal(camera=camera, by=BY)
    assert refused.value.code == "not_personal"
    assert refused.value.message == f"{camera.asset_tag} is not anyone's personal camera."


def test_revoking_by_camera_ends_its_owners_issue():
    camera, officer = camera_in(CAMERA.initial), OfficerFactory()
    assignments.issue_personal(officer=officer, camera=camera, by=BY)
    issue = assignments.revoke_personal(camera=camera, by=BY, reason="Transferred")
    camera.refresh_from_db()
    assert issue.officer == officer
    assert issue.revoked_at is not None
    assert camera.pool == Camera.Pool.SPARE


# --- the same machinery for another kind of equipment -----------------------------------------------


class SensorStatus(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    FITTED = "fitted", "Fitted"
    RETIRED = "retired", "Retired"


def sensor_lifecycle(fit_sources=(SensorStatus.IN_STOCK,)) -> Lifecycle:
    return Lifecycle(
        kind="holster sensor",
        statuses=SensorStatus,
        initial=SensorStatus.IN_STOCK,
        out_of_service=(SensorStatus.RETIRED,),
        transitions=[
            Transition("fit", fit_sources, SensorStatus.FITTED, None),
            Transition("retire", (SensorStatus.IN_STOCK, SensorStatus.FITTED), SensorStatus.RETIRED, None),
        ],
    )


def test_another_kind_of_equipment_gets_its_own_lifecycle_from_the_same_classes():
    sensors = sensor_lifecycle()
    assert sensors.moves() == {("in_stock", "fitted"), ("in_stock", "retired"), ("fitted", "retired")}
    assert sensors.check("fit", "in_stock", by=BY).target == "fitted"
    with pytest.raises(DomainError) as refused:
        sensors.check("fit", "retired", by=BY, tag="HS-0001")
    assert (refused.value.code, refused.value.message) == ("refused", "HS-0001 is retired; this cannot be done now.")


def test_a_lifecycle_naming_a_status_it_does_not_have_is_refused_when_defined():
    with pytest.raises(ValueError, match="unknown statuses"):
        sensor_lifecycle(fit_sources=("in_stock", "on_loan"))
