"""The admin shows the kiosk's lock-out, alert, return and swap rows, and the staff address locks, but
changes none of them: they are written by services only, each change audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import AddressLoginLockout
from hartford_bwc.admin import model_form_fields
from hartford_bwc.factories import UserFactory
from kiosk.models import KioskAlert, KioskLockout, KioskReturn, PreshiftSwap

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [KioskLockout, KioskAlert, KioskReturn, PreshiftSwap, AddressLoginLockout])
def test_every_field_is_read_only_and_nothing_can_be_added_changed_or_deleted(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    fields = set(model_form_fields(model))
    assert fields <= set(model_admin.get_readonly_fields(request))
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
