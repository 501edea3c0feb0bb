"""URLs under /inventory/stocktake/ (docs/contract.md)."""

from django.urls import path

from . import views

app_name = "stocktake"

urlpatterns = [
    path("", views.stocktake_list, name="list"),
    path("vendor/", views.vendor_reconciliation, name="vendor"),
    path("<int:pk>/", views.stocktake_detail, name="detail"),
    path("<int:pk>/scan/", views.stocktake_scan, name="scan"),
    path("<int:pk>/finish/", views.stocktake_finish, name="finish"),
    path("lines/<int:pk>/<slug:fix>/", views.stocktake_fix, name="fix"),
]
