"""The lead-form block: an editor drops a lead form on any page.

Add it to a StreamField::

    body = StreamField([..., ("lead_form", LeadFormBlock())])

and render the body with ``{% include_block %}`` as usual. The form posts to
``wagtail_crm:lead_form`` (include ``wagtail_crm.urls``) and works without
JavaScript; with it (``wagtail_crm/lead-form.js``) the thank-you appears in
place.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .forms import BLOCK_FIELD_CHOICES, LeadBlockForm

DEFAULT_FIELDS = ["name", "email", "phone", "message"]


class LeadFormBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False)
    fields = blocks.MultipleChoiceBlock(
        label=_("Fields to show"),
        choices=BLOCK_FIELD_CHOICES,
        default=DEFAULT_FIELDS,
        required=False,
    )
    consent_text = blocks.TextBlock(
        label=_("Consent text"),
        required=False,
        help_text=_(
            "Shown beside a checkbox the visitor must tick; kept with the lead."
        ),
    )
    button_label = blocks.CharBlock(label=_("Button label"), required=False)
    thank_you = blocks.TextBlock(
        label=_("Thank-you message"),
        required=False,
        help_text=_("Shown after the form is sent."),
    )
    tags = blocks.CharBlock(
        label=_("Lead tags"),
        required=False,
        help_text=_("Comma-separated tags added to every lead from this form."),
    )
    pipeline = SnippetChooserBlock(
        "wagtail_crm.Pipeline",
        label=_("Pipeline"),
        required=False,
        help_text=_(
            "A deal made from a lead of this form starts in this pipeline. "
            "Empty: the default pipeline."
        ),
    )

    class Meta:
        icon = "mail"
        label = _("Lead form")
        template = "wagtail_crm/capture/lead_form_block.html"

    def build_form(self, value, data=None, *, page_id=None, block_id=""):
        return LeadBlockForm(
            data,
            shown=value.get("fields") or DEFAULT_FIELDS,
            consent_text=value.get("consent_text", ""),
            initial={"page_id": page_id, "block_id": block_id},
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        page = parent_context.get("page")
        block_id = parent_context.get("id") or _block_id_of(page, value)
        request = parent_context.get("request")
        bound = getattr(request, "wagtailcrm_bound_forms", {}).get(block_id)
        context["form"] = bound or self.build_form(
            value, page_id=getattr(page, "pk", None), block_id=block_id
        )
        context["block_id"] = block_id
        return context


def thank_you_text(value):
    return value.get("thank_you") or _("Thank you! We will contact you shortly.")


def _lead_form_children(page):
    from wagtail.fields import StreamField

    for field in page._meta.get_fields():
        if not isinstance(field, StreamField):
            continue
        for child in getattr(page, field.name) or []:
            if isinstance(child.block, LeadFormBlock):
                yield child


def find_lead_form(page, block_id):
    """The value of the lead-form block ``block_id`` in ``page``'s StreamFields."""
    for child in _lead_form_children(page):
        if child.id == block_id:
            return child.block, child.value
    return None, None


def _block_id_of(page, value):
    """The stream id of the block holding ``value``.

    Wagtail 8 passes it to the template context as ``id``; on Wagtail 7.4 the
    block finds itself among the page's blocks.
    """
    if page is None:
        return ""
    for child in _lead_form_children(page):
        if child.value is value:
            return child.id
    return ""
