"""Every admin page of ours opens (list and record) for an administrator, and the notification
preferences edited there are saved by their service, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assignments.models import DutyAssignment, OfficerFlag
from audit.models import AuditEvent
from hartford_bwc.checks import _ours
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import Flag, FlagNote, NotificationPreference
from kiosk.models import OfficerEnrollmentCode
from stocktake.models import Stocktake, StocktakeLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="admin1", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records():
    """One row of each model the admin gained a page for."""
    camera, officer, user = CameraFactory(), OfficerFactory(), UserFactory(username="qm1", role=roles.QUARTERMASTER)
    flag = Flag.objects.create(camera=camera, kind=Flag.Kind.NOT_DOCKED, detail="Not docked for 3 days")
    stocktake = Stocktake.objects.create(place=Stocktake.Place.DOCK, dock=DockFactory(), started_by=user)
    return [
        FlagNote.objects.create(flag=flag, author=user, text="Called the officer"),
        NotificationPreference.objects.create(user=user, kind=Flag.Kind.NOT_DOCKED, delivery="never"),
        DutyAssignment.objects.create(officer=officer, kind="uniform_patrol", starts_on=date(2026, 1, 5)),
        officer.certifications.get(),
        OfficerFlag.objects.create(officer=officer, kind=OfficerFlag.Kind.CERTIFICATION_EXPIRING),
        OfficerEnrollmentCode.objects.create(
            officer=officer, code_hash="0" * 64, expires_at=timezone.now() + timedelta(days=14)
        ),
        stocktake,
        StocktakeLine.objects.create(
            stocktake=stocktake, code=camera.asset_tag, camera=camera, scanned_at=timezone.now()
        ),
    ]


def test_every_admin_list_of_ours_opens(admin_client, records):
    for model in admin.site._registry:
        if _ours(model._meta.app_config):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url


def test_the_new_admin_pages_open_each_record_and_never_show_a_code_hash(admin_client, records):
    for obj in records:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "0" * 64 not in response.content.decode()


def test_a_notification_preference_changed_in_the_admin_is_saved_by_its_service_and_audited(admin_client, records):
    preference = NotificationPreference.objects.get()
    url = reverse("admin:inventory_notificationpreference_change", args=[preference.pk])
    response = admin_client.post(url, {"delivery": "immediately"})
    assert response.status_code == 302
    preference.refresh_from_db()
    assert preference.delivery == "immediately"
    event = AuditEvent.objects.get(action="user.notifications_change")
    assert event.actor_label == "admin1"
    assert event.before == {"not_docked": "never"} and event.after == {"not_docked": "immediately"}
