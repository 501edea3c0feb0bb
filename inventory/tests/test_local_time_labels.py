"""Labels that carry a time show it in the department's time zone, like every page (they read UTC)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory
from inventory.models import ChargeEvent
from inventory.services import record_charge

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def test_a_dock_record_and_its_audit_event_name_the_local_time(system_actor):
    camera = CameraFactory(asset_tag="HPD-BWC-0417")
    dock = DockFactory(bays=8)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with time_machine.travel(datetime(2026, 12, 2, 22, 9, tzinfo=NY), tick=False):  # 03:09 UTC the next day
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=1, by=system_actor)
    event = ChargeEvent.objects.get(camera=camera)
    assert str(event) == "HPD-BWC-0417 Docked 2026-12-02 22:09"
    audit = AuditEvent.objects.get(id__gt=since, action="camera.docked")
    assert audit.object_repr == "HPD-BWC-0417 Docked 2026-12-02 22:09"
    assert str(audit).startswith("2026-12-02 22:09 ")
