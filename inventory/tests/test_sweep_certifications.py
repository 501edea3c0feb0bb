"""The sweep's officer flag: a BWC certification expiring within CERTIFICATION_EXPIRING_DAYS (30),
at its boundaries, raised once, resolved when renewed, audited; the shift digest lists them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assignments.models import OfficerFlag
from audit.models import AuditEvent
from hartford_bwc.factories import CertificationFactory, OfficerFactory
from inventory.flags.notify import build_digest

from .flag_fleet import local, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)
TODAY = date(2026, 6, 15)
KIND = OfficerFlag.Kind.CERTIFICATION_EXPIRING


def _officer(expires_on: date, **fields):
    officer = OfficerFactory(certified=False, **fields)
    CertificationFactory(officer=officer, certified_on=date(2024, 1, 1), expires_on=expires_on)
    return officer


def flagged() -> set[str]:
    return set(OfficerFlag.objects.open().filter(kind=KIND).values_list("officer__badge_number", flat=True))


def test_expiring_today_tomorrow_and_in_30_days_are_flagged_31_days_is_not():
    _officer(TODAY, badge_number="1")
    _officer(TODAY + timedelta(days=1), badge_number="2")
    _officer(TODAY + timedelta(days=30), badge_number="3")
    _officer(TODAY + timedelta(days=31), badge_number="4")
    _officer(TODAY - timedelta(days=3), badge_number="5")  # expired: stays flagged until renewed
    _officer(TODAY, badge_number="6", is_active=False)
    OfficerFactory(badge_number="7")  # certified until 2099

    report = sweep_at(NOW)

    assert flagged() == {"1", "2", "3", "5"}
    assert report.counts[KIND].raised == 4 and report.counts[KIND].open == 4
    details = dict(OfficerFlag.objects.values_list("officer__badge_number", "detail"))
    assert details["1"] == "BWC certification expires today (Jun 15, 2026)."
    assert details["2"] == "BWC certification expires on Jun 16, 2026 (in 1 day): book the renewal."
    assert details["3"] == "BWC certification expires on Jul 15, 2026 (in 30 days): book the renewal."
    assert details["5"].startswith("BWC certification expired on Jun 12, 2026: no camera may be issued")


def test_the_window_is_a_setting(settings):
    settings.CERTIFICATION_EXPIRING_DAYS = 7
    _officer(TODAY + timedelta(days=7), badge_number="1")
    _officer(TODAY + timedelta(days=8), badge_number="2")
    sweep_at(NOW)
    assert flagged() == {"1"}


def test_a_second_sweep_changes_nothing_and_a_renewal_resolves_the_flag_audited():
    officer = _officer(TODAY + timedelta(days=10), badge_number="1")
    sweep_at(NOW)
    rows, events = list(OfficerFlag.objects.values()), AuditEvent.objects.count()
    again = sweep_at(NOW + timedelta(minutes=5))
    assert list(OfficerFlag.objects.values()) == rows and AuditEvent.objects.count() == events
    assert again.counts[KIND].raised == 0 and again.counts[KIND].open == 1

    CertificationFactory(officer=officer, certified_on=TODAY, expires_on=date(2028, 6, 15))
    report = sweep_at(NOW + timedelta(minutes=10))

    assert report.counts[KIND].resolved == 1 and flagged() == set()
    flag = OfficerFlag.objects.get()
    assert flag.resolution == "certification renewed until Jun 15, 2028"
    raised = AuditEvent.objects.get(action="officer_flag.raise")
    resolved = AuditEvent.objects.get(action="officer_flag.resolve")
    assert raised.officer == officer == resolved.officer
    assert resolved.reason == "certification renewed until Jun 15, 2028"


def test_sweep_flags_command_prints_the_certification_line():
    import io

    import time_machine
    from django.core.management import call_command

    _officer(TODAY + timedelta(days=2))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("sweep_flags", stdout=out)
    assert "certification_expiring: raised 1, resolved 0, open 1" in out.getvalue()


def test_the_shift_digest_lists_expiring_certifications():
    _officer(TODAY + timedelta(days=5), first_name="Ana", last_name="Ruiz", badge_number="7001")
    sweep_at(NOW)
    digest = build_digest(now=NOW + timedelta(minutes=1))
    body = digest.body()
    assert "BWC CERTIFICATIONS EXPIRING WITHIN 30 DAYS: 1" in body
    assert "Ofc. Ana Ruiz (badge 7001)  BWC certification expires on Jun 20, 2026 (in 5 days)" in body
