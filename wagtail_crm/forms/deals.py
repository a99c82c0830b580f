"""The deal form: a new deal starts in the default pipeline, in the site's currency."""

from ..conf import crm_settings
from ..models import CRMSettings, Pipeline
from .records import CRMRecordForm


def default_currency(request=None):
    """The site settings' default currency, else ``WAGTAILCRM_DEFAULT_CURRENCY``."""
    if request is not None:
        currency = CRMSettings.for_request(request).default_currency
        if currency:
            return currency
    return crm_settings.DEFAULT_CURRENCY


def first_stage():
    pipeline = Pipeline.get_default()
    if pipeline is None:
        return None
    return pipeline.stages.order_by("sort_order").first()


class DealForm(CRMRecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            stage = first_stage()
            # model_to_dict() puts the instance's empty values in ``initial``.
            fields, initial = self.fields, self.initial
            if stage is not None and "stage" in fields and not initial.get("stage"):
                self.initial["stage"] = stage.pk
            if "currency" in fields and not initial.get("currency"):
                self.initial["currency"] = crm_settings.DEFAULT_CURRENCY
