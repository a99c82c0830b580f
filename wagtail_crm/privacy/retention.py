"""Data retention: what ``crm_purge_leads`` removes.

Leads older than the retention period are deleted unless they were converted
(a converted lead is part of a client's history; its raw ``data`` is cleared
instead). Quarantined submissions and the Wagtail form submissions of form
pages that capture leads go too.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from ..models import Lead, QuarantinedSubmission


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
    submissions = FormSubmission.objects.filter(
        submit_time__lt=cutoff, page__in=captured_pages
    )
    counts = {
        "leads": unconverted.count(),
        "quarantined": quarantined.count(),
        "submissions": submissions.count(),
    }
    if not dry_run:
        unconverted.delete()
        old.filter(status=Lead.Status.CONVERTED).update(data={})
        quarantined.delete()
        submissions.delete()
    return counts
