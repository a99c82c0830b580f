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
        block_id = _block_id_of(page, value) or parent_context.get("id", "")
        request = parent_context.get("request")
        bound = getattr(request, "wagtailcrm_bound_forms", {}).get(block_id)
        context["form"] = bound or self.build_form(
            value, page_id=getattr(page, "pk", None), block_id=block_id
        )
        context["block_id"] = block_id
        return context


def thank_you_text(value):
    return value.get("thank_you") or _("Thank you! We will contact you shortly.")


def _lead_forms(page):
    """``(id, block, value)`` of every lead-form block in ``page``'s
    StreamFields, however deeply it is nested."""
    from wagtail.fields import StreamField

    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            value = getattr(page, field.name)
            yield from _lead_forms_in(field.stream_block, value, "")


def _lead_forms_in(block, value, block_id):
    """Walk one block's value. Stream and list items have their own ids; a
    StructBlock's child takes the struct's id and its name."""
    if isinstance(block, LeadFormBlock):
        yield block_id, block, value
    elif isinstance(block, blocks.StreamBlock):
        for child in value or []:
            yield from _lead_forms_in(child.block, child.value, child.id)
    elif isinstance(block, blocks.ListBlock):
        for child in getattr(value, "bound_blocks", []):
            yield from _lead_forms_in(child.block, child.value, child.id)
    elif isinstance(block, blocks.StructBlock) and value is not None:
        for name, child_block in block.child_blocks.items():
            child_id = f"{block_id}-{name}"
            yield from _lead_forms_in(child_block, value.get(name), child_id)


def find_lead_form(page, block_id):
    """The lead-form block ``block_id`` in ``page``'s StreamFields, and its value."""
    for child_id, block, value in _lead_forms(page):
        if child_id == block_id:
            return block, value
    return None, None


def _block_id_of(page, value):
    """The id of the lead-form block holding ``value`` in ``page``.

    The template context's ``id`` (Wagtail 8) is that of the outermost stream
    item (a nested one does not replace it); on Wagtail 7.4 there is none.
    """
    if page is None:
        return ""
    for child_id, _block, child_value in _lead_forms(page):
        if child_value is value:
            return child_id
    return ""
