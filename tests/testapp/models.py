"""Page types that only the tests need."""

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_crm.capture.blocks import LeadFormBlock


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False)
    form = LeadFormBlock()

    class Meta:
        template = "testapp/section_block.html"


class NestedFormPage(Page):
    """Lead-form blocks inside a StructBlock, a ListBlock and a StreamBlock."""

    body = StreamField(
        [
            ("section", SectionBlock()),
            ("forms", blocks.ListBlock(LeadFormBlock())),
            (
                "columns",
                blocks.StreamBlock([("lead_form", LeadFormBlock())]),
            ),
        ],
        blank=True,
    )


# Form pages a site builds itself, as docs/form-capture.md shows them.
from django.conf import settings  # noqa: E402
from django.db import models  # noqa: E402
from modelcluster.fields import ParentalKey  # noqa: E402
from wagtail.admin.panels import FieldPanel, InlinePanel  # noqa: E402
from wagtail.contrib.forms.models import (  # noqa: E402
    AbstractEmailForm,
    AbstractForm,
    AbstractFormField,
    AbstractFormSubmission,
)

from wagtail_crm.capture.mixins import (  # noqa: E402
    CRMFormFieldMixin,
    LeadCaptureFormMixin,
)


class DocsFormField(CRMFormFieldMixin, AbstractFormField):
    page = ParentalKey(
        "DocsFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )
    panels = AbstractFormField.panels + [FieldPanel("crm_field")]


class DocsFormPage(LeadCaptureFormMixin, AbstractEmailForm):
    """The docs' example, as written."""

    template = "testapp/form_page.html"
    landing_page_template = "testapp/form_page_landing.html"
    content_panels = AbstractEmailForm.content_panels + [InlinePanel("form_fields")]
    settings_panels = (
        AbstractEmailForm.settings_panels + LeadCaptureFormMixin.crm_panels
    )


class PlainFormField(CRMFormFieldMixin, AbstractFormField):
    page = ParentalKey(
        "PlainFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class PlainFormPage(LeadCaptureFormMixin, AbstractForm):
    """An ``AbstractForm`` (no e-mail)."""

    template = "testapp/form_page.html"
    landing_page_template = "testapp/form_page_landing.html"
    content_panels = AbstractForm.content_panels + [InlinePanel("form_fields")]


class UserFormSubmission(AbstractFormSubmission):
    """Wagtail's documented custom submission class, with the user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )


class CustomSubmissionFormField(CRMFormFieldMixin, AbstractFormField):
    page = ParentalKey(
        "CustomSubmissionFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class CustomSubmissionFormPage(LeadCaptureFormMixin, AbstractEmailForm):
    """As in Wagtail's docs: its own submission class and its own
    ``process_form_submission()``."""

    template = "testapp/form_page.html"
    landing_page_template = "testapp/form_page_landing.html"
    content_panels = AbstractEmailForm.content_panels + [InlinePanel("form_fields")]

    def get_submission_class(self):
        return UserFormSubmission

    def process_form_submission(self, form):
        return self.get_submission_class().objects.create(
            form_data=form.cleaned_data,
            page=self,
            user=form.user if form.user.is_authenticated else None,
        )


class SuperCallingFormPage(CustomSubmissionFormPage):
    """A site's page below the docs' one, whose own method calls ``super()``."""

    class Meta:
        proxy = True

    def process_form_submission(self, form):
        return super().process_form_submission(form)
