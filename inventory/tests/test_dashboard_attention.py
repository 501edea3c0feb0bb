"""The dashboard's "Needs attention": damage reports, losses, overdue returns and failed pre-shift
checks, not the sweep's and the kiosk's routine events, which stay one click away in the audit log.
Read from a partial index that holds only these (audit.attention), so it stays cheap at 30,000 cameras."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from accounts import roles
from assignments import services as assignment_services
from audit import attention
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import sign_in
from inventory import services
from inventory.models import Flag

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def _routine(camera) -> None:
    """What drowned the list before: charging, docking, routine flags, kiosk sign-ins."""
    services.record_charge(camera=camera, kind="full_charge", by=SYSTEM)
    flag = Flag.objects.create(camera=camera, kind=Flag.Kind.CHARGING_OVERDUE, detail="Spare on the shelf")
    audit.record(by=SYSTEM, action=Action.FLAG_RAISE, obj=flag, camera=camera, after={"kind": flag.kind})
    officer = OfficerFactory()
    audit.record(by=SYSTEM, action=Action.KIOSK_SIGN_IN, obj=officer, officer=officer)


def _damaged_return(camera, officer, damage="Lens cracked"):
    assignment_services.check_out(camera=camera, officer=officer, by=SYSTEM)
    assignment_services.check_in(camera=camera, by=SYSTEM, condition="damaged", damage_description=damage)


def _overdue_flag(camera):
    flag = Flag.objects.create(camera=camera, kind=Flag.Kind.RETURN_OVERDUE, detail="Due back 16:00 from Ofc. Reyes")
    audit.record(
        by=SYSTEM, action=Action.FLAG_RAISE, obj=flag, camera=camera, after={"kind": flag.kind, "detail": flag.detail}
    )


def test_needs_attention_shows_damage_loss_overdue_and_failed_checks_not_routine_events(qm):
    officer = OfficerFactory(first_name="Dana", last_name="Reyes")
    damaged, lost, overdue, failed = CameraFactory.create_batch(4)
    _routine(CameraFactory())
    _damaged_return(damaged, officer)
    services.report_lost(camera=lost, incident_number="HPD-26-00042", by=SYSTEM)
    _overdue_flag(overdue)
    audit.record(
        by=SYSTEM,
        action=Action.CHECKOUT_PRESHIFT_FAILED,
        obj=failed,
        camera=failed,
        officer=officer,
        after={"failed_item": "Does not record"},
    )
    _routine(CameraFactory())

    response = qm.get("/")

    events = response.context["data"].recent_events
    assert [(e.headline, e.detail, e.camera) for e in events] == [
        ("Pre-shift check failed", "Does not record", failed),
        ("Return overdue", "Due back 16:00 from Ofc. Reyes", overdue),
        ("Reported lost", "Incident HPD-26-00042", lost),
        ("Returned damaged", "Lens cracked", damaged),
    ]
    html = response.content.decode()
    assert "Needs attention" in html and "Latest events" not in html
    assert "<strong>Returned damaged</strong>: Lens cracked" in html
    assert "Full charge" not in html and "Signed in at the kiosk" not in html


def test_each_entry_opens_its_audit_event_and_the_rest_is_one_click_away(qm):
    camera = CameraFactory()
    _overdue_flag(camera)
    event = AuditEvent.objects.get(action=Action.FLAG_RAISE)

    html = qm.get("/").content.decode()

    assert f'href="/reports/audit-log/{event.pk}/"' in html
    today = timezone.localdate().isoformat()
    assert f'href="/reports/audit-log/?start={today}&amp;end={today}">Every event today</a>' in html


def test_twenty_newest_first(qm):
    cameras = CameraFactory.create_batch(25)
    for camera in cameras:
        _overdue_flag(camera)
        _routine(camera)

    events = qm.get("/").context["data"].recent_events

    assert len(events) == 20
    assert events[0].camera == cameras[-1]
    assert [e.id for e in events] == sorted((e.id for e in events), reverse=True)


def test_nothing_to_act_on_says_so(qm):
    _routine(CameraFactory())
    assert "Nothing needs attention." in qm.get("/").content.decode()


@pytest.mark.parametrize("entries", [1, 12])
def test_needs_attention_costs_one_query_however_many_entries(qm, settings, django_assert_num_queries, entries):
    settings.DASHBOARD_CACHE_SECONDS = 0  # count every query, not the cached counts
    for _ in range(entries):
        _damaged_return(CameraFactory(), OfficerFactory())
    qm.get("/")  # the session's refresh after sign-in
    # session, user, roles; cameras, open flags by kind, inactive holders, attention events (with
    # their camera and officer), open kiosk alerts.
    with django_assert_num_queries(8):
        assert qm.get("/").status_code == 200


def test_the_index_holds_exactly_what_the_dashboard_reads():
    [index] = [i for i in AuditEvent._meta.indexes if i.name == attention.INDEX_NAME]
    assert index.condition == attention.condition()
    assert index.fields == ["-occurred_at", "-id"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan (set DATABASE_URL)")
def test_postgres_reads_the_latest_from_the_partial_index():
    query = AuditEvent.objects.filter(attention.condition()).order_by("-occurred_at", "-id")[:20]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert attention.INDEX_NAME in plan
