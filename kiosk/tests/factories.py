import factory

from kiosk.models import Kiosk


class KioskFactory(factory.django.DjangoModelFactory):
    """A registered kiosk, not yet enrolled (use the `enrolled` fixtures to get a kiosk browser)."""

    class Meta:
        model = Kiosk

    name = factory.Sequence(lambda n: f"Kiosk {n + 1}")
    location = "HQ equipment room"
