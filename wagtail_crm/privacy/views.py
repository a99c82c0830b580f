"""Admin screen: find a person's data, export it, erase it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from .data import PersonalData

PERMISSION = "wagtail_crm.manage_personal_data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=100, required=False)
    confirm_erase = forms.BooleanField(
        label=_("Yes, erase this person's data. This cannot be undone."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("email") or cleaned.get("phone")):
            raise forms.ValidationError(_("Enter an e-mail address or a phone number."))
        return cleaned


class PersonalDataView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtail_crm/privacy/personal_data.html"
    form_class = PersonForm
    page_title = _("Personal data")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        found = None
        if form.is_bound and form.is_valid():
            found = PersonalData.find(**_query(form))
            export = request.GET.get("export")
            if export in ("json", "xlsx"):
                return _download(found, export)
        return self.render_to_response(self.get_context_data(form=form, found=found))

    def form_valid(self, form):
        if not form.cleaned_data.get("confirm_erase"):
            form.add_error("confirm_erase", _("Tick the box to confirm."))
            return self.form_invalid(form)
        found = PersonalData.find(**_query(form))
        counts = found.erase()
        for record in [*found.contacts, *found.leads]:
            log(record, "wagtail_crm.personal_data_erased", user=self.request.user)
        messages.success(
            self.request,
            _("Erased: %(contacts)s contacts, %(leads)s leads.") % counts,
        )
        return redirect(self.request.path)


def _query(form):
    return {"email": form.cleaned_data["email"], "phone": form.cleaned_data["phone"]}


def _download(found, kind):
    if kind == "json":
        response = HttpResponse(found.export_json(), content_type="application/json")
    else:
        response = HttpResponse(found.export_xlsx(), content_type=XLSX)
    name = f"personal-data.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
