"""Admin for officers and checkouts. State changes go through the services."""

from django import forms
from django.contrib import admin

from audit.actions import Action
from audit.actor import Actor
from audit.admin import AuditedModelAdmin, RecordFormModelAdmin
from hartford_bwc.admin import ReadOnlyModelAdmin
from inventory.admin import run_service_per_object

from . import services
from .forms import OfficerForm
from .models import Certification, Checkout, DutyAssignment, Officer, OfficerFlag, PersonalIssue, Shift, Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("name", "supervisor_email")
    search_fields = ("name",)
    editable_fields = ("name", "supervisor_email")


@admin.register(Shift)
class ShiftAdmin(AuditedModelAdmin):
    list_display = ("name", "starts_at", "ends_at")
    editable_fields = ("name", "starts_at", "ends_at")

    def save_model(self, request, obj, form, change):
        # Through the service: a moved start recounts the shift days of its officers' check-outs.
        services.save_shift(shift=obj, fields=form.changed_data, by=Actor.from_request(request))


class OfficerAdminForm(OfficerForm):
    """The console's form and the officer's staff account (the admin links the two)."""

    class Meta(OfficerForm.Meta):
        fields = (*OfficerForm.Meta.fields, "user")

    def clean_user(self):
        # The record forms leave uniqueness to themselves (RecordFormMixin): one account, one officer.
        user = self.cleaned_data["user"]
        holder = user and Officer.objects.filter(user=user).exclude(pk=self.instance.pk).first()
        if holder:
            raise forms.ValidationError(f"Staff account {user.username} already belongs to {holder.display_name}.")
        return user


@admin.register(Officer)
class OfficerAdmin(RecordFormModelAdmin):
    list_display = ("badge_number", "last_name", "first_name", "rank", "unit", "shift", "is_active")
    list_filter = ("is_active", "rank", "unit", "shift")
    search_fields = ("badge_number", "last_name", "first_name")
    list_select_related = ("unit", "shift")
    # The console's form and services: a badge taken in any case, a console page's name, a control
    # character are refused here as there. Activity changes through the actions below (set_officer_active).
    form = OfficerAdminForm
    described = services.OFFICER_DESCRIPTION
    also_saved = ("user",)
    editable_fields = (*services.OFFICER_DESCRIPTION, "user")
    readonly_fields = ("pin_set_at",)
    actions = ["deactivate", "activate"]

    def create(self, values, *, by):
        [officer] = services.register_officers(officers=[values], by=by, action=Action.OFFICER_ADMIN_CREATE)
        return officer

    def update(self, obj, values, *, by):
        services.update_officers(changes=[(obj, values)], by=by, action=Action.OFFICER_ADMIN_EDIT)

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


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(ReadOnlyModelAdmin):
    # Duties and exemptions are assigned, granted and ended on the officer's duty page in the console
    # (assignments.duty: the overlap rule under the officer's lock, the approver, the audit event).
    list_display = ("officer", "kind", "starts_on", "ends_on", "approved_by", "reason")
    list_filter = ("kind",)
    search_fields = ("officer__badge_number", "officer__last_name", "reason")
    list_select_related = ("officer", "approved_by")


@admin.register(Certification)
class CertificationAdmin(ReadOnlyModelAdmin):
    # As the training records give them: recorded and corrected by the training import
    # (assignments.duty.record_certifications / update_certifications), audited there.
    list_display = ("officer", "certified_on", "expires_on", "course", "recorded_at")
    search_fields = ("officer__badge_number", "officer__last_name", "course")
    list_select_related = ("officer",)


@admin.register(OfficerFlag)
class OfficerFlagAdmin(ReadOnlyModelAdmin):
    # Raised and resolved by the flag sweep only (inventory.flags.sweep).
    list_display = ("officer", "kind", "detail", "raised_at", "resolved_at")
    list_filter = ("kind",)
    search_fields = ("officer__badge_number", "officer__last_name")
    list_select_related = ("officer",)
