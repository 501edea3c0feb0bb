from django.urls import path

from .views import duty as duty_views
from .views import officers as views
from .views import pin_letters as pin_letter_views

app_name = "assignments"
urlpatterns = [
    path("officers/", views.officer_list, name="officer_list"),
    # Before <badge>/ so that these words are never read as badge numbers (nor can be one: OfficerForm).
    path("officers/badge-cards/", views.badge_cards, name="badge_cards"),
    path("officers/pin-letters/", pin_letter_views.pin_letters_view, name="pin_letters"),
    path("officers/new/", views.officer_add, name="officer_add"),
    path("officers/<str:badge>/", views.officer_detail, name="officer_detail"),
    path("officers/<str:badge>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<str:badge>/reset-pin/", views.officer_reset_pin, name="officer_reset_pin"),
    path("officers/<str:badge>/unlock-kiosk/", views.officer_unlock_badge, name="officer_unlock_badge"),
    path("officers/<str:badge>/active/", views.officer_set_active, name="officer_set_active"),
    path("officers/<str:badge>/personal-camera/issue/", views.officer_issue_personal, name="officer_issue_personal"),
    path("officers/<str:badge>/personal-camera/revoke/", views.officer_revoke_personal, name="officer_revoke_personal"),
    path("officers/<str:badge>/duty/", duty_views.officer_duty, name="officer_duty"),
    path("officers/<str:badge>/duty/exemptions/", duty_views.officer_grant_exemption, name="officer_grant_exemption"),
    path(
        "officers/<str:badge>/duty/exemptions/<int:pk>/end/",
        duty_views.officer_end_exemption,
        name="officer_end_exemption",
    ),
    path("officers/<str:badge>/duty/assign/", duty_views.officer_assign_duty, name="officer_assign_duty"),
]
