"""Factories for the sales tests: pipelines, deals, activities, tasks."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from tests.factories import (  # noqa: F401 (re-exported for the sales tests)
    ActivityFactory,
    LeadFactory,
    OrganizationFactory,
    TaskFactory,
)
from wagtail_crm.models import Deal, Pipeline, Stage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"manager{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True


def manager(username, *perms):
    """A Wagtail user with admin access and the given ``app.codename`` perms."""
    user = UserFactory(username=username)
    codenames = ["access_admin", *(p.split(".")[1] for p in perms)]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return get_user_model().objects.get(pk=user.pk)


def editors_group():
    return Group.objects.get_or_create(name="Sales")[0]


class PipelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pipeline

    name = factory.Sequence(lambda n: f"Pipeline {n}")


def pipeline_with_stages(name="Sales", is_default=True):
    pipeline = PipelineFactory(name=name, is_default=is_default)
    specs = [
        ("New", Stage.Kind.OPEN, 10),
        ("Negotiation", Stage.Kind.OPEN, 50),
        ("Won", Stage.Kind.WON, 100),
        ("Lost", Stage.Kind.LOST, 0),
    ]
    for order, (stage_name, kind, probability) in enumerate(specs):
        Stage.objects.create(
            pipeline=pipeline,
            name=stage_name,
            kind=kind,
            probability=probability,
            sort_order=order,
        )
    return pipeline


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("1000.00")
    currency = "RUB"
    organization = factory.SubFactory(OrganizationFactory)
