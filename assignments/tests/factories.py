from datetime import time

import factory

from assignments.models import Officer, Shift, Unit


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

    badge_number = factory.Sequence(lambda n: f"{n + 1001}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    unit = factory.SubFactory(UnitFactory)
    shift = None
