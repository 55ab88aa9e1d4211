"""The secretary's upload of a JSON structure file (docs/structure-json.md) in the admin.

The same check and report as ``manage.py import_structure``: the whole file is checked
first and every problem is listed with its place; a trial run (the default) shows
what would change without saving; a real run writes everything in one transaction,
recorded as one change set with the uploader as its actor.

The upload only stores the file (``ImportJob``) and queues ``run_structure_import``
for the task worker, then shows the job's page: its state while it waits and runs
(the page reloads itself), its report when done. A file of thousands of bodies takes
longer than a web request may.

Hooked into the mandate period admin by ``StructureImportMixin``; the link sits on
the period list (templates/admin/bodies/mandateperiod/change_list.html).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.tasks import task
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.import_job import ImportJob
from samverkan.files import limits, structure_json
from samverkan.files.limits import StructureFileError

# Everything an import may create or change; the user must be allowed all of it by the
# rules (bodies/rules.py: the registry secretary's).
REQUIRED_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("bodies", "countypart"),
        ("bodies", "organisation"),
        ("bodies", "mandateperiod"),
        ("bodies", "body"),
        ("bodies", "membership"),
        ("bodies", "compositionrule"),
        ("bodies", "seat"),
        ("members", "party"),
        ("members", "person"),
        ("members", "appointment"),
    ]
    for action in ("add", "change")
]


class StructureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Strukturfil (JSON)"),
        help_text=_(
            "En fil i formatet från manage.py export_structure, se docs/structure-json.md."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    dry_run = forms.BooleanField(
        label=_("Provkör: visa vad som skulle ändras utan att spara"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.max_bytes():
            raise forms.ValidationError(
                gettext("Filen är för stor. Största tillåtna storlek är %(max)s.")
                % {"max": filesizeformat(limits.max_bytes())}
            )
        return upload


def import_view(request, model_admin):
    if not request.user.has_perms(REQUIRED_PERMISSIONS):
        raise PermissionDenied
    form = StructureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            uploaded_by=request.user,
            file_name=upload.name[:255],
            content=limits.read_upload(upload, upload.name),
            dry_run=form.cleaned_data["dry_run"],
        )
        run_structure_import.enqueue(job.pk)
        return HttpResponseRedirect(job.get_admin_url())
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Läs in en strukturfil"),
        "form": form,
        "jobs": recent_jobs(),
    }
    return TemplateResponse(request, "admin/bodies/mandateperiod/import.html", context)


def recent_jobs():
    return ImportJob.objects.defer("content", "changes").select_related("uploaded_by")[:10]


def job_view(request, model_admin, pk):
    """One upload: its state while queued and running, then its report."""
    if not request.user.has_perms(REQUIRED_PERMISSIONS):
        raise PermissionDenied
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Inläsning av %(name)s") % {"name": job.file_name},
        "job": job,
        "problems": job.problems,
        "changes": job.changes,
        "form": StructureUploadForm(),
    }
    return TemplateResponse(request, "admin/bodies/mandateperiod/import.html", context)


def _set_status(job, status, **fields):
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(status=status, **fields)


@task()
def run_structure_import(job_id: int) -> None:
    """Check and write an uploaded structure file (in the task worker)."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.is_finished:
        return
    _set_status(job, ImportJob.Status.CHECKING, started_at=timezone.now())
    try:
        data = structure_json.parse(bytes(job.content), job.file_name)
        # Checked again inside import_structure, which writes only a file without problems.
        _set_status(job, ImportJob.Status.WRITING)
        reason = gettext("Strukturfil %(name)s inläst i administrationen.") % {
            "name": job.file_name
        }
        report = structure_json.import_structure(
            data, dry_run=job.dry_run, actor=job.uploaded_by, reason=reason
        )
        change = report.change_set
    except StructureFileError as error:
        _set_status(
            job,
            ImportJob.Status.FAILED,
            problems=[str(problem) for problem in error.problems],
            finished_at=timezone.now(),
        )
        return
    except Exception as error:
        _set_status(
            job, ImportJob.Status.FAILED, problems=[repr(error)], finished_at=timezone.now()
        )
        raise
    _set_status(
        job,
        ImportJob.Status.DONE,
        summary=report.summary(),
        changes=list(report.lines()),
        changed=report.changed,
        change_set=change,
        finished_at=timezone.now(),
    )


class StructureImportMixin:
    """Adds "Läs in strukturfil" (…/mandateperiod/importera/) to a ModelAdmin, and the
    recent uploads with their state to its list."""

    def changelist_view(self, request, extra_context=None):
        if request.user.has_perms(REQUIRED_PERMISSIONS):
            extra_context = {**(extra_context or {}), "import_jobs": recent_jobs()[:5]}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def view(request):
            return import_view(request, self)

        def job(request, pk):
            return job_view(request, self, pk)

        own = [
            path(
                "importera/",
                self.admin_site.admin_view(view),
                name="bodies_mandateperiod_import",
            ),
            path(
                "importera/<int:pk>/",
                self.admin_site.admin_view(job),
                name="bodies_mandateperiod_import_job",
            ),
        ]
        return own + super().get_urls()
