from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("utilization/", views.UtilizationView.as_view(), name="utilization"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("maintenance/", views.MaintenanceView.as_view(), name="maintenance"),
    path("officer-history/", views.OfficerHistoryView.as_view(), name="officer_history"),
    path("camera-custody/", views.CameraCustodyView.as_view(), name="camera_custody"),
    path("signal-readiness/", views.SignalReadinessView.as_view(), name="signal_readiness"),
    path("audit-log/", views.AuditLogView.as_view(), name="audit_log"),
    path("audit-log/<int:pk>/", views.AuditEventView.as_view(), name="audit_event"),
]
