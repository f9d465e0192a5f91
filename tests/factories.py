"""factory_boy factories shared by every app's tests."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from programs.models import Business, Profile, Province
from programs.roles import Role

PASSWORD = "Rahasia-Uji-2020"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.id")
    first_name = "Uji"
    password = factory.django.Password(PASSWORD)


def make_user(role, province=None, **fields):
    """A saved user with one role (and, for officers, a province)."""
    user = UserFactory(**fields)
    role = Role(role)
    user.groups.set([Group.objects.get(name=role.value)])
    if role == Role.MINISTRY_ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"province": province})
    return user


def province(code):
    return Province.objects.get(code=code)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Konveksi Uji {n}")
    province = factory.LazyFunction(lambda: Province.objects.get(code="32"))
