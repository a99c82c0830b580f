"""The deal form: a new deal starts in the default pipeline, in the site's currency.

Changing the stage here follows the board's rules (``wagtail_crm.pipeline``): a
won or lost stage closes the deal, a lost one needs a reason, reopening clears
``closed_at`` and the move is recorded in the deal's history.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..conf import crm_settings
from ..models import CRMSettings, Pipeline, Stage
from ..pipeline import apply_stage, log_stage_change
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

        self.previous_stage = self.instance.stage if self.instance.stage_id else None

    def clean(self):
        cleaned_data = super().clean()
        stage = cleaned_data.get("stage")
        reason = (cleaned_data.get("lost_reason") or "").strip()
        if stage is not None and stage.kind == Stage.Kind.LOST and not reason:
            self.add_error("lost_reason", gettext("Say why the deal was lost."))
        return cleaned_data

    @property
    def stage_changed(self):
        return self.previous_stage is None or (
            self.instance.stage_id != self.previous_stage.pk
        )

    @transaction.atomic
    def save(self, commit=True):
        deal = self.instance
        stage = deal.stage if deal.stage_id else None
        if stage is None:
            return super().save(commit=commit)
        reason = (deal.lost_reason or "").strip()
        moved = self.stage_changed
        if moved:
            apply_stage(deal, stage, reason=reason, when=timezone.now())
        else:
            # Still in its stage: keep the closing date, repair a missing one.
            deal.lost_reason = reason if stage.kind == Stage.Kind.LOST else ""
            if stage.kind == Stage.Kind.OPEN:
                deal.closed_at = None
            elif deal.closed_at is None:
                deal.closed_at = deal.stage_changed_at
        deal = super().save(commit=commit)
        if commit and moved and self.previous_stage is not None:
            log_stage_change(deal, self.previous_stage, self.for_user)
        return deal
