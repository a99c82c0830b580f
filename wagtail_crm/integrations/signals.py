"""Turn lead status and deal stage changes into webhook events.

Connected in ``AppConfig.ready()``. The previous value is read in ``pre_save``
(one query by primary key) and compared in ``post_save``.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from ..models import Deal, Lead
from . import webhooks


@receiver(pre_save, sender=Lead, dispatch_uid="wagtailcrm_lead_old_status")
def remember_lead_status(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance._wagtailcrm_old_status = old


@receiver(post_save, sender=Lead, dispatch_uid="wagtailcrm_lead_status_changed")
def lead_status_changed(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_wagtailcrm_old_status", None)
    if raw or created or old is None or old == instance.status:
        return
    instance._wagtailcrm_old_status = instance.status
    webhooks.emit_lead_status_changed(instance, old)


@receiver(pre_save, sender=Deal, dispatch_uid="wagtailcrm_deal_old_stage")
def remember_deal_stage(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("stage_id", flat=True)
    instance._wagtailcrm_old_stage = old.first()


@receiver(post_save, sender=Deal, dispatch_uid="wagtailcrm_deal_stage_changed")
def deal_stage_changed(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_wagtailcrm_old_stage", None)
    if raw or created or old is None or old == instance.stage_id:
        return
    instance._wagtailcrm_old_stage = instance.stage_id
    webhooks.emit_deal_stage_changed(instance, old)
