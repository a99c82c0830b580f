"""Moving a deal through the stages of its pipeline: one path for every caller.

``move_deal()`` is used by the board's drag and drop, its no-JS form and the
demo data; it keeps ``stage_changed_at`` / ``closed_at`` / ``lost_reason``
consistent and records the change in Wagtail's audit log (the deal's history).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from .models import Deal, Stage

STAGE_CHANGE_ACTION = "wagtail_crm.deal.stage_change"


class StageChangeError(ValueError):
    pass


def check_move(deal: Deal, stage: Stage, reason="") -> str:
    """Raise ``StageChangeError`` when ``deal`` may not go to ``stage``.

    Returns the stripped reason. Shared by the board, the edit form and the
    "Change stage" bulk action, so every way of moving a deal has one set of rules.
    """
    if deal.stage_id and stage.pipeline_id != deal.stage.pipeline_id:
        raise StageChangeError(gettext("The stage belongs to another pipeline."))
    reason = (reason or "").strip()
    if stage.kind == Stage.Kind.LOST and not reason:
        raise StageChangeError(gettext("Say why the deal was lost."))
    return reason


def apply_stage(deal: Deal, stage: Stage, *, reason="", when=None):
    """Set the stage and the fields that follow it, without saving the deal."""
    deal.stage = stage
    deal.stage_changed_at = when or timezone.now()
    deal.closed_at = None if stage.kind == Stage.Kind.OPEN else deal.stage_changed_at
    deal.lost_reason = reason if stage.kind == Stage.Kind.LOST else ""


def log_stage_change(deal: Deal, previous: Stage, user=None, when=None):
    """Record the move in the deal's history (Wagtail's audit log)."""
    stage = deal.stage
    log(
        instance=deal,
        action=STAGE_CHANGE_ACTION,
        user=user,
        data={
            "from": {"id": previous.pk, "name": previous.name},
            "to": {"id": stage.pk, "name": stage.name, "kind": stage.kind},
            "reason": deal.lost_reason,
        },
        timestamp=when or deal.stage_changed_at,
    )


@transaction.atomic
def move_deal(deal: Deal, stage: Stage, user=None, *, reason="", when=None) -> bool:
    """Put ``deal`` into ``stage``; return False when it is there already."""
    reason = check_move(deal, stage, reason)
    if stage.pk == deal.stage_id and reason == deal.lost_reason:
        return False
    previous = deal.stage
    when = when or timezone.now()
    apply_stage(deal, stage, reason=reason, when=when)
    deal.save(
        update_fields=[
            "stage",
            "stage_changed_at",
            "closed_at",
            "lost_reason",
            "updated_at",
        ]
    )
    log_stage_change(deal, previous, user, when)
    return True


class StageChangeFormatter(LogFormatter):
    label = _("Change deal stage")

    def format_message(self, log_entry):
        data = log_entry.data
        try:
            names = {"from": data["from"]["name"], "to": data["to"]["name"]}
        except (KeyError, TypeError):
            return gettext("Stage changed")
        if data.get("reason"):
            return gettext("Stage changed from %(from)s to %(to)s: %(reason)s") % (
                names | {"reason": data["reason"]}
            )
        return gettext("Stage changed from %(from)s to %(to)s") % names


def register_log_actions(actions):
    actions.register_action(STAGE_CHANGE_ACTION)(StageChangeFormatter)
