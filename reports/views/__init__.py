"""Report pages: each parses its form, calls selectors, builds tables and charts, or exports a table."""

from .base import ReportIndexView
from .compliance import ComplianceView
from .fleet import CoverageView, ReadinessView, UtilizationView
from .maintenance import MaintenanceView
from .records import AuditEventView, AuditLogView, CameraCustodyView, OfficerHistoryView
from .signal import SignalReadinessView

__all__ = [
    "AuditEventView",
    "AuditLogView",
    "CameraCustodyView",
    "ComplianceView",
    "CoverageView",
    "MaintenanceView",
    "OfficerHistoryView",
    "ReadinessView",
    "ReportIndexView",
    "SignalReadinessView",
    "UtilizationView",
]
