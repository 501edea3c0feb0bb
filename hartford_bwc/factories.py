"""factory_boy factories for every app's models, in one place: each app's tests and the tests that cross
apps import them from here (`from hartford_bwc.factories import CameraFactory`). Test-only code (factory_boy
is a development requirement), kept outside the apps' `tests/` packages so no app imports another's tests."""

from __future__ import annotations

from datetime import date, time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assignments.models import Certification, Officer, Shift, Unit
from devices.models import Device, DeviceKind, DeviceModel, Pairing, Vehicle
from inventory.models import Camera, CameraModel, Dock
from kiosk.models import Kiosk

# --- accounts: staff users --------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; `role=` puts them in that role's group."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: tests with real transactions flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


# --- assignments: units, shifts, officers, certifications -------------------------------------


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = "Patrol District 1"


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift
        django_get_or_create = ("name",)

    name = "Day"
    starts_at = time(7, 0)
    ends_at = time(15, 0)


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        skip_postgeneration_save = True

    badge_number = factory.Sequence(lambda n: f"{n + 1001}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    unit = factory.SubFactory(UnitFactory)
    shift = None

    # Every officer a test makes may take a camera (REQUIRE_BWC_CERTIFICATION): a certification
    # current for decades either side of today (tests travel in time). `certified=False` makes one without any.
    @factory.post_generation
    def certified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CertificationFactory(officer=self)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    officer = factory.SubFactory(OfficerFactory, certified=False)
    certified_on = date(2000, 1, 1)
    expires_on = date(2099, 12, 31)
    course = "BWC operator"


# --- inventory: camera models, docks, cameras -------------------------------------------------


class CameraModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CameraModel
        django_get_or_create = ("maker", "name")

    maker = "Axon"
    name = "Body 4"
    battery_hours = 12
    charge_hours = 9


class DockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dock

    name = factory.Sequence(lambda n: f"Dock {n:02d}")
    location = "HQ equipment room"
    bays = 8


class CameraFactory(factory.django.DjangoModelFactory):
    """An available, charged, inspected spare unless told otherwise."""

    class Meta:
        model = Camera

    # Five digits: tests name their own cameras with four (HPD-BWC-0412, HPD-BWC-9999 for "unknown"), and a
    # sequence starting at 0001 reached them after a few hundred cameras, failing whichever test ran later.
    asset_tag = factory.Sequence(lambda n: f"HPD-BWC-{n + 10001:05d}")
    serial_number = factory.Sequence(lambda n: f"X6A{n + 100000:07d}")
    model = factory.SubFactory(CameraModelFactory)
    firmware_version = "3.4.1"
    purchase_batch = "2026 expansion"
    purchased_on = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=200))
    pool = Camera.Pool.SPARE
    status = Camera.Status.AVAILABLE
    last_full_charge_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    last_docked_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=10))
    last_inspected_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))


# --- devices: signal devices, vehicles, pairings -------------------------------------------


class DeviceModelFactory(factory.django.DjangoModelFactory):
    """A holster sensor with a coin cell unless told otherwise."""

    class Meta:
        model = DeviceModel
        django_get_or_create = ("maker", "name")

    kind = DeviceKind.HOLSTER_SENSOR
    maker = "Axon"
    name = factory.LazyAttribute(
        lambda o: {
            "holster_sensor": "Signal Sidearm",
            "signal_weapon": "Taser 10",
            "vehicle_unit": "Signal Vehicle",
            "mount": "RapidLock mount",
            "spare_battery": "Spare battery",
        }[o.kind]
    )
    battery = factory.LazyAttribute(lambda o: "coin_cell" if o.kind == DeviceKind.HOLSTER_SENSOR else "rechargeable")
    needs_pairing = False


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    unit_number = factory.Sequence(lambda n: f"{n + 5001}")
    plate = factory.Sequence(lambda n: f"HPD{n + 101:04d}")


class DeviceFactory(factory.django.DjangoModelFactory):
    """An in-stock holster sensor with a battery fitted 100 days ago unless told otherwise."""

    class Meta:
        model = Device

    asset_tag = factory.Sequence(lambda n: f"HPD-SIG-{n + 10001:05d}")
    serial_number = factory.Sequence(lambda n: f"SG{n + 100000:07d}")
    model = factory.SubFactory(DeviceModelFactory)
    firmware_version = "1.2.0"
    battery_fitted_on = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=100))
    purchased_on = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=200))


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    camera = factory.SubFactory(CameraFactory)
    device = factory.SubFactory(DeviceFactory)


# --- kiosk: kiosks ----------------------------------------------------------------------------


class KioskFactory(factory.django.DjangoModelFactory):
    """A registered kiosk, not yet enrolled (use the `enrolled` fixtures to get a kiosk browser)."""

    class Meta:
        model = Kiosk

    name = factory.Sequence(lambda n: f"Kiosk {n + 1}")
    location = "HQ equipment room"
