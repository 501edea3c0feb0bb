"""Report pages: each parses its form, calls selectors, builds tables and charts, or exports a table."""

from .base import ReportIndexView
from .fleet import CoverageView, ReadinessView, UtilizationView
from .records import AuditEventView, AuditLogView, CameraCustodyView, OfficerHistoryView
from .service import ComplianceView, MaintenanceView

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
    "UtilizationView",
]
