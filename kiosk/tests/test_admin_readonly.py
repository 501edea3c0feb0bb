"""The admin shows the kiosk's lock-out, alert, return and swap rows, PIN letter codes, the staff address
locks, duties, certifications, officer flags, flag notes and stocktakes, but changes none of them: they
are written by services only, each change audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import AddressLoginLockout
from assignments.models import Certification, DutyAssignment, OfficerFlag
from hartford_bwc.admin import model_form_fields
from hartford_bwc.factories import UserFactory
from inventory.models import FlagNote
from kiosk.models import KioskAlert, KioskLockout, KioskReturn, OfficerEnrollmentCode, PreshiftSwap
from stocktake.models import Stocktake, StocktakeLine

pytestmark = pytest.mark.django_db


READ_ONLY = [KioskLockout, KioskAlert, KioskReturn, PreshiftSwap, AddressLoginLockout, OfficerEnrollmentCode]
# Written by services only: duties and exemptions (assignments.duty), certifications (the training import),
# the sweep's officer flags, notes on flags, stocktakes.
READ_ONLY += [DutyAssignment, Certification, OfficerFlag, FlagNote, Stocktake, StocktakeLine]


@pytest.mark.parametrize("model", READ_ONLY)
def test_every_field_is_read_only_and_nothing_can_be_added_changed_or_deleted(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    fields = set(model_form_fields(model))
    assert fields <= set(model_admin.get_readonly_fields(request))
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
