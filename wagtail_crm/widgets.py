"""Admin widgets.

Wagtail's ``AdminSnippetChooser`` formats its button texts once, when the
widget is built — at start-up for the widgets Wagtail registers for snippet
foreign keys — so they stay in the language of that moment. Our forms and
filters format them again for the language of the request.
"""

from django.utils.translation import gettext
from wagtail.snippets.widgets import AdminSnippetChooser

CHOOSER_TEXTS = {
    "choose_one_text": "Choose %(object)s",
    "choose_another_text": "Choose another %(object)s",
    "link_to_chosen_text": "Edit this %(object)s",
}


def translate_chooser(widget):
    """Format ``widget``'s texts in the active language (a per-form copy)."""
    name = widget.model._meta.verbose_name
    for attribute, message in CHOOSER_TEXTS.items():
        setattr(widget, attribute, gettext(message) % {"object": name})


def translate_choosers(form):
    for field in form.fields.values():
        if isinstance(field.widget, AdminSnippetChooser):
            translate_chooser(field.widget)


class SnippetChooser(AdminSnippetChooser):
    """An ``AdminSnippetChooser`` whose texts follow the request's language.

    With a ``queryset`` it shows only a record of that queryset: an id typed
    into a URL or posted in a form for another record renders as an empty
    chooser, never with that record's title.
    """

    def __init__(self, model=None, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(model, **kwargs)

    def get_instance(self, value):
        instance = super().get_instance(value)
        if (
            instance is not None
            and self.queryset is not None
            and not self.queryset.filter(pk=instance.pk).exists()
        ):
            return None
        return instance

    def get_context(self, name, value, attrs):
        translate_chooser(self)
        return super().get_context(name, value, attrs)


def limit_chooser(field, queryset):
    """Make the snippet chooser of form ``field`` show only ``queryset``'s records."""
    widget = field.widget
    if isinstance(widget, AdminSnippetChooser):
        chooser = SnippetChooser(widget.model, queryset=queryset)
        chooser.attrs = widget.attrs
        chooser.is_required = widget.is_required
        field.widget = chooser
