"""The audit events a quartermaster acts on: damage, loss, overdue returns, failed pre-shift checks.

The dashboard lists these instead of the whole trail (the sweep's and the kiosk's routine events
drowned them). One condition, used by the dashboard's query and by the partial index that serves it
(`AuditEvent.Meta.indexes`, "audit_attention_idx"): the latest twenty are read from a small index
however long the trail. `audit/tests/test_attention.py` keeps the two equal.
"""

from __future__ import annotations

from django.db.models import Q

from .actions import Action

# Needs a person whenever it happens.
ACTIONS = (Action.CHECKOUT_PRESHIFT_FAILED, Action.CAMERA_REPORT_LOST)
# Flags raised by the sweep that mean a camera is out of reach or broken (not the routine ones:
# charging, docking, inspections, firmware, refresh).
FLAG_KINDS = ("return_overdue", "damaged_not_in_maintenance", "repair_overdue")
INDEX_NAME = "audit_attention_idx"


def condition() -> Q:
    return (
        Q(action__in=[str(action) for action in ACTIONS])
        | Q(action=str(Action.CHECKOUT_CHECK_IN), after__condition="damaged")
        | Q(action=str(Action.FLAG_RAISE), after__kind__in=list(FLAG_KINDS))
    )
