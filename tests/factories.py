"""Factories for the records the clean-data tests need."""

import factory

from wagtail_crm.models import (
    Activity,
    Contact,
    Deal,
    Lead,
    Organization,
    Phone,
    Pipeline,
    Stage,
    Task,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = "Пётр"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    e164 = factory.Sequence(lambda n: f"+7916{n:07d}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    subject = factory.Sequence(lambda n: f"Call {n}")
    kind = Activity.Kind.CALL


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    name = factory.Sequence(lambda n: f"Lead {n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    pipeline = factory.LazyFunction(lambda: Pipeline.objects.create(name="Sales"))
    name = "New"


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Deal {n}")
    stage = factory.SubFactory(StageFactory)
