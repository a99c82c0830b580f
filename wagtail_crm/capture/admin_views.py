"""Admin screens of form capture: the quarantine and its "release into leads"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from ..models import QuarantinedSubmission
from ..permissions import written_by_the_crm_policy
from .quarantine import release

RELEASE_PERMISSION = "wagtail_crm.add_lead"


def can_release(user):
    return user.has_perm(RELEASE_PERMISSION) and user.has_perm(
        "wagtail_crm.change_quarantinedsubmission"
    )


class QuarantineIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.released_lead_id and can_release(self.request.user):
            buttons.insert(
                0,
                MenuItem(
                    _("Release into leads"),
                    url=reverse("wagtail_crm_quarantine_release", args=[instance.pk]),
                    icon_name="upload",
                    priority=5,
                ),
            )
        return buttons


class ReleaseView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/capture/release_confirm.html"
    page_title = _("Release into leads")
    header_icon = "warning"

    def dispatch(self, request, pk):
        if not can_release(request.user):
            raise PermissionDenied
        self.item = get_object_or_404(QuarantinedSubmission, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.item)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def post(self, request, pk):
        lead = release(
            self.item,
            request,
            on_release=lambda lead: log(
                lead, "wagtail_crm.quarantine_released", user=request.user
            ),
        )
        messages.success(
            request,
            _("“%(item)s” was released and is now a lead.") % {"item": self.item},
        )
        return redirect("wagtailsnippets_wagtail_crm_lead:edit", lead.pk)


class QuarantineViewSet(SnippetViewSet):
    model = QuarantinedSubmission
    # Submissions arrive from the site's forms, never typed in by hand.
    permission_policy = written_by_the_crm_policy(QuarantinedSubmission, {"add"})
    icon = "warning"
    menu_label = _("Quarantine")
    index_view_class = QuarantineIndexView
    list_display = ["__str__", "email", "reason_display", "source_page", "created_at"]
    list_filter = ["reason"]
    search_fields = ["name", "email", "reason"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "email",
        "reason",
        "source_page",
        "payload",
        "created_at",
        "released_lead",
        "released_at",
    ]
