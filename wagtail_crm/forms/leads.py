"""Forms of the lead edit view and of the lead workflow steps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Lead, Pipeline
from ..phones import parse_phones
from .records import CRMRecordForm

#: Django's own "This field is required.", shown on the reason field: already
#: translated in every language (a new message waits for the translators).
LOST_REASON_REQUIRED = forms.Field.default_error_messages["required"]


class LeadForm(CRMRecordForm):
    """The typed phone is kept as typed; its E.164 form is what search matches.

    "Converted" is reached only through the Convert step, which links the cards.
    A lost lead needs its reason here too, as in the "Mark lost" step.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and self.instance.status != "converted":
            status.choices = [
                choice for choice in status.choices if choice[0] != "converted"
            ]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        result = parse_phones(phone)
        if result.errors:
            raise ValidationError([error.message for error in result.errors])
        self.instance.phone_e164 = result.phones[0].e164 if result.phones else ""
        return phone

    def clean(self):
        cleaned_data = super().clean()
        if (
            "lost_reason" in self.fields
            and cleaned_data.get("status") == Lead.Status.LOST
            and not cleaned_data.get("lost_reason", "").strip()
        ):
            self.add_error("lost_reason", LOST_REASON_REQUIRED)
        return cleaned_data


class LostForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Why the lead was lost: no budget, chose a competitor, spam…"),
    )


class ConvertForm(forms.Form):
    create_deal = forms.BooleanField(
        label=_("Create a deal"),
        required=False,
        initial=True,
        help_text=_("In the first stage of the pipeline chosen below."),
    )
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"),
        queryset=Pipeline.objects.order_by("-is_default", "name"),
        required=False,
        help_text=_(
            "Preset from the form the lead came from; empty: the default pipeline."
        ),
    )
    deal_title = forms.CharField(label=_("Deal title"), max_length=255, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, required=False
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("create_deal") and not cleaned_data.get("deal_title"):
            self.add_error("deal_title", _("Give the deal a title."))
        return cleaned_data
