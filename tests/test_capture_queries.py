"""What a captured post costs: a pinned query budget, one follow-up task.

The example site queues background tasks in its database (``django_tasks_db``),
so these tests do too: the follow-up task is then one INSERT inside the lead's
transaction, or, while the task queued last is still waiting, one SELECT
(see ``test_capture_followups.py``).
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backend

from home.models import ContactPage
from wagtail_crm import indexing
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.tasks import process_new_lead, process_pending_leads
from wagtail_crm.models import Contact, Lead, Organization

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db

#: Queries a captured post of a new person adds to the same post with capture
#: off: the site settings, the contact candidates, the INSERTs of contact,
#: phone and lead, the follow-up task (or the check of the one queued last,
#: run by the lead's INSERT), BEGIN and COMMIT. On PostgreSQL Wagtail's
#: submission, the match-key locks and the candidates are one round trip, and
#: contact, phone, lead and the check one statement.
CAPTURE_QUERY_BUDGET = {"sqlite": 7, "postgresql": 4}

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _post(client, number):
    data = CONTACT_FORM | {
        "name": f"Visitor Number{number}",
        "email": f"visitor{number}@example.com",
        "phone": f"+7 916 555-{number:02d}-00",
    }
    response = client.post("/contact/", form_post(**data))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()


def _queries(client, number):
    with CaptureQueriesContext(connection) as queries:
        _post(client, number)
    return [query["sql"] for query in queries.captured_queries]


def _set_capture(page, enabled):
    ContactPage.objects.filter(pk=page.pk).update(crm_capture_enabled=enabled)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def test_captured_post_stays_within_its_query_budget(client, site_pages, db_tasks):
    contact_page = site_pages["contact"]
    _post(client, 1)  # warm up: caches, content types
    _set_capture(contact_page, False)
    _post(client, 2)
    off = _queries(client, 3)
    _set_capture(contact_page, True)
    on = _queries(client, 4)

    assert Lead.objects.count() == 2  # posts 1 and 4
    added = len(on) - len(off)
    assert added <= CAPTURE_QUERY_BUDGET.get(connection.vendor, 9), "\n".join(on)
    task_queries = [sql for sql in on if "dbtaskresult" in sql.lower()]
    assert len(task_queries) == 1, "one task row, or one check of the last one"


def test_repeat_person_costs_no_more(client, site_pages, db_tasks):
    _post(client, 1)
    new_person = _queries(client, 2)
    repeat = _queries(client, 2)

    assert Contact.objects.count() == 2
    assert Lead.objects.count() == 3
    assert len(repeat) <= len(new_person)


def test_one_task_for_the_lead(db_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead(
            {"name": "Anna Smirnova", "email": "anna@example.com", "company": "Acme"},
            tags=["price list", "spring"],
        )

    task = DBTaskResult.objects.get()
    assert task.task_path == process_pending_leads.module_path
    assert Lead.objects.get().followups_pending
    assert sorted(lead.tags.names()) == ["price list", "spring"]


def test_one_task_with_the_cards_to_index(settings, django_capture_on_commit_callbacks):
    """A task queue elsewhere (here: the immediate backend, as RQ would be)
    gets a task per lead, with the cards its capture wrote."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead(
            {"name": "Anna Smirnova", "email": "anna@example.com", "company": "Acme"},
            tags=["price list", "spring"],
        )
    assert not lead.followups_pending

    [task] = default_task_backend.results
    assert task.task.module_path == process_new_lead.module_path
    kwargs = task.kwargs
    assert kwargs["lead_id"] == lead.pk
    assert sorted(kwargs["records"]) == sorted(
        [
            ["wagtail_crm.organization", lead.organization_id],
            ["wagtail_crm.contact", lead.contact_id],
            ["wagtail_crm.lead", lead.pk],
        ]
    )
    assert sorted(lead.tags.names()) == ["price list", "spring"]


def _search(model, text):
    return list(get_search_backend().search(text, model))


def _page_usage(page):
    return ReferenceIndex.get_references_to(page).filter(
        content_type=ContentType.objects.get_for_model(Lead)
    )


def test_task_puts_the_new_cards_in_the_search_index(
    django_capture_on_commit_callbacks, site_pages
):
    # The immediate backend runs the task when the transaction commits.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lead = capture_lead(
            {"name": "Zinaida Quasimodo", "email": "zina@example.com", "company": "Q"},
            source_page=site_pages["contact"],
        )
    assert _search(Lead, "Quasimodo") == []  # not indexed before the commit
    assert not _page_usage(site_pages["contact"]).exists()

    for callback in callbacks:
        callback()

    assert _search(Lead, "Quasimodo") == [lead]
    # Wagtail's reference index: the page's "usage" lists the lead.
    assert _page_usage(site_pages["contact"]).get().object_id == str(lead.pk)
    assert _search(Contact, "Quasimodo") == [lead.contact]
    assert _search(Organization, "Q") == [lead.organization]


def test_saves_outside_a_capture_are_indexed_at_once():
    contact = Contact.objects.create(first_name="Yulia", last_name="Xylophonova")

    assert _search(Contact, "Xylophonova") == [contact]


def test_deferred_block_collects_instead_of_queueing(db_tasks):
    with indexing.deferred() as records:
        contact = Contact.objects.create(last_name="Deferred")
        contact.save()

    assert records.as_list() == [["wagtail_crm.contact", contact.pk]]
    assert not DBTaskResult.objects.exists()
    Contact.objects.create(last_name="Immediate")
    assert DBTaskResult.objects.count() == 2  # search index + reference index
