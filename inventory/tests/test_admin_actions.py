"""The fleet admin's bulk actions call the services: each refusal is reported, the rest go ahead."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from accounts import roles
from hartford_bwc.factories import CameraFactory, UserFactory
from inventory.models import Camera, MaintenanceRecord

pytestmark = pytest.mark.django_db


def test_send_to_inspection_reports_each_refusal_and_sends_the_others():
    client = Client()
    client.force_login(UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    ready = CameraFactory(asset_tag="HPD-BWC-0412")
    retired = CameraFactory(asset_tag="HPD-BWC-0413", status=Camera.Status.RETIRED)
    response = client.post(
        "/admin/inventory/camera/",
        {"action": "send_to_inspection", "_selected_action": [ready.pk, retired.pk]},
        follow=True,
    )
    assert [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] == [
        ("error", "HPD-BWC-0413 is retired; it cannot go to maintenance."),
        ("success", "Sent to inspection: 1."),
    ]
    assert list(MaintenanceRecord.objects.values_list("camera__asset_tag", flat=True)) == ["HPD-BWC-0412"]
