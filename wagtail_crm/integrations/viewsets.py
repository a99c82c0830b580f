"""Admin screens of outbound webhooks and their delivery log."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from ..models import Webhook, WebhookDelivery
from ..permissions import written_by_the_crm_policy
from ..views.own_records import PermissionChooserViewSet
from .webhooks import redeliver


class WebhookViewSet(SnippetViewSet):
    model = Webhook
    chooser_viewset_class = PermissionChooserViewSet
    icon = "link-external"
    menu_label = _("Webhooks")
    list_display = ["name", "url", "events", "is_active"]
    search_fields = ["name", "url"]
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel(
            "events",
            widget=forms.CheckboxSelectMultiple(choices=Webhook.Event.choices),
        ),
        FieldPanel("secret"),
        FieldPanel("is_active"),
    ]


class DeliveryIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == WebhookDelivery.Status.FAILED and can_retry(
            self.request.user
        ):
            buttons.insert(
                0,
                MenuItem(
                    _("Retry now"),
                    url=reverse("wagtail_crm_webhook_retry", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                ),
            )
        return buttons


def can_retry(user):
    return user.has_perm("wagtail_crm.change_webhookdelivery")


class RetryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/confirm_action.html"
    page_title = _("Retry delivery")
    header_icon = "resubmit"

    def dispatch(self, request, pk):
        if not can_retry(request.user):
            raise PermissionDenied
        self.delivery = get_object_or_404(WebhookDelivery, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.delivery)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=_("Send this event to the webhook again?"),
            confirm_label=_("Yes, send again"),
            cancel_url=reverse(LIST_URL),
            **kwargs,
        )

    def post(self, request, pk):
        redeliver(self.delivery)
        messages.success(request, _("The delivery was queued again."))
        return redirect(LIST_URL)


LIST_URL = "wagtailsnippets_wagtail_crm_webhookdelivery:list"


class WebhookDeliveryViewSet(SnippetViewSet):
    model = WebhookDelivery
    chooser_viewset_class = PermissionChooserViewSet
    # A log of what was sent: read, retried or deleted, never added or edited.
    permission_policy = written_by_the_crm_policy(WebhookDelivery, {"add", "change"})
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    index_view_class = DeliveryIndexView
    list_display = ["__str__", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event", "webhook"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "webhook",
        "event",
        "status",
        "attempts",
        "response_status",
        "response_body",
        "error",
        "payload",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    ]


def admin_urls():
    return [
        path(
            "crm/webhooks/retry/<int:pk>/",
            RetryView.as_view(),
            name="wagtail_crm_webhook_retry",
        )
    ]
