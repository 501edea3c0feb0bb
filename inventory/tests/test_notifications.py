"""Notifications (issue 14 item 19): an overdue return emails the officer and the supervisor once per flag,
never again at the next sweep; each staff user chooses, per kind of flag, immediately, in the shift
digest or never, on a settings page; the sweep's emails and the digest follow the choices."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts import roles
from assignments.models import Checkout
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.errors import InvalidInput
from hartford_bwc.factories import CameraFactory, OfficerFactory, UnitFactory, UserFactory
from inventory import tasks
from inventory.flags import preferences
from inventory.flags.notify import send_shift_digest
from inventory.models import Camera, Flag, NotificationPreference

from .flag_fleet import local, plant_every_kind, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)
URL = "/accounts/notifications/"
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0
Delivery = NotificationPreference.Delivery


def overdue_checkout(*, officer_email="dana.reyes@hartford.example", supervisor="d2.sgt@hartford.example", n=0):
    unit = UnitFactory(supervisor_email=supervisor)
    officer = OfficerFactory(
        unit=unit, first_name="Dana", last_name="Reyes", badge_number=str(4242 + n), email=officer_email
    )
    camera = CameraFactory(asset_tag=f"HPD-BWC-{777 + n:04d}", status=Camera.Status.CHECKED_OUT)
    return Checkout.objects.create(
        camera=camera, officer=officer, checked_out_at=NOW - timedelta(hours=14), due_back_at=NOW - timedelta(hours=2)
    )


def sweep(moment, capture):
    with capture(execute=True):
        return sweep_at(moment)


# --- an overdue return ------------------------------------------------------------------------------


def test_an_overdue_return_emails_the_officer_and_the_supervisor_once(django_capture_on_commit_callbacks):
    overdue_checkout()
    sweep(NOW, django_capture_on_commit_callbacks)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["d2.sgt@hartford.example", "dana.reyes@hartford.example"]
    to_officer = next(m for m in mail.outbox if m.to == ["dana.reyes@hartford.example"])
    assert to_officer.subject.startswith("Return camera HPD-BWC-0777: it was due back")
    assert "Please return it to a dock" in to_officer.body
    # The next sweeps find the flag still open: nobody is emailed again.
    sweep(NOW + timedelta(minutes=5), django_capture_on_commit_callbacks)
    sweep(NOW + timedelta(hours=3), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    flag = Flag.objects.get(kind=Flag.Kind.RETURN_OVERDUE)
    assert flag.notified_at is not None
    event = AuditEvent.objects.get(action="flag.notify")
    assert sorted(event.after["to"]) == recipients and event.camera == flag.camera


def test_a_retried_or_duplicated_task_sends_nothing_twice(django_capture_on_commit_callbacks):
    overdue_checkout()
    sweep(NOW, django_capture_on_commit_callbacks)
    flag = Flag.objects.get(kind=Flag.Kind.RETURN_OVERDUE)
    assert tasks.email_new_flags.delay([flag.pk]).get() == 0
    assert tasks.email_overdue_supervisors.delay([flag.pk]).get() == 0  # the old task name
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="flag.notify").count() == 1


def test_an_overdue_officer_with_no_address_still_gets_the_supervisor_told(django_capture_on_commit_callbacks):
    overdue_checkout(officer_email="")
    sweep(NOW, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["d2.sgt@hartford.example"]]


def test_the_flag_raised_again_later_is_a_new_flag_and_emailed_again(django_capture_on_commit_callbacks):
    checkout = overdue_checkout()
    sweep(NOW, django_capture_on_commit_callbacks)
    Checkout.objects.filter(pk=checkout.pk).update(due_back_at=NOW + timedelta(hours=10))  # extended
    sweep(NOW + timedelta(minutes=10), django_capture_on_commit_callbacks)
    Checkout.objects.filter(pk=checkout.pk).update(due_back_at=NOW + timedelta(minutes=15))
    sweep(NOW + timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4  # two flags, each emailed once


# --- "immediately" ------------------------------------------------------------------------------


def choose(user, **choices):
    preferences.save_choices(user=user, choices=choices, by=Actor.staff(user))


def test_staff_who_chose_immediately_get_one_email_listing_their_kinds(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(2, NOW)
    qm = UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    choose(qm, charging_overdue=Delivery.IMMEDIATELY, firmware_below_minimum=Delivery.IMMEDIATELY)
    sgt = UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)  # the default: never
    UserFactory(username="qm2", email="qm2@hartford.example", role=roles.QUARTERMASTER)  # default: digest only
    sweep(NOW, django_capture_on_commit_callbacks)
    to_qm = [m for m in mail.outbox if m.to == [qm.email]]
    assert len(to_qm) == 1
    body = to_qm[0].body
    assert body.count("Charging overdue") == 2 and body.count("Firmware below minimum") == 2
    assert "Return overdue" not in body and "/inventory/flags/" in body and URL in body
    assert to_qm[0].subject.startswith("BWC: 4 new flags, first firmware below minimum")  # most severe first
    assert not [m for m in mail.outbox if m.to in ([sgt.email], ["qm2@hartford.example"])]


def test_a_supervisor_may_choose_to_hear_of_overdue_returns_at_once(django_capture_on_commit_callbacks):
    overdue_checkout(supervisor="")
    sgt = UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    choose(sgt, return_overdue=Delivery.IMMEDIATELY)
    sweep(NOW, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["dana.reyes@hartford.example", "sgt@hartford.example"]


def test_nobody_is_emailed_twice_for_one_flag(django_capture_on_commit_callbacks):
    """The unit's supervisor address is also a staff user who chose "immediately": one email, not two."""
    overdue_checkout(supervisor="sgt@hartford.example")
    sgt = UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    choose(sgt, return_overdue=Delivery.IMMEDIATELY)
    sweep(NOW, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["dana.reyes@hartford.example", "sgt@hartford.example"]


@pytest.mark.parametrize("cameras", [1, 8])
def test_the_new_flag_emails_run_a_fixed_number_of_queries(cameras, django_assert_num_queries):
    for n in range(cameras):
        overdue_checkout(n=n)
    for n in range(3):
        user = UserFactory(username=f"qm{n}", email=f"qm{n}@hartford.example", role=roles.QUARTERMASTER)
        choose(user, return_overdue=Delivery.IMMEDIATELY)
    flags = [
        Flag.objects.create(camera=c.camera, kind=Flag.Kind.RETURN_OVERDUE, raised_at=NOW, detail="Late.")
        for c in Checkout.objects.all()
    ]
    # Savepoint pair; the flags locked; claimed; their checkouts with officer and unit; the staff with
    # an address, their roles and their choices; the audit chain's head and the events.
    with django_assert_num_queries(10 + AUDIT_LOCK):
        tasks.email_new_flags.delay([flag.pk for flag in flags]).get()
    assert len(mail.outbox) == 2 * cameras + 3


# --- the shift digest -------------------------------------------------------------------------


@pytest.fixture
def open_flags():
    with time_machine.travel(NOW - timedelta(hours=4), tick=False):
        plant_every_kind(1, NOW - timedelta(hours=4))
    sweep_at(NOW - timedelta(hours=4))


def test_by_default_the_quartermasters_get_the_whole_digest(open_flags):
    UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    assert send_shift_digest(now=NOW) == 1
    assert (
        mail.outbox[0].to == ["qm@hartford.example"] and f"STILL OPEN: {len(Flag.Kind.values)}" in mail.outbox[0].body
    )


def test_the_digest_follows_each_users_choices(open_flags):
    qm = UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    choose(qm, **dict.fromkeys(Flag.Kind.values, Delivery.NEVER))
    sgt = UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    choose(sgt, return_overdue=Delivery.DIGEST, damaged_not_in_maintenance=Delivery.DIGEST)
    assert send_shift_digest(now=NOW) == 1
    (message,) = mail.outbox
    assert message.to == ["sgt@hartford.example"]
    assert "STILL OPEN: 2" in message.body and "Return overdue: 1" in message.body
    assert "Charging overdue" not in message.body


def test_no_digest_when_nobody_wants_it(open_flags):
    qm = UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    choose(qm, **dict.fromkeys(Flag.Kind.values, Delivery.IMMEDIATELY))
    assert send_shift_digest(now=NOW) == 0 and mail.outbox == []


# --- the settings page --------------------------------------------------------------------------


def test_the_page_shows_my_choices_with_the_defaults_of_my_role(client):
    user = UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert 'href="/accounts/notifications/"' in client.get("/").content.decode()  # the user menu links here
    assert html.count('value="digest" checked') == len(Flag.Kind.values)
    assert html.index("Return overdue") < html.index("Refresh due")  # most severe first
    assert "no email address" not in html


def test_saving_choices_stores_and_audits_only_what_changed(client):
    user = UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    client.force_login(user)
    data = dict.fromkeys(Flag.Kind.values, Delivery.NEVER)
    data["return_overdue"] = Delivery.IMMEDIATELY
    response = client.post(URL, data, follow=True)
    assert "Saved: 1 choice changed." in response.content.decode()
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [("return_overdue", "immediately")]
    event = AuditEvent.objects.get(action="user.notifications_change")
    assert event.before == {"return_overdue": "never"} and event.after == {"return_overdue": "immediately"}
    assert event.actor_user == user
    assert "Nothing changed." in client.post(URL, data, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="user.notifications_change").count() == 1


def test_a_bad_choice_is_refused_and_nothing_is_saved(client):
    client.force_login(UserFactory(username="sgt", role=roles.SUPERVISOR))
    data = dict.fromkeys(Flag.Kind.values, Delivery.NEVER)
    data["return_overdue"] = "hourly"
    assert client.post(URL, data).status_code == 422
    assert client.post(URL, {}).status_code == 422
    assert not NotificationPreference.objects.exists()
    with pytest.raises(InvalidInput):
        preferences.save_choices(
            user=UserFactory(username="x"), choices={"nope": "never"}, by=Actor.system_process("t")
        )


def test_a_user_without_an_address_is_told_nothing_is_sent(client):
    client.force_login(UserFactory(username="sgt", email="", role=roles.SUPERVISOR))
    assert "no email address" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [(roles.QUARTERMASTER, 200), (roles.SUPERVISOR, 200), (roles.ADMINISTRATOR, 200), (None, 403)]
)
def test_every_staff_role_has_the_page(client, role, status):
    client.force_login(UserFactory(username="who", role=role) if role else UserFactory(username="who"))
    assert client.get(URL).status_code == status


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("chosen", [0, 9])
def test_the_page_runs_a_fixed_number_of_queries(client, chosen, django_assert_num_queries):
    user = UserFactory(username="qm", email="qm@hartford.example", role=roles.QUARTERMASTER)
    for kind in Flag.Kind.values[:chosen]:
        NotificationPreference.objects.create(user=user, kind=kind, delivery=Delivery.NEVER)
    client.force_login(user)
    client.get(URL)  # the first request after sign-in saves the session
    # session, user, roles; the user's choices.
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
