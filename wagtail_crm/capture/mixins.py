"""Make a ``wagtail.contrib.forms`` form page a lead source.

::

    class ContactFormField(CRMFormFieldMixin, AbstractFormField):
        page = ParentalKey("ContactPage", on_delete=models.CASCADE,
                           related_name="form_fields")
        panels = AbstractFormField.panels + [FieldPanel("crm_field")]

    class ContactPage(LeadCaptureFormMixin, AbstractEmailForm):
        content_panels = AbstractEmailForm.content_panels + [...]
        settings_panels = (
            AbstractEmailForm.settings_panels + LeadCaptureFormMixin.crm_panels
        )

Each form field says which CRM field it fills (``crm_field``). The mapping
lives on the field's row, so renaming the label never breaks it; a field left
unmapped is guessed from its type and label (see :mod:`.field_guess`). Wagtail's own
``FormSubmission`` (and the e-mail of ``AbstractEmailForm``) work as before.
"""

import functools
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.forms.models import EmailFormMixin, FormMixin

from ..lean_insert import create_instance
from ..models import Lead
from . import spam
from .field_guess import crm_fields_of
from .forms import add_protection_fields, strip_protection_fields
from .panels import PageLeadsPanel
from .quarantine import quarantine
from .service import (
    PreparedSubmission,
    capture_submission,
    run_after_hooks,
    run_before_hooks,
)
from .submission import CRM_FIELD_CHOICES, LeadRejected, LeadSubmission
from .utm import attribution_for
from .writer_queue import writer_turn


class CRMFormFieldMixin(models.Model):
    """Adds ``crm_field`` to a form builder field: which CRM field it fills."""

    crm_field = models.CharField(
        _("CRM field"),
        max_length=20,
        choices=CRM_FIELD_CHOICES,
        blank=True,
        help_text=_(
            "Where the answer goes in the lead. Empty: guessed from the field "
            "type and label (“Email”, “Phone”, “Name”…), else kept as custom data."
        ),
    )

    class Meta:
        abstract = True


@functools.cache
def _runs_wagtails_own_submission(page_class, submission_class):
    """Does ``process_form_submission()`` below :class:`LeadCaptureFormMixin`
    do only what Wagtail's ``FormMixin`` (and ``EmailFormMixin``) do, with a
    submission class whose ``objects.create()`` only saves the row?"""
    mro = page_class.__mro__
    for klass in mro[mro.index(LeadCaptureFormMixin) + 1 :]:
        method = klass.__dict__.get("process_form_submission")
        if method is None or method is EmailFormMixin.process_form_submission:
            continue
        if method is not FormMixin.process_form_submission:
            return False
        break
    return (
        submission_class.save is models.Model.save
        and submission_class.save_base is models.Model.save_base
        and type(submission_class.objects) is models.Manager
    )


def parse_tags(text):
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


#: Values that come back from a JSON round trip as they went in.
_JSON_PLAIN = (str, bool, int, type(None))


