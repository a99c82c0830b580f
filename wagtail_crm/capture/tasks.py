"""The background task a captured lead sets off.

``capture_lead()`` queues :func:`process_pending_leads` (with a task queue in
the same database; leads share it, see :mod:`.followups`) or
:func:`process_new_lead` (any other backend), instead of a task per index
update, one for the e-mail and the webhook rows written inside the visitor's
request. For each lead, in order:

1. updates the search index and reference index of the cards the capture
   wrote (the lead, its contact, a new organization);
2. writes a ``lead.created`` delivery for each active webhook that wants it
   and queues their sending (``deliver_webhook``, retried with backoff);
3. e-mails the owner and the site's recipients.

Each step's failure is logged and does not stop the next; the lead is saved
already. Running the task twice re-indexes, writes no second webhook
delivery and sends no second e-mail (the sender claims the lead first, see
:mod:`.notifications`).
"""

import logging

from django.db import connections, router
from django_tasks import task

from .. import indexing
from ..models import Lead
from .followups import wait_for_requests

logger = logging.getLogger(__name__)

#: Leads followed up per query of :func:`process_pending_leads`.
BATCH_SIZE = 100
#: Batches per run; leads still pending after them get a task of their own.
MAX_BATCHES = 50


@task()
def process_new_lead(lead_id, records=()):
    """Follow-ups of lead ``lead_id``; ``records`` are ``[label, pk]`` pairs
    whose index updates the capture deferred."""
    return _follow_up(lead_id, records)


@task()
def process_pending_leads():
    """The follow-ups of every lead written with ``followups_pending``, oldest
    first; returns how many leads it followed up. A batch's flags are cleared
    once its follow-ups are done: a run cut short (a worker killed) leaves the
    rest for the next run, and running a lead twice is harmless."""
    connection = connections[router.db_for_write(Lead)]
    wait_for_requests(connection)
    pending = Lead.objects.filter(followups_pending=True).order_by("pk")
    done = 0
    for _batch in range(MAX_BATCHES):
        leads = list(
            pending.values_list("pk", "contact_id", "organization_id")[:BATCH_SIZE]
        )
        if not leads:
            return done
        for lead_id, contact_id, organization_id in leads:
            records = [["wagtail_crm.lead", lead_id]]
            if contact_id:
                records.append(["wagtail_crm.contact", contact_id])
            if organization_id:
                records.append(["wagtail_crm.organization", organization_id])
            try:
                _follow_up(lead_id, records)
            except Exception:
                logger.exception("Follow-ups of lead %s failed", lead_id)
        # A run cut short in the batch follows it up again, harmlessly.
        Lead.objects.filter(pk__in=[lead[0] for lead in leads]).update(
            followups_pending=False
        )
        done += len(leads)
    if pending.exists():
        process_pending_leads.enqueue()
    return done


def _follow_up(lead_id, records):
    from ..integrations.webhooks import emit_lead_created
    from .notifications import send_new_lead_email

    indexing.update_records(records)
    try:
        emit_lead_created(lead_id)
    except Exception:
        logger.exception("Could not queue the webhooks of lead %s", lead_id)
    return send_new_lead_email(lead_id)
