import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


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
