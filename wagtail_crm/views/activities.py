"""Log a call, meeting, e-mail or note on a lead, contact, organization or deal.

Reached in one click from the listings (row buttons registered with
``register_snippet_listing_buttons``) and from edit views: the URL carries the
kind and the record, e.g. ``?kind=call&contact=12&next=/admin/...``.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import Button
from wagtail.admin.widgets.datetime import AdminDateTimeInput
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Activity, Contact, Deal, Lead, Organization
from ..permissions import visible_to

activity_policy = ModelPermissionPolicy(Activity)

#: query parameter -> model of the record an activity is logged on
SUBJECTS = {
    "lead": Lead,
    "contact": Contact,
    "organization": Organization,
    "deal": Deal,
}

BUTTON_LABELS = {
    Activity.Kind.CALL: (_("Log call"), "mobile-alt"),
    Activity.Kind.MEETING: (_("Log meeting"), "group"),
    Activity.Kind.EMAIL: (_("Log e-mail"), "mail"),
    Activity.Kind.NOTE: (_("Add note"), "edit"),
}


class ActivityForm(forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=0, required=False
    )

    class Meta:
        model = Activity
        fields = ["kind", "direction", "subject", "body", "occurred_at"]
        widgets = {"occurred_at": AdminDateTimeInput}

    def save(self, commit=True):
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is not None:
            self.instance.duration = timedelta(minutes=minutes)
        return super().save(commit)


def log_activity_url(kind, record, next_url=None):
    """The URL of the "log activity" view for ``record`` (lead/contact/org/deal)."""
    key = type(record)._meta.model_name
    query = {"kind": kind, key: record.pk}
    if next_url:
        query["next"] = next_url
    return reverse("crm-log-activity:add") + "?" + urlencode(query)


def _links_of(record):
    """Every record the activity belongs to, derived from the one it was logged on."""
    links = {type(record)._meta.model_name: record}
    if isinstance(record, Contact | Lead | Deal) and record.organization_id:
        links.setdefault("organization", record.organization)
    if isinstance(record, Lead | Deal) and record.contact_id:
        links.setdefault("contact", record.contact)
    return links


class LogActivityView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtail_crm/activities/log.html"
    form_class = ActivityForm
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not activity_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        if self.record is None:
            messages.error(request, gettext("Choose the record to log this on."))
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def record(self):
        params = self.request.GET
        for key, model in SUBJECTS.items():
            value = params.get(key, "")
            if value.isdigit():
                records = visible_to(model.objects.all(), self.request.user)
                return records.filter(pk=value).first()
        return None

    @cached_property
    def kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Activity.Kind.values else Activity.Kind.NOTE

    def get_page_title(self):
        return BUTTON_LABELS[self.kind][0]

    def get_page_subtitle(self):
        return str(self.record)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_header_title()}]

    def get_initial(self):
        direction = Activity.Direction.OUTBOUND if self.kind != "note" else ""
        return {"kind": self.kind, "direction": direction}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record, cancel_url=self.get_success_url(), **kwargs
        )

    def form_valid(self, form):
        activity = form.instance
        activity.author = self.request.user
        for name, record in _links_of(self.record).items():
            setattr(activity, name, record)
        form.save()
        log(instance=activity, action="wagtail.create", user=self.request.user)
        messages.success(
            self.request,
            gettext("%(kind)s logged on %(record)s.")
            % {"kind": activity.get_kind_display(), "record": self.record},
        )
        return redirect(self.get_success_url())

    def get_success_url(self):
        next_url = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, {self.request.get_host()}, self.request.is_secure()
        ):
            return next_url
        model_name = type(self.record)._meta.model_name
        url_name = f"wagtailsnippets_wagtail_crm_{model_name}:edit"
        return reverse(url_name, args=[self.record.pk])


class LogActivityViewSet(ViewSet):
    """No menu item: opened from the buttons of leads, contacts, orgs, deals."""

    name = "crm-log-activity"
    icon = "comment"

    def get_urlpatterns(self):
        return [path("", LogActivityView.as_view(), name="add")]


def log_activity_buttons(record, user, next_url=None, button_class=Button):
    """One "Log …" button per activity kind for ``record``, if ``user`` may add.

    Listings get them through ``register_snippet_listing_buttons``; an edit view
    can add them to ``header_more_buttons``, e.g. with
    ``log_activity_buttons(self.object, self.request.user, self.request.path)``.
    """
    if not isinstance(record, tuple(SUBJECTS.values())):
        return []
    if not activity_policy.user_has_permission(user, "add"):
        return []
    return [
        button_class(
            label,
            log_activity_url(kind, record, next_url),
            icon_name=icon,
            priority=50 + index,
        )
        for index, (kind, (label, icon)) in enumerate(BUTTON_LABELS.items())
    ]


def activity_listing_buttons(snippet, user, next_url=None):
    """The ``register_snippet_listing_buttons`` hook."""
    return log_activity_buttons(snippet, user, next_url)
