"""The one background task a captured lead sets off.

``capture_lead()`` queues :func:`process_new_lead` once its transaction commits
(one row with a database task backend, instead of a task per index update, one
for the e-mail and the webhook rows written inside the visitor's request). The
task, in order:

1. updates the search index and reference index of the cards the capture
   wrote (the lead, its contact, a new organization);
2. writes a ``lead.created`` delivery for each active webhook that wants it
   and queues their sending (``deliver_webhook``, retried with backoff);
3. e-mails the owner and the site's recipients.

Each step's failure is logged and does not stop the next; the lead is saved
already. Running the task twice re-indexes, writes no second webhook
delivery, and at worst sends a second e-mail.
"""

import logging

from django_tasks import task

from .. import indexing

logger = logging.getLogger(__name__)


@task()
def process_new_lead(lead_id, records=()):
    """Follow-ups of lead ``lead_id``; ``records`` are ``[label, pk]`` pairs
    whose index updates the capture deferred."""
    from ..integrations.webhooks import emit_lead_created
    from .notifications import send_new_lead_email

    indexing.update_records(records)
    try:
        emit_lead_created(lead_id)
    except Exception:
        logger.exception("Could not queue the webhooks of lead %s", lead_id)
    return send_new_lead_email(lead_id)
