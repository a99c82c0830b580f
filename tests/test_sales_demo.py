import io

import pytest
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from wagtail_crm.models import Activity, Deal, Lead, Stage, Task
from wagtail_crm.pipeline import STAGE_CHANGE_ACTION

pytestmark = pytest.mark.django_db


def counts():
    return [
        Deal.objects.count(),
        Lead.objects.count(),
        Activity.objects.count(),
        Task.objects.count(),
        ModelLogEntry.objects.filter(action=STAGE_CHANGE_ACTION).count(),
    ]


def test_demo_fills_board_reports_and_tasks_once(admin_client):
    call_command("crm_demo", stdout=io.StringIO())
    first = counts()
    call_command("crm_demo", stdout=io.StringIO())

    assert counts() == first
    kinds = set(Deal.objects.values_list("stage__kind", flat=True))
    assert kinds == {Stage.Kind.OPEN, Stage.Kind.WON, Stage.Kind.LOST}
    assert not Deal.objects.filter(stage__kind="lost", lost_reason="").exists()
    assert first[4] > Deal.objects.count()  # deals moved through several stages
    assert Activity.objects.filter(kind="call").count() >= 80
    assert Lead.objects.filter(status="converted", deal__stage__kind="won").exists()
    board = admin_client.get("/admin/crm-board/")
    assert sum(column["count"] for column in board.context["columns"]) >= 24
    managers = admin_client.get("/admin/crm-reports/managers/")
    assert len(managers.context["object_list"]) == 3
