"""The lead workflow screens: take in progress, qualify, mark lost, convert.

Each step is a small confirmation form reached from the lead's edit view; the
work itself happens in ``wagtail_crm.conversion``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton

from .. import conversion
from ..forms.deals import default_currency
from ..forms.leads import ConvertForm, LostForm
from ..models import Lead
from . import own_records


class LeadStepView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtail_crm/leads/step.html"
    header_icon = "mail"
    form_class = forms.Form
    step = None
    viewset = None
    submit_label = ""
    help_text = ""

    def dispatch(self, request, pk):
        if not request.user.has_perm("wagtail_crm.change_lead"):
            raise PermissionDenied
        self.lead = get_object_or_404(Lead, pk=pk)
        if not own_records.is_visible(self.lead, request.user):
            raise Http404
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.lead)

    @cached_property
    def edit_url(self):
        return reverse(self.viewset.get_url_name("edit"), args=[self.lead.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.viewset.get_url_name("list")), "label": _("Leads")},
            {"url": self.edit_url, "label": str(self.lead)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lead=self.lead,
            edit_url=self.edit_url,
            submit_label=self.submit_label,
            help_text=self.help_text,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except conversion.WorkflowError as error:
            messages.error(self.request, str(error))
            return redirect(self.edit_url)
        messages.success(self.request, message)
        return redirect(self.edit_url)


class TakeView(LeadStepView):
    page_title = _("Take in progress")
    submit_label = _("Take in progress")
    help_text = _("You become the lead's owner if it has none.")

    def perform(self, data):
        conversion.take_in_progress(self.lead, self.request.user)
        return _("The lead is in progress.")


class QualifyView(LeadStepView):
    page_title = _("Qualify")
    submit_label = _("Mark as qualified")
    help_text = _("A qualified lead is a real prospect, ready to convert.")

    def perform(self, data):
        conversion.qualify(self.lead, self.request.user)
        return _("The lead is qualified.")


class LostView(LeadStepView):
    page_title = _("Mark lost")
    submit_label = _("Mark as lost")
    form_class = LostForm

    def perform(self, data):
        conversion.mark_lost(self.lead, self.request.user, data["reason"])
        return _("The lead is marked lost.")


class ConvertView(LeadStepView):
    page_title = _("Convert")
    submit_label = _("Convert")
    template_name = "wagtail_crm/leads/convert.html"
    form_class = ConvertForm

    def dispatch(self, request, pk):
        for codename in ("add_contact", "add_organization"):
            if not request.user.has_perm(f"wagtail_crm.{codename}"):
                raise PermissionDenied
        return super().dispatch(request, pk)

    def get_initial(self):
        return {
            "deal_title": self.lead.company or str(self.lead),
            "pipeline": conversion.deal_pipeline(self.lead),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            existing_contact=self.lead.contact or conversion.find_contact(self.lead),
            existing_organization=self.lead.organization
            or (conversion.find_organization(self.lead) if self.lead.company else None),
            **kwargs,
        )

    def perform(self, data):
        if data["create_deal"] and not self.request.user.has_perm(
            "wagtail_crm.add_deal"
        ):
            raise PermissionDenied
        result = conversion.convert_lead(
            self.lead,
            self.request.user,
            create_deal=data["create_deal"],
            deal_title=data["deal_title"],
            amount=data["amount"],
            currency=default_currency(self.request),
            pipeline=data["pipeline"],
        )
        return _("The lead is converted: %(contact)s.") % {"contact": result.contact}


STEPS = (
    ("take", TakeView, _("Take in progress"), "user", (Lead.Status.NEW,)),
    ("qualify", QualifyView, _("Qualify"), "tick", conversion.OPEN_STATUSES[:2]),
    ("lost", LostView, _("Mark lost"), "cross", conversion.OPEN_STATUSES),
    ("convert", ConvertView, _("Convert"), "resubmit", conversion.OPEN_STATUSES),
)


class LeadEditView(own_records.EditView):
    """The lead edit view, with the workflow steps that apply as header buttons."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if not self.request.user.has_perm("wagtail_crm.change_lead"):
            return buttons
        for name, _view, label, icon, statuses in STEPS:
            if self.object.status in statuses:
                url = reverse(
                    self.model.snippet_viewset.get_url_name(name), args=[self.object.pk]
                )
                buttons.append(HeaderButton(label, url=url, icon_name=icon))
        return buttons


class LeadWorkflowViewSetMixin:
    edit_view_class = LeadEditView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                f"{name}/<int:pk>/",
                view_class.as_view(viewset=self),
                name=name,
            )
            for name, view_class, _label, _icon, _statuses in STEPS
        ]
