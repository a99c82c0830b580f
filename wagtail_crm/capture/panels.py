"""What a page earns, shown where editors edit it."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..models import Lead
from ..permissions import visible_to

DAYS = 30


def first_day(days=DAYS):
    """The first local day of the last ``days`` days, today included."""
    return timezone.localdate() - timedelta(days=days - 1)


def leads_from_page(page, user=None, days=DAYS):
    """Leads from ``page`` created since :func:`first_day` (local midnight), the
    same leads the leads listing shows for :func:`leads_listing_url`."""
    day = first_day(days)
    since = timezone.make_aware(datetime.combine(day, time.min))
    leads = Lead.objects.filter(source_page=page, created_at__gte=since)
    return visible_to(leads, user) if user is not None else leads


def leads_listing_url(page, days=DAYS):
    """The CRM leads listing, filtered by the listing's own filters to the
    leads from ``page`` since :func:`first_day`."""
    try:
        url = reverse("wagtailsnippets_wagtail_crm_lead:list")
    except NoReverseMatch:
        return ""
    query = urlencode(
        {"source_page": page.pk, "created_at_from": first_day(days).isoformat()}
    )
    return f"{url}?{query}"


class PageLeadsPanel(Panel):
    """“Leads in the last 30 days: N”, linking to them. Add it to a page's panels."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Leads from this page"))
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_crm/capture/page_leads_panel.html"

        @cached_property
        def lead_count(self):
            if not self.instance.pk:
                return 0
            return leads_from_page(self.instance, self.request.user).count()

        def is_shown(self):
            return bool(self.instance.pk) and self.request.user.has_perm(
                "wagtail_crm.view_lead"
            )

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(
                lead_count=self.lead_count,
                days=DAYS,
                leads_url=leads_listing_url(self.instance),
            )
            return context
