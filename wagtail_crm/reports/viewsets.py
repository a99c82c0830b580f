from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..views.base import ScreenViewSet
from .funnel import FunnelReportView
from .leads import LeadsReportView
from .managers import ManagersReportView

REPORTS = [LeadsReportView, FunnelReportView, ManagersReportView]


def user_can_see(view_class, user):
    return view_class.permission_policy.user_has_any_permission(
        user, view_class.any_permission_required
    )


class ReportsIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/reports/index.html"
    page_title = _("Reports")
    header_icon = "table"
    url_namespace = None

    def dispatch(self, request, *args, **kwargs):
        if not any(user_can_see(report, request.user) for report in REPORTS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        reports = [
            {
                "title": report.page_title,
                "description": report.description,
                "icon": report.header_icon,
                "url_name": f"{self.url_namespace}:{report.report_name}",
            }
            for report in REPORTS
            if user_can_see(report, self.request.user)
        ]
        return super().get_context_data(reports=reports, **kwargs)


class ReportsViewSet(ScreenViewSet):
    name = "crm-reports"
    icon = "table"
    menu_label = _("Reports")

    def user_can_use(self, user):
        return any(user_can_see(report, user) for report in REPORTS)

    def get_urlpatterns(self):
        patterns = [
            path(
                "",
                ReportsIndexView.as_view(url_namespace=self.url_namespace),
                name="index",
            )
        ]
        for report in REPORTS:
            view = report.as_view(url_namespace=self.url_namespace)
            results = report.as_view(
                url_namespace=self.url_namespace, results_only=True
            )
            patterns += [
                path(f"{report.report_name}/", view, name=report.report_name),
                path(
                    f"{report.report_name}/results/",
                    results,
                    name=f"{report.report_name}_results",
                ),
            ]
        return patterns
