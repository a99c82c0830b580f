"""``capture_lead()``: the one way a lead enters the CRM.

Form pages, the lead-form block, releases from the quarantine and any custom
entry point call it, so attribution, matching, assignment, hooks and
notifications behave the same everywhere::

    from wagtail_crm.capture.service import capture_lead

    lead = capture_lead(
        {"name": "Anna Smirnova", "email": "anna@example.com", "phone": "89161234567"},
        request=request,            # attribution, locale, user agent
        source_page=page,
        tags=["price list"],
    )
"""

import logging

from django.conf import settings
from django.db import connections, router, transaction
from taggit.models import Tag

from .. import hooks, indexing
from ..dedup import organization_name_key
from ..lean_insert import create_instance, inserted, pending_insert
from ..models import Lead, Pipeline, TaggedLead
from ..phones import parse_phones
from ..round_trips import run_statements
from . import followups, locks, matching, routing
from .submission import LeadRejected, LeadSubmission
from .writer_queue import writer_turn

logger = logging.getLogger(__name__)

__all__ = ["LeadRejected", "LeadSubmission", "capture_lead", "capture_submission"]


def capture_lead(fields, *, request=None, source_page=None, run_hooks=True, **options):
    """Create a lead from ``fields`` (CRM field → value); return it.

    ``options`` are the other attributes of :class:`LeadSubmission` (``data``,
    ``source_url``, ``attribution``, ``owner_id``, ``owner_group_id``,
    ``pipeline_id``, ``tags``, ``consent_text``, ``create_contact``). Raises
    :class:`LeadRejected` when a before-hook refuses.
    """
    submission = LeadSubmission(fields=dict(fields), **options)
    if source_page is not None:
        submission.source_page_id = source_page.pk
    if request is not None and not submission.attribution:
        from .utm import attribution_for

        submission.attribution = attribution_for(request)
    return capture_submission(
        submission, request=request, before_hooks=run_hooks, after_hooks=run_hooks
    )


def capture_submission(
    submission, *, request=None, before_hooks=True, after_hooks=True, prepared=None
):
    """Save ``submission`` as a lead (see :func:`capture_lead`).

    ``prepared``: the :class:`PreparedSubmission` of this submission, made after
    its before-hooks ran, by a caller that opens its transaction in between.
    """
    if before_hooks:
        run_before_hooks(submission, request)
    if prepared is None:
        prepared = PreparedSubmission(submission)
    # Inside a caller's transaction no savepoint of its own: an error here
    # reaches the caller, whose transaction rolls back.
    with writer_turn(Lead), transaction.atomic(savepoint=False):
        lead = _save_lead(submission, request, prepared)
    if after_hooks:
        run_after_hooks(lead, request)
    return lead


def run_before_hooks(submission, request):
    """Each ``wagtailcrm_before_lead_create`` hook may change ``submission`` or
    raise :class:`LeadRejected`."""
    for hook in hooks.get_hooks(hooks.BEFORE_LEAD_CREATE):
        try:
            hook(submission, request)
        except LeadRejected:
            raise
        except Exception:
            # A broken hook must not lose the lead; it is made as is.
            logger.exception("wagtailcrm_before_lead_create hook %r failed", hook)


def run_after_hooks(lead, request):
    """A raising after-hook is logged; the lead is already saved and stays."""
    for hook in hooks.get_hooks(hooks.AFTER_LEAD_CREATE):
        try:
            with transaction.atomic():
                hook(lead, request)
        except Exception:
            logger.exception(
                "wagtailcrm_after_lead_create hook %r failed for lead %s", hook, lead.pk
            )


def _parse_phone(raw):
    result = parse_phones(raw)
    return result.phones[0] if result.phones else None


def _match_keys(submission, parsed_phone):
    email = submission.email()
    company = organization_name_key(submission.text("company"))
    return [
        email and f"email:{email}",
        parsed_phone and f"phone:{parsed_phone.e164}",
        company and f"org:{company}",
    ]


class PreparedSubmission:
    """What a submission's lead is made of that needs no database: worked out
    before the transaction opens, so that the (on SQLite: database-wide) write
    lock is held for less time.

    ``form_submission``: a new, unsaved Wagtail ``FormSubmission`` the lead
    comes from, written in the lead's transaction with its first statements
    (``submission.data["form_submission_id"]`` then names it).
    """

    #: Set by the caller before the capture (see above).
    form_submission = None

    def __init__(self, submission):
        self.raw_phone = submission.text("phone")
        self.parsed_phone = _parse_phone(self.raw_phone) if self.raw_phone else None
        self.match_keys = _match_keys(submission, self.parsed_phone)
        self.lead_values = _lead_values(submission, self.raw_phone, self.parsed_phone)


