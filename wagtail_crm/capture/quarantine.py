"""Suspected spam is kept, not lost: quarantine a submission, or release it."""

from django.db import transaction
from django.utils import timezone

from ..models import QuarantinedSubmission
from .service import capture_submission
from .submission import LeadSubmission


def quarantine(submission, reason):
    return QuarantinedSubmission.objects.create(
        reason=reason[:255],
        name=(submission.text("name") or submission.text("last_name"))[:255],
        email=submission.email(),
        source_page_id=submission.source_page_id,
        payload=submission.to_payload(),
    )


def release(item, request=None, *, on_release=None):
    """Create the lead the visitor would have produced; return it.

    Before-hooks are not run again: an editor decided to accept it. Released
    twice (a double click, two editors), it returns the lead of the first
    release; ``on_release(lead)`` runs only for the release that made it.
    """
    with transaction.atomic():
        item = QuarantinedSubmission.objects.select_for_update().get(pk=item.pk)
        if item.released_lead_id:
            return item.released_lead
        submission = LeadSubmission.from_payload(item.payload)
        lead = capture_submission(submission, request=request, before_hooks=False)
        item.released_lead = lead
        item.released_at = timezone.now()
        item.save(update_fields=["released_lead", "released_at", "updated_at"])
        if on_release is not None:
            on_release(lead)
    return lead
