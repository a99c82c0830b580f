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
