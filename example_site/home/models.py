from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from wagtail_crm.capture.blocks import LeadFormBlock
from wagtail_crm.capture.mixins import CRMFormFieldMixin, LeadCaptureFormMixin
from wagtail_crm.capture.panels import PageLeadsPanel


class HomePage(Page):
    intro = RichTextField(blank=True)
    body = StreamField(
        [("heading", blocks.CharBlock()), ("paragraph", blocks.RichTextBlock())],
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]


class ContentPage(Page):
    """A general page; editors drop the lead-form block on it."""

    intro = RichTextField(blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock()),
            ("paragraph", blocks.RichTextBlock()),
            ("lead_form", LeadFormBlock()),
        ],
        blank=True,
    )

    content_panels = Page.content_panels + [
        PageLeadsPanel(),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]


class ContactFormField(CRMFormFieldMixin, AbstractFormField):
    page = ParentalKey(
        "ContactPage", on_delete=models.CASCADE, related_name="form_fields"
    )

    panels = AbstractFormField.panels + [FieldPanel("crm_field")]


class ContactPage(LeadCaptureFormMixin, AbstractEmailForm):
    """The site's contact form, built with Wagtail's form builder; every
    submission also becomes a CRM lead."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            "Email",
        ),
    ]
    settings_panels = (
        AbstractEmailForm.settings_panels + LeadCaptureFormMixin.crm_panels
    )
