from datetime import date, time

import factory

from assignments.models import Certification, Officer, Shift, Unit


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
