"""Form pieces: the hidden anti-spam fields, and the lead-form block's form."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import spam


class HoneypotInput(forms.TextInput):
    """A text input that people never see (moved off-screen, skipped by Tab)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "tabindex": "-1", "autocomplete": "off"}
        field = super().render(name, "", attrs, renderer)
        return format_html(
            '<span style="position:absolute;left:-10000px;top:auto;" '
            'aria-hidden="true">{}</span>',
            field,
        )


class CaptchaWidget(forms.Widget):
    def render(self, name, value, attrs=None, renderer=None):
        captcha = spam.get_captcha()
        return mark_safe(captcha.render()) if captcha else ""  # noqa: S308


class ShownAtField(forms.CharField):
    """The signed "shown at" time: signed afresh whenever the form shows it.

    A form shown again (an error, a refused post) restarts the fill time, as a
    new form would; a posted form that is never shown again (the usual valid
    post) signs nothing. The posted value is read by ``spam.check_request()``
    from the request, not from the form.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return spam.sign_timestamp()


PROTECTION_FIELDS = (spam.HONEYPOT_FIELD, spam.TIMESTAMP_FIELD, "crm_captcha")


def add_protection_fields(form):
    """Add the honeypot, the signed "shown at" time and the captcha to ``form``."""
    form.fields[spam.HONEYPOT_FIELD] = forms.CharField(
        required=False, label="", widget=HoneypotInput
    )
    form.fields[spam.TIMESTAMP_FIELD] = ShownAtField()
    if spam.get_captcha() is not None:
        form.fields["crm_captcha"] = forms.CharField(
            required=False, label="", widget=CaptchaWidget
        )
    return form


def strip_protection_fields(cleaned_data):
    for name in PROTECTION_FIELDS:
        cleaned_data.pop(name, None)
    return cleaned_data


BLOCK_FIELD_CHOICES = [
    ("name", _("Name")),
    ("email", _("E-mail")),
    ("phone", _("Phone")),
    ("company", _("Company")),
    ("message", _("Message")),
]


class LeadBlockForm(forms.Form):
    """The visitor's form of a lead-form block; shows the block's chosen fields."""

    name = forms.CharField(label=_("Your name"), max_length=255)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=100, required=False)
    company = forms.CharField(label=_("Company"), max_length=255, required=False)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, required=False)
    consent = forms.BooleanField(label=_("I agree"), required=False)
    page_id = forms.IntegerField(widget=forms.HiddenInput)
    # The path of the block in the page's StreamField, as deep as it is nested.
    block_id = forms.CharField(widget=forms.HiddenInput, max_length=1000)

    def __init__(self, *args, shown=(), consent_text="", **kwargs):
        super().__init__(*args, **kwargs)
        shown = set(shown or ("name", "email", "phone", "message"))
        for key, _label in BLOCK_FIELD_CHOICES:
            if key not in shown:
                del self.fields[key]
        if consent_text:
            self.fields["consent"].label = consent_text
            self.fields["consent"].required = True
        else:
            del self.fields["consent"]
        add_protection_fields(self)

    def clean(self):
        cleaned = super().clean()
        can_reach = {"email", "phone"} & set(self.fields)
        if can_reach and not any(cleaned.get(key) for key in can_reach):
            raise forms.ValidationError(
                _("Please leave an e-mail address or a phone number.")
            )
        return cleaned

    def crm_fields(self):
        return {
            key: self.cleaned_data[key]
            for key in ("name", "email", "phone", "company", "message", "consent")
            if key in self.fields
        }