def _first_statements(submission, prepared, shared):
    """The form submission's INSERT, the match-key locks and the contact
    candidates: one round trip on PostgreSQL (:mod:`wagtail_crm.round_trips`),
    in this order, each statement with its own snapshot, so the candidates
    are read after the locks are held. Returns (locked, candidate rows or
    None)."""
    form_submission = prepared.form_submission
    insert = pending_insert(form_submission) if form_submission is not None else None
    if form_submission is not None and insert is None:
        form_submission.save(force_insert=True)
    connection = connections[router.db_for_write(Lead)]
    lock = locks.lock_statement(prepared.match_keys, shared=shared, using=connection)
    phone = prepared.parsed_phone
    candidates = matching.candidate_statement(
        submission.email(), [phone.e164] if phone else []
    )
    written, _locks, rows = run_statements(connection, [insert, lock, candidates])
    if insert is not None:
        inserted(form_submission, written[0][0])
    if form_submission is not None:
        submission.data["form_submission_id"] = form_submission.pk
    return lock is not None, rows


def _save_lead(submission, request, prepared):
    parsed_phone = prepared.parsed_phone
    coalesced = followups.coalesced()
    # On PostgreSQL the follow-up task's shared lock comes with the match keys.
    shared = followups.FOLLOWUP_LOCK if coalesced else None
    locked, candidate_rows = _first_statements(submission, prepared, shared)
    with indexing.deferred() as records:
        owner = routing.fixed_owner(submission)
        organization = matching.match_organization(
            submission.text("company"), owner, create=submission.create_contact
        )
        match = matching.match_contact(
            submission, parsed_phone, organization, owner, rows=candidate_rows
        )
        contact = match.contact if match else None
        owner = owner or routing.route(submission, contact, request)
        if contact is not None and contact.owner_id is None and owner is not None:
            contact.owner = owner
            if not match.new:
                contact.save(update_fields=["owner", "updated_at"])
        if organization is not None and organization.owner_id is None and owner:
            # A company without an owner (new, or never given one) gets the
            # lead's routed owner, as its contact does.
            organization.owner = owner
            organization.save(update_fields=["owner", "updated_at"])
        if organization is not None:
            organization_id = organization.pk
        else:
            organization_id = contact.organization_id if contact else None
        lead = Lead(
            **prepared.lead_values,
            # Read now: a caller may add to the submission's data meanwhile.
            data=submission.data or dict(submission.fields),
            pipeline_id=_pipeline_id(submission.pipeline_id),
            organization_id=organization_id,
            contact=contact,
            owner=owner,
            followups_pending=coalesced,
        )
        # The new contact and phone, if any, and the lead: save()'s signals
        # and rows of the lead, without ClusterableModel.save()'s walk over its
        # (still empty) child relations; the e-mail is keyed already.
        # The check of the follow-up task rides along.
        check = followups.check_statement(locked) if coalesced else None
        if match is not None:
            ready = match.save_with(lead, also=check)
        else:
            ready = create_instance(lead, also=check)
        if submission.tags:
            _tag(lead, submission.tags)
    # One background task does the rest: index updates, webhooks, the e-mail.
    followups.queue_followups(lead, records.as_list(), locked=locked, ready=ready)
    return lead


def _tag(lead, names):
    """Tag a new lead: one query for the known tags, one INSERT for the links."""
    names = list(dict.fromkeys(str(name).strip()[:100] for name in names))
    names = [name for name in names if name]
    if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
        tags = [
            Tag.objects.get_or_create(name__iexact=name, defaults={"name": name})[0]
            for name in names
        ]
    else:
        known = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        tags = [
            known.get(name) or Tag.objects.get_or_create(name=name)[0] for name in names
        ]
    TaggedLead.objects.bulk_create(
        [TaggedLead(tag=tag, content_object=lead) for tag in dict.fromkeys(tags)]
    )


def _display_name(submission):
    name = submission.text("name")
    if name:
        return name
    first, last, middle = matching.split_name(submission)
    return " ".join(part for part in (first, middle, last) if part)


def _lead_values(submission, raw_phone, parsed_phone):
    last_touch = submission.attribution.get("last_touch") or {}
    values = {
        "name": _display_name(submission)[:255],
        "email": submission.email(),
        "phone": raw_phone[:100],
        "phone_e164": parsed_phone.e164 if parsed_phone else "",
        "company": submission.text("company")[:255],
        "message": submission.text("message"),
        "source_page_id": submission.source_page_id,
        "source_url": submission.source_url[:2000],
        "referrer": (last_touch.get("referrer") or "")[:2000],
        "attribution": submission.attribution,
        "consent": _truthy(submission.get("consent", False)),
        "consent_text": submission.consent_text,
    }
    for key in ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"):
        values[key] = (last_touch.get(key) or "")[:255]
    return values


def _pipeline_id(pk):
    """``pk`` if that pipeline still exists (a quarantined submission may be
    released after its pipeline was deleted), else None: the default."""
    if not pk:
        return None
    return pk if Pipeline.objects.filter(pk=pk).exists() else None


#: A consent answered in words (a radio or dropdown mapped to consent).
TRUE_ANSWERS = {"1", "true", "on", "yes", "y", "да", "po"}


def _truthy(value):
    if isinstance(value, str):
        return value.strip().lower() in TRUE_ANSWERS
    return bool(value)
