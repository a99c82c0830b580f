"""Data retention: what ``crm_purge_leads`` removes.

Leads older than the retention period are deleted unless they were converted
(a converted lead is part of a client's history; its raw ``data`` and the
personal parts of its ``attribution`` — IP address, user agent, browser
languages — are cleared instead, its campaign kept for reports). Quarantined
submissions and the Wagtail form submissions of form pages that capture leads
go too.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Lead, QuarantinedSubmission
from .data import submission_classes

#: What ``Lead.attribution`` holds about the visitor rather than the campaign.
PERSONAL_ATTRIBUTION = ("ip", "user_agent", "accept_language")
BATCH_SIZE = 500


@transaction.atomic
def purge(days, *, dry_run=False):
    cutoff = timezone.now() - timedelta(days=days)
    old = Lead.objects.filter(created_at__lt=cutoff)
    unconverted = old.exclude(status=Lead.Status.CONVERTED)
    quarantined = QuarantinedSubmission.objects.filter(created_at__lt=cutoff)
    captured_pages = list(
        Lead.objects.exclude(source_page=None)
        .values_list("source_page", flat=True)
        .distinct()
    )
    submissions = _form_submissions(captured_pages, cutoff)
    counts = {
        "leads": unconverted.count(),
        "quarantined": quarantined.count(),
        "submissions": sum(rows.count() for rows in submissions),
    }
    if not dry_run:
        unconverted.delete()
        converted = old.filter(status=Lead.Status.CONVERTED)
        converted.update(data={})
        _clear_personal_attribution(converted)
        quarantined.delete()
        for rows in submissions:
            rows.delete()
    return counts


def _form_submissions(page_ids, cutoff):
    """The older form submissions of these pages, a query per submission
    class (a page may have its own, see ``get_submission_class()``)."""
    pages = {}
    for page_id, model in submission_classes(page_ids).items():
        pages.setdefault(model, []).append(page_id)
    return [
        model.objects.filter(submit_time__lt=cutoff, page__in=ids)
        for model, ids in pages.items()
    ]


def _clear_personal_attribution(leads):
    """Drop the visitor's parts of ``attribution``; keep the touches (UTM
    values, referrer, landing URL) and the locale that reports aggregate."""
    with_personal = Q()
    for key in PERSONAL_ATTRIBUTION:
        with_personal |= Q(attribution__has_key=key)
    leads = leads.filter(with_personal).only("pk", "attribution").order_by("pk")
    # A cleared lead no longer matches: each slice is the next batch.
    while batch := list(leads[:BATCH_SIZE]):
        for lead in batch:
            for key in PERSONAL_ATTRIBUTION:
                lead.attribution.pop(key, None)
        Lead.objects.bulk_update(batch, ["attribution"])
