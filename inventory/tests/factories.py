from datetime import timedelta

import factory
from django.utils import timezone

from inventory.models import Camera, CameraModel, Dock


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
