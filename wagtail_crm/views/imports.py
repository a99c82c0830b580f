"""The import wizard: upload → mapping → dry-run preview → confirm → report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from ..conf import crm_settings
from ..importing.cards import POLICIES
from ..importing.headers import FIELDS, header_key
from ..importing.pipeline import prepare
from ..importing.readers import ImportFileError
from ..importing.rejected import rejected_rows_workbook, template_workbook
from ..importing.tasks import enqueue_import, local_copy, options_for
from ..importing.undo import UndoRefused, undo_import
from ..models import ImportJob, MappingProfile

IMPORT_PERMISSION = "wagtail_crm.import_records"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))
    policy = forms.ChoiceField(
        label=gettext_lazy("When a row matches an existing card"),
        choices=list(POLICIES.items()),
    )
    region = forms.CharField(
        label=gettext_lazy("Country of phone numbers without +"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("Two letters, such as RU or AL."),
    )
    area_code = forms.CharField(
        label=gettext_lazy("Area code of short local numbers"),
        max_length=6,
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > crm_settings.IMPORT_MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is too large: at most %(mb)s MB.")
                % {"mb": crm_settings.IMPORT_MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload


class ImportViewMixin(WagtailAdminTemplateMixin):
    header_icon = "upload"
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def url(self, name, *args):
        return reverse(self.viewset.get_url_name(name), args=args)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": self.url("index"), "label": _("Imports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_job(self):
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"])


class HistoryView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/index.html"
    page_title = gettext_lazy("Imports")

    def get_breadcrumbs_items(self):
        return WagtailAdminTemplateMixin.get_breadcrumbs_items(self) + [
            {"url": "", "label": _("Imports")}
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobs=ImportJob.objects.select_related("created_by")[:200],
            upload_url=self.url("upload"),
            template_url=self.url("template"),
            **kwargs,
        )


class UploadView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/upload.html"
    page_title = gettext_lazy("New import")

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", UploadForm(initial={"region": crm_settings.PHONE_REGION or ""})
        )
        return super().get_context_data(template_url=self.url("template"), **kwargs)

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        job = ImportJob(
            original_name=upload.name[:255],
            created_by=request.user,
            options={
                "policy": form.cleaned_data["policy"],
                "region": form.cleaned_data["region"].upper(),
                "area_code": form.cleaned_data["area_code"],
                "owner_id": request.user.pk,
                # The report is written in a worker: in this user's language.
                "language": translation.get_language(),
            },
        )
        job.file.save(upload.name, upload, save=True)
        return redirect(self.url("mapping", job.pk))


class MappingView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/mapping.html"
    page_title = gettext_lazy("Map the columns")

    def get(self, request, pk):
        job = self.get_job()
        if "sheet" in request.GET:
            job.sheet_name = request.GET["sheet"][:255]
            job.header_row = None
        try:
            with local_copy(job.file) as path:
                found = prepare(path, options_for(job), filename=job.original_name)
        except ImportFileError as error:
            return self.render_to_response(
                self.get_context_data(job=job, error=str(error))
            )
        profile = self._profile(request.GET.get("profile"))
        mapping = found.mapping
        if profile:
            mapping = [
                profile.mapping.get(header_key(text), field)
                for text, field in zip(found.headers, mapping, strict=False)
            ]
        columns = [
            {
                "index": index,
                "header": header,
                "field": mapping[index] if index < len(mapping) else "",
                "samples": [row[index] for row in found.samples if index < len(row)],
            }
            for index, header in enumerate(found.headers)
        ]
        return self.render_to_response(
            self.get_context_data(
                job=job,
                found=found,
                columns=columns,
                fields=list(FIELDS.items()),
                profiles=MappingProfile.objects.all(),
                profile=profile,
            )
        )

    def _profile(self, pk):
        if pk and pk.isdigit():
            return MappingProfile.objects.filter(pk=pk).first()
        return None

    def post(self, request, pk):
        job = self.get_job()
        headers = request.POST.getlist("header")
        fields = [request.POST.get(f"column-{i}", "") for i in range(len(headers))]
        fields = [field if field in FIELDS else "" for field in fields]
        job.mapping = {"headers": headers, "fields": fields}
        job.header_row = int(request.POST.get("header_row") or 0) or None
        job.sheet_name = request.POST.get("sheet", "")[:255]
        name = request.POST.get("profile_name", "").strip()
        if name:
            MappingProfile.objects.update_or_create(
                name=name[:255],
                defaults={
                    "mapping": {
                        header_key(h): f for h, f in zip(headers, fields, strict=False)
                    }
                },
            )
        try:
            with local_copy(job.file) as path:
                result = _dry_run(job, path)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect(self.url("mapping", job.pk))
        job.status = ImportJob.Status.MAPPED
        job.total_rows = result.rows
        job.summary = result.counts()
        job.report = result.entries[:2000]
        job.save()
        return redirect(self.url("preview", job.pk))


def _dry_run(job, path):
    from ..importing.pipeline import run_import

    return run_import(path, options_for(job, dry_run=True), filename=job.original_name)


class PreviewView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/preview.html"
    page_title = gettext_lazy("Preview")

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(
            job=job,
            entries=job.report[:500],
            policy=POLICIES.get((job.options or {}).get("policy"), ""),
            **kwargs,
        )

    def post(self, request, pk):
        job = self.get_job()
        if job.status != ImportJob.Status.MAPPED:
            messages.error(request, _("This import has already been started."))
            return redirect(self.url("detail", job.pk))
        job.summary, job.report, job.processed_rows = {}, [], 0
        job.save(update_fields=["summary", "report", "processed_rows"])
        enqueue_import(job)
        return redirect(self.url("detail", job.pk))


class DetailView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/detail.html"
    page_title = gettext_lazy("Import report")

    def get_context_data(self, **kwargs):
        job = self.get_job()
        entries = job.report or [
            entry for batch in job.batches.all() for entry in batch.entries
        ]
        return super().get_context_data(
            job=job,
            entries=entries[:500],
            problems=sum(1 for e in entries if e["status"] == "error"),
            progress_url=self.url("progress", job.pk),
            rejected_url=self.url("rejected", job.pk),
            undo_url=self.url("undo", job.pk),
            running=job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            **kwargs,
        )


def progress_view(request, pk):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "progress": 100 if job.status == ImportJob.Status.DONE else job.progress,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
        }
    )


def rejected_view(request, pk):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=pk)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="rejected-rows-{job.pk}.xlsx"'
    )
    with local_copy(job.file) as path:
        rejected_rows_workbook(job, path).save(response)
    return response


def template_view(request):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="crm-import-template.xlsx"'
    template_workbook().save(response)
    return response


class UndoView(ImportViewMixin, TemplateView):
    template_name = "wagtail_crm/imports/undo.html"
    page_title = gettext_lazy("Undo import")

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=self.get_job(), **kwargs)

    def post(self, request, pk):
        job = self.get_job()
        try:
            undo_import(job)
        except UndoRefused as error:
            messages.error(request, str(error))
            return redirect(self.url("detail", job.pk))
        messages.success(
            request, _("Import “%(name)s” was undone.") % {"name": job.original_name}
        )
        return redirect(self.url("index"))


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


class ImportViewSet(ViewSet):
    """CRM → Imports: the wizard, the history and undo."""

    name = "wagtail_crm_imports"
    url_prefix = "crm/imports"
    icon = "upload"
    menu_label = gettext_lazy("Imports")
    menu_item_class = ImportsMenuItem

    def get_urlpatterns(self):
        def view(cls):
            return cls.as_view(viewset=self)

        return [
            path("", view(HistoryView), name="index"),
            path("new/", view(UploadView), name="upload"),
            path("template.xlsx", template_view, name="template"),
            path("<int:pk>/mapping/", view(MappingView), name="mapping"),
            path("<int:pk>/preview/", view(PreviewView), name="preview"),
            path("<int:pk>/", view(DetailView), name="detail"),
            path("<int:pk>/progress/", progress_view, name="progress"),
            path("<int:pk>/rejected.xlsx", rejected_view, name="rejected"),
            path("<int:pk>/undo/", view(UndoView), name="undo"),
        ]
