"""URLs under /inventory/stocktake/ (docs/contract.md)."""

from django.urls import path

from . import views

app_name = "stocktake"

urlpatterns = [
    path("", views.stocktake_list, name="list"),
    path("vendor/", views.vendor_reconciliation, name="vendor"),
    path("vendor/<int:pk>/", views.vendor_export, name="vendor_export"),
    path("vendor/<int:pk>/<slug:fix>/", views.vendor_fix, name="vendor_fix"),
    path("shelves/", views.shelf_list, name="shelves"),
    path("shelves/<int:pk>/active/", views.shelf_active, name="shelf_active"),
    path("<int:pk>/", views.stocktake_detail, name="detail"),
    path("<int:pk>/scan/", views.stocktake_scan, name="scan"),
    path("<int:pk>/finish/", views.stocktake_finish, name="finish"),
    path("lines/<int:pk>/<slug:fix>/", views.stocktake_fix, name="fix"),
]
