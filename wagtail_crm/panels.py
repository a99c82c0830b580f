"""Edit-view panels of the CRM records: typed phones, contact persons, timelines."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, Panel

from .forms.phones import PhoneForm
from .forms.records import ContactPersonForm
from .models import Activity, Deal, Lead, Task
from .permissions import visible_to

TIMELINE_LIMIT = 50


class FormInlinePanel(InlinePanel):
    """An ``InlinePanel`` whose rows use ``form_class`` and know the user."""

    form_class = None

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = self.form_class
        formset["inherit_kwargs"] = ["for_user"]
        return options


class PhonesPanel(FormInlinePanel):
    """The phone's own fields only: without explicit ``panels`` Wagtail would
    add the other parent key (a select of every contact or organization, and
    a phone with two owners on save)."""

    form_class = PhoneForm

    def __init__(self, relation_name="phones", **kwargs):
        kwargs.setdefault(
            "panels",
            [
                FieldRowPanel(
                    [FieldPanel("e164"), FieldPanel("extension"), FieldPanel("kind")]
                )
            ],
        )
        kwargs.setdefault("heading", _("Phones"))
        kwargs.setdefault("label", _("Phone"))
        super().__init__(relation_name, **kwargs)


class ContactPersonsPanel(FormInlinePanel):
    form_class = ContactPersonForm


class RecordListPanel(Panel):
    """A read-only list of records related to the edited one (hidden on create)."""

    template_name = "wagtail_crm/panels/record_list.html"

    def get_records(self, instance, user):
        raise NotImplementedError

    def get_add_url(self, instance):
        return None

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template_name

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            records = list(self.panel.get_records(self.instance, self.request.user))
            context.update(
                records=records,
                add_url=self.panel.get_add_url(self.instance),
                add_label=self.panel.add_label,
                empty_text=self.panel.empty_text,
            )
            return context

    add_label = _("Add")
    empty_text = _("Nothing yet.")


def _add_url(model, **params):
    base = reverse(model.snippet_viewset.get_url_name("add"))
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{base}?{query}"


def _link_filter(instance):
    """``Q`` of records linked to ``instance`` (an organization: or its people)."""
    name = instance._meta.model_name
    condition = Q(**{name: instance})
    if name == "organization":
        condition |= Q(contact__organization=instance)
    return condition


class TimelinePanel(RecordListPanel):
    """Calls, meetings, e-mails and notes, newest first; an organization's
    timeline includes those of all its contact persons."""

    template_name = "wagtail_crm/panels/timeline.html"
    add_label = _("Log an activity")
    empty_text = _("No activities yet.")

    def get_records(self, instance, user):
        activities = Activity.objects.filter(_link_filter(instance))
        return (
            visible_to(activities, user)
            .select_related("contact", "author")
            .order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT]
        )

    def get_add_url(self, instance):
        return _add_url(Activity, **{instance._meta.model_name: instance.pk})


class OpenTasksPanel(RecordListPanel):
    template_name = "wagtail_crm/panels/tasks.html"
    add_label = _("Add a task")
    empty_text = _("No open tasks.")

    def get_records(self, instance, user):
        tasks = Task.objects.filter(_link_filter(instance), done=False)
        return (
            visible_to(tasks, user)
            .select_related("assignee", "contact")
            .order_by("due_at")[:TIMELINE_LIMIT]
        )

    def get_add_url(self, instance):
        return _add_url(Task, **{instance._meta.model_name: instance.pk})


class DealsPanel(RecordListPanel):
    template_name = "wagtail_crm/panels/deals.html"
    add_label = _("Add a deal")
    empty_text = _("No deals yet.")

    def get_records(self, instance, user):
        deals = Deal.objects.filter(**{instance._meta.model_name: instance})
        return (
            visible_to(deals, user)
            .select_related("stage", "owner")
            .order_by("-created_at")[:TIMELINE_LIMIT]
        )

    def get_add_url(self, instance):
        return _add_url(Deal, **{instance._meta.model_name: instance.pk})


class LeadsPanel(RecordListPanel):
    template_name = "wagtail_crm/panels/leads.html"
    empty_text = _("No leads.")

    def get_records(self, instance, user):
        leads = Lead.objects.filter(**{instance._meta.model_name: instance})
        return visible_to(leads, user).order_by("-created_at")[:TIMELINE_LIMIT]


class AttributionPanel(Panel):
    """Where the lead came from: the first and the last touch of the visit."""

    TOUCHES = (("first_touch", _("First touch")), ("last_touch", _("Last touch")))
    ROWS = (
        ("utm_source", _("UTM source")),
        ("utm_medium", _("UTM medium")),
        ("utm_campaign", _("UTM campaign")),
        ("utm_term", _("UTM term")),
        ("utm_content", _("UTM content")),
        ("referrer", _("Referrer")),
        ("landing_url", _("Landing page")),
        ("at", _("When")),
    )

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_crm/panels/attribution.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            attribution = self.instance.attribution or {}
            touches = [
                (label, attribution.get(key) or {}) for key, label in self.panel.TOUCHES
            ]
            context["touches"] = [label for label, _touch in touches]
            context["rows"] = [
                (label, [touch.get(key, "") for _label, touch in touches])
                for key, label in self.panel.ROWS
            ]
            context["locale"] = attribution.get("locale", "")
            context["user_agent"] = attribution.get("user_agent", "")
            return context
