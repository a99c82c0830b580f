"""Wagtail's own ``FormSubmission`` of a captured post: the same row and save
signals, written with the lead's first statements; a page or submission class
with code of its own keeps Wagtail's ``process_form_submission()``."""

import pytest
from django.core import mail
from django.db import connection, models
from django.db.models.signals import post_save, pre_save
from wagtail.contrib.forms.models import (
    AbstractEmailForm,
    AbstractFormSubmission,
    FormSubmission,
)

from home.models import ContactPage
from wagtail_crm.capture import mixins
from wagtail_crm.models import Lead
from wagtail_crm.round_trips import can_batch, run_statements

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_check():
    mixins._runs_wagtails_own_submission.cache_clear()
    yield
    mixins._runs_wagtails_own_submission.cache_clear()


def test_the_row_and_its_signals_as_wagtail_writes_them(client, site_pages):
    seen = []

    def record(sender, instance, **kwargs):
        seen.append((kwargs.get("created"), instance.pk is None))

    pre_save.connect(record, sender=FormSubmission)
    post_save.connect(record, sender=FormSubmission)
    try:
        response = client.post("/contact/", form_post(**CONTACT_FORM))
    finally:
        pre_save.disconnect(record, sender=FormSubmission)
        post_save.disconnect(record, sender=FormSubmission)

    assert response.status_code == 200
    submission = FormSubmission.objects.get()
    assert seen == [(None, True), (True, False)]  # pre_save, then post_save
    assert submission.page_id == site_pages["contact"].pk
    assert submission.get_data()["email"] == CONTACT_FORM["email"]
    assert submission.submit_time is not None
    assert Lead.objects.get().data["form_submission_id"] == submission.pk


def test_wagtails_email_of_the_submission_is_sent(
    client, site_pages, django_capture_on_commit_callbacks
):
    ContactPage.objects.filter(pk=site_pages["contact"].pk).update(
        to_address="sales@example.com", subject="New request"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", form_post(**CONTACT_FORM))

    assert [message.subject for message in mail.outbox].count("New request") == 1
    assert FormSubmission.objects.count() == Lead.objects.count() == 1


def test_a_page_with_its_own_process_form_submission_keeps_it(
    client, site_pages, fresh_check, monkeypatch
):
    calls = []

    def custom(self, form):
        calls.append(form.cleaned_data["email"])
        return FormSubmission.objects.create(form_data={"custom": True}, page=self)

    # Below the CRM mixin in ContactPage's MRO, where a site's own base class is.
    monkeypatch.setattr(
        AbstractEmailForm, "process_form_submission", custom, raising=False
    )

    client.post("/contact/", form_post(**CONTACT_FORM))

    assert calls == [CONTACT_FORM["email"]]
    submission = FormSubmission.objects.get()
    assert submission.form_data == {"custom": True}
    assert Lead.objects.get().data["form_submission_id"] == submission.pk


def test_a_submission_class_with_its_own_save_is_saved_by_it(fresh_check):
    class AuditedSubmission(AbstractFormSubmission):
        def save(self, *args, **kwargs):  # pragma: no cover - never called
            super().save(*args, **kwargs)

        class Meta:
            abstract = True
            app_label = "home"

    assert mixins._runs_wagtails_own_submission(ContactPage, FormSubmission)
    assert not mixins._runs_wagtails_own_submission(ContactPage, AuditedSubmission)
    assert AuditedSubmission.save is not models.Model.save


def test_statements_come_back_in_order_batched_or_not(django_assert_num_queries):
    statements = [
        ("SELECT %s", [1]),
        None,
        ("SELECT %s UNION ALL SELECT %s", [2, 3]),
    ]
    expected = 1 if can_batch(connection) else 2

    with django_assert_num_queries(expected):
        results = run_statements(connection, statements)

    assert results[0] == [(1,)]
    assert results[1] is None
    assert sorted(results[2]) == [(2,), (3,)]
    assert can_batch(connection) is (connection.vendor == "postgresql")
