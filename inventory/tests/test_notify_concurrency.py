"""Two email tasks for the same new flags at once (a retry overlapping the first run) on PostgreSQL:
every flag is emailed once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections

from assignments.models import Checkout
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory, UnitFactory
from inventory.flags.notify import notify_new_flags
from inventory.models import Camera, Flag

from .flag_fleet import local

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]

NOW = local(2026, 6, 15, 10, 0)


def test_two_tasks_at_once_email_each_flag_once():
    flags = []
    for n in range(5):
        officer = OfficerFactory(
            unit=UnitFactory(supervisor_email=f"sgt{n}@hartford.example"), email=f"ofc{n}@hartford.example"
        )
        camera = CameraFactory(status=Camera.Status.CHECKED_OUT)
        Checkout.objects.create(
            camera=camera,
            officer=officer,
            checked_out_at=NOW - timedelta(hours=14),
            due_back_at=NOW - timedelta(hours=2),
        )
        flags.append(Flag.objects.create(camera=camera, kind=Flag.Kind.RETURN_OVERDUE, raised_at=NOW, detail="x"))
    ids = [flag.pk for flag in flags]
    barrier = threading.Barrier(2)
    sent, errors = [0, 0], [None, None]

    def run(i):
        try:
            barrier.wait(timeout=10)
            sent[i] = notify_new_flags(ids)
        except Exception as error:  # reported to the test
            errors[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [None, None]
    assert sum(sent) == 10 and len(mail.outbox) == 10  # officer + supervisor per flag, once
    assert AuditEvent.objects.filter(action="flag.notify").count() == 5
