"""The secretary's upload of a JSON structure file (docs/structure-json.md) in the admin.

The same check and report as ``manage.py import_structure``: the whole file is checked
first and every problem is listed with its place; a trial run (the default) shows
what would change without saving; a real run writes everything in one transaction.

Hooked into the mandate period admin by ``StructureImportMixin``; the link sits on
the period list (templates/admin/bodies/mandateperiod/change_list.html).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    problems, report = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            data = structure_json.parse(limits.read_upload(upload, upload.name), upload.name)
            report = structure_json.import_structure(data, dry_run=dry_run)
        except StructureFileError as error:
            problems = error.problems
        else:
            if not dry_run:
                model_admin.message_user(
                    request,
                    gettext("Strukturfilen %(name)s är inläst: %(summary)s.")
                    % {"name": upload.name, "summary": report.summary()}
                    if report.changed
                    else gettext("Strukturfilen %(name)s var redan inläst; ingenting ändrades.")
                    % {"name": upload.name},
                    messages.SUCCESS,
                )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Läs in en strukturfil"),
        "form": form,
        "problems": problems,
        "report": report,
        "changes": list(report.lines()) if report else [],
    }
    return TemplateResponse(request, "admin/bodies/mandateperiod/import.html", context)


class StructureImportMixin:
    """Adds "Läs in strukturfil" (…/mandateperiod/importera/) to a ModelAdmin."""

    def get_urls(self):
        def view(request):
            return import_view(request, self)

        own = [
            path(
                "importera/",
                self.admin_site.admin_view(view),
                name="bodies_mandateperiod_import",
            )
        ]
        return own + super().get_urls()
