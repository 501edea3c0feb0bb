"""Admin for officers and checkouts. State changes go through the services."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from inventory.admin import run_service_per_object

from . import services
from .models import Checkout, Officer, PersonalIssue, Shift, Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("name", "supervisor_email")
    search_fields = ("name",)
    editable_fields = ("name", "supervisor_email")


@admin.register(Shift)
class ShiftAdmin(AuditedModelAdmin):
    list_display = ("name", "starts_at", "ends_at")
    editable_fields = ("name", "starts_at", "ends_at")


@admin.register(Officer)
class OfficerAdmin(AuditedModelAdmin):
    list_display = ("badge_number", "last_name", "first_name", "rank", "unit", "shift", "is_active")
    list_filter = ("is_active", "rank", "unit", "shift")
    search_fields = ("badge_number", "last_name", "first_name")
    list_select_related = ("unit", "shift")
    editable_fields = ("badge_number", "first_name", "last_name", "rank", "unit", "shift", "email", "user")
    readonly_fields = ("pin_set_at",)
    actions = ["deactivate", "activate"]

    @admin.action(description="Deactivate selected officers")
    def deactivate(self, request, queryset):
        run_service_per_object(
            self,
            request,
            queryset,
            lambda o, by: services.set_officer_active(officer=o, active=False, by=by),
            "Deactivated",
        )

    @admin.action(description="Activate selected officers")
    def activate(self, request, queryset):
        run_service_per_object(
            self,
            request,
            queryset,
            lambda o, by: services.set_officer_active(officer=o, active=True, by=by),
            "Activated",
        )


@admin.register(PersonalIssue)
class PersonalIssueAdmin(AuditedModelAdmin):
    list_display = ("camera", "officer", "issued_at", "revoked_at")
    search_fields = ("camera__asset_tag", "officer__badge_number", "officer__last_name")
    list_select_related = ("camera", "officer")

    def has_add_permission(self, request):
        return False


@admin.register(Checkout)
class CheckoutAdmin(AuditedModelAdmin):
    list_display = ("camera", "officer", "checked_out_at", "due_back_at", "checked_in_at", "condition")
    list_filter = ("condition",)
    search_fields = ("camera__asset_tag", "officer__badge_number", "officer__last_name")
    list_select_related = ("camera", "officer")
    date_hierarchy = "checked_out_at"
    actions = ["check_in_working"]

    @admin.action(description="Check in selected (working)")
    def check_in_working(self, request, queryset):
        run_service_per_object(
            self, request, queryset.open(), lambda c, by: services.check_in(camera=c.camera, by=by), "Checked in"
        )

    def has_add_permission(self, request):
        return False