def _json_safe(value):
    if type(value) in _JSON_PLAIN:
        return value
    if type(value) is list and all(type(item) is str for item in value):
        return list(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _capturing(method):
    """A page's own ``process_form_submission()`` (Wagtail's documented way to
    save a custom submission class), made to capture the lead whether or not
    it calls ``super()``: the post is screened (protection fields removed,
    spam checks, before-hooks) before it runs, and the lead is made after it
    unless the mixin's method made it."""

    @functools.wraps(method)
    def process_form_submission(self, form):
        if not self.crm_capture_enabled or getattr(self, "_crm_wrapped", False):
            return method(self, form)
        request = getattr(self, "_crm_request", None)
        self._crm_screened = self._crm_screen(form, request)
        self._crm_wrapped = True
        try:
            form_submission = method(self, form)
        finally:
            self._crm_wrapped = False
            screened = self.__dict__.pop("_crm_screened", None)
        if screened is not None:
            self._crm_capture_after(form_submission, *screened)
        return form_submission

    return process_form_submission


class LeadCaptureFormMixin(models.Model):
    """Every valid submission of this form page also creates a CRM lead."""

    crm_capture_enabled = models.BooleanField(
        _("create leads"),
        default=True,
        help_text=_("Turn off to keep only Wagtail's form submissions."),
    )
    crm_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Every lead from this form goes to this manager."),
    )
    crm_owner_group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("round-robin group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Without a fixed owner, leads go to this group's members in turn."),
    )
    crm_pipeline = models.ForeignKey(
        "wagtail_crm.Pipeline",
        verbose_name=_("pipeline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A deal made from a lead of this form starts in this pipeline. "
            "Empty: the default pipeline."
        ),
    )
    crm_tags = models.CharField(
        _("lead tags"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated tags added to every lead from this form."),
    )
    crm_consent_text = models.TextField(
        _("consent text"),
        blank=True,
        help_text=_(
            "The consent wording stored with each lead. Empty: the label of the "
            "field mapped to “Consent”."
        ),
    )

    #: The page's own CRM settings and its leads of the last 30 days.
    crm_panels = [
        PageLeadsPanel(),
        MultiFieldPanel(
            [
                FieldPanel("crm_capture_enabled"),
                FieldPanel("crm_owner"),
                FieldPanel("crm_owner_group"),
                FieldPanel("crm_pipeline"),
                FieldPanel("crm_tags"),
                FieldPanel("crm_consent_text"),
            ],
            heading=_("CRM leads"),
        ),
    ]

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        # A page's own process_form_submission() captures too (see _capturing).
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("process_form_submission")
        if own is not None:
            cls.process_form_submission = _capturing(own)

    def get_form_fields(self):
        # One query per request, however often the form is built and read.
        if getattr(self, "_crm_form_fields", None) is None:
            self._crm_form_fields = list(super().get_form_fields())
        return self._crm_form_fields

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        return add_protection_fields(form) if self.crm_capture_enabled else form

    def serve(self, request, *args, **kwargs):
        self._crm_request = request
        if request.method != "POST" or not self.crm_capture_enabled:
            return super().serve(request, *args, **kwargs)
        verdict = spam.check_request(request)
        if verdict.action == spam.DROP:
            return self.render_landing_page(request, None, *args, **kwargs)
        if verdict.action == spam.REFUSE:
            status = 429 if verdict.reason == "rate_limited" else 400
            return self.render_form_with_error(request, verdict.message, status)
        try:
            return super().serve(request, *args, **kwargs)
        except LeadRejected as rejection:
            return self.render_form_with_error(request, rejection.message, 400)

    def render_form_with_error(self, request, message, status=400):
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        form.is_valid()
        form.add_error(None, message)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(
            request, self.get_template(request), context, status=status
        )

    def process_form_submission(self, form):
        """Wagtail's ``FormSubmission`` and the lead in one transaction.

        One commit instead of two: a commit waits for the disk, and it is the
        largest part of what capture adds to a post. Wagtail's own e-mail of
        the submission (``AbstractEmailForm``) is sent once it has committed.
        Should capture fail, Wagtail's submission is still kept, as it was
        without capture, and the error goes on to the caller.
        """
        if not self.crm_capture_enabled:
            return super().process_form_submission(form)
        request = getattr(self, "_crm_request", None)
        screened = self.__dict__.pop("_crm_screened", None)
        submission, reason = screened or self._crm_screen(form, request)
        prepared = None if reason else PreparedSubmission(submission)
        lead = None
        try:
            with writer_turn(Lead), transaction.atomic():
                self._crm_mail_on_commit = True
                form_submission, lead = self._crm_write(
                    form, submission, prepared, reason, request
                )
                self._crm_mail_on_commit = False
        except Exception:
            self._crm_mail_on_commit = False
            super().process_form_submission(form)
            raise
        if lead is not None:
            self.crm_lead = lead
            run_after_hooks(lead, request)
        return form_submission

    def _crm_screen(self, form, request):
        """The submission's lead and why it is spam ("" if not); the
        before-hooks have run on it (they may raise LeadRejected)."""
        strip_protection_fields(form.cleaned_data)
        submission = self.build_lead_submission(form, request)
        reason = spam.content_spam_reason(
            submission.fields, request=request, data=submission.data
        )
        if not reason:
            run_before_hooks(submission, request)
        return submission, reason

    def _crm_capture_after(self, form_submission, submission, reason):
        """The lead of a post whose page's own ``process_form_submission()``
        saved the submission without calling this mixin's."""
        if getattr(form_submission, "pk", None) is not None:
            submission.data["form_submission_id"] = form_submission.pk
        if reason:
            quarantine(submission, reason)
            return
        self.crm_lead = capture_submission(
            submission, request=getattr(self, "_crm_request", None), before_hooks=False
        )

    def _crm_write(self, form, submission, prepared, reason, request):
        """Wagtail's submission and the lead (or the quarantined submission);
        returns both (the lead None when quarantined)."""
        if prepared is not None and self._crm_runs_wagtails_own_submission():
            # Wagtail's row is written with the lead's first statements.
            prepared.form_submission = self._crm_new_form_submission(form)
        else:
            form_submission = self._crm_save_form_submission(form)
            submission.data["form_submission_id"] = form_submission.pk
            if reason:
                quarantine(submission, reason)
                return form_submission, None
        lead = capture_submission(
            submission,
            request=request,
            before_hooks=False,
            after_hooks=False,
            prepared=prepared,
        )
        if prepared.form_submission is not None:
            form_submission = prepared.form_submission
            self._crm_send_wagtail_mail(form)
        return form_submission, lead

    def _crm_runs_wagtails_own_submission(self):
        return _runs_wagtails_own_submission(type(self), self.get_submission_class())

    def _crm_new_form_submission(self, form):
        """The ``FormSubmission`` Wagtail's ``process_form_submission()``
        creates, not saved yet."""
        return self.get_submission_class()(form_data=form.cleaned_data, page=self)

    def _crm_send_wagtail_mail(self, form):
        """What ``AbstractEmailForm.process_form_submission()`` adds."""
        if isinstance(self, EmailFormMixin) and self.to_address:
            self.send_mail(form)

    def _crm_save_form_submission(self, form):
        """Wagtail's ``process_form_submission()``: its ``FormSubmission``
        (and ``AbstractEmailForm``'s e-mail). Where the page runs Wagtail's own
        code for it, the same row is written, with its save signals, by the
        lean INSERT the lead gets (:mod:`wagtail_crm.lean_insert`), as it is
        when it goes with the lead's statements: the ORM's ``create()``
        compiles its INSERT afresh on every post."""
        if not self._crm_runs_wagtails_own_submission():
            return super().process_form_submission(form)
        form_submission = self._crm_new_form_submission(form)
        create_instance(form_submission)
        self._crm_send_wagtail_mail(form)
        return form_submission

    def send_mail(self, form):
        """``AbstractEmailForm``'s e-mail, sent after the transaction commits
        while :meth:`process_form_submission` holds one open."""
        send = super().send_mail
        if getattr(self, "_crm_mail_on_commit", False):
            transaction.on_commit(lambda: send(form), robust=True)
        else:
            send(form)

    def build_lead_submission(self, form, request):
        fields, data, consent_label = {}, {}, ""
        form_fields = self.get_form_fields()
        for field, crm_field in zip(
            form_fields, crm_fields_of(form_fields), strict=True
        ):
            value = _json_safe(form.cleaned_data.get(field.clean_name))
            data[field.label] = value
            if crm_field == "consent":
                consent_label = field.label
                # Checkboxes: any option ticked is the consent.
                fields[crm_field] = bool(value) if isinstance(value, list) else value
            elif crm_field:
                fields[crm_field] = (
                    ", ".join(value) if isinstance(value, list) else value
                )
        return LeadSubmission(
            fields=fields,
            data=data,
            source_page_id=self.pk,
            source_url=request.build_absolute_uri() if request else self.full_url or "",
            attribution=attribution_for(request) if request else {},
            owner_id=self.crm_owner_id,
            owner_group_id=self.crm_owner_group_id,
            pipeline_id=self.crm_pipeline_id,
            tags=parse_tags(self.crm_tags),
            consent_text=self.crm_consent_text or consent_label,
        )
