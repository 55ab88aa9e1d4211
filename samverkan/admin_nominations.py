"""Nominations in the admin: forms out to the organisations, filled-in forms back in.

``/admin/bodies/body/<id>/nomineringar/`` lists the body's organisations with a form
to download for each (or all in a zip), and takes the filled-in forms back: the
upload is a preview (nothing is written) of who is new, who replaces whom and what is
wrong, with file, row and column; *Spara nomineringarna* writes it all as one change
set (``members.nominations.apply``).

Between preview and confirmation the rows travel in a signed field of the page, not
the files: the signature (``SECRET_KEY``, salted, one hour) binds them to the body and
the user, so they cannot be altered, and they are checked again before writing.

Rights are the seats' (``bodies.change_seat``): the registry secretary handles every
organisation, an organisation editor their own, in open periods; a row of another
organisation's seat is refused as a problem of that row.
"""

import io
import zipfile

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bodies.models import Body, Organisation
from members import nominations
from samverkan.files import limits
from samverkan.files import nominations as sheets

SALT = "samverkan.nominations"
MAX_AGE = 60 * 60  # seconds a preview may be confirmed
MAX_FILES = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Ifyllda blanketter (.xlsx)"),
        help_text=_(
            "Välj en eller flera filer. Inget sparas förrän du har granskat och bekräftat."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                gettext("Högst %(max)s filer åt gången.") % {"max": MAX_FILES}
            )
        for upload in files:
            if upload.size > limits.max_bytes():
                raise forms.ValidationError(
                    gettext("%(name)s är för stor. Största tillåtna storlek är %(max)s.")
                    % {"name": upload.name, "max": filesizeformat(limits.max_bytes())}
                )
        return files


class NominationsAdminMixin:
    """Adds the nomination pages to the body admin (``BodyAdmin``)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/nomineringar/",
                view(self.nominations_view),
                name="bodies_body_nominations",
            ),
            path(
                "<int:pk>/nomineringar/alla.zip",
                view(self.nomination_forms_view),
                name="bodies_body_nomination_forms",
            ),
            path(
                "<int:pk>/nomineringar/blankett.xlsx",
                view(self.nomination_form_view),
                name="bodies_body_nomination_form",
            ),
            *super().get_urls(),
        ]

    def nominations_body(self, request, pk):
        """The body and the organisations the user may nominate for; 403 if none."""
        body = get_object_or_404(Body.objects.select_related("period"), pk=pk)
        organisations = nominations.nominating_organisations(body, request.user)
        if not organisations:
            raise PermissionDenied
        return body, organisations

    def nomination_form_view(self, request, pk):
        """One organisation's form: ``?organisation=<id>``."""
        body, organisations = self.nominations_body(request, pk)
        organisation = request.GET.get("organisation", "")
        if not organisation.isdigit():
            raise Http404
        organisation = int(organisation)
        chosen = next((o for o in organisations if o.pk == organisation), None)
        if chosen is None:
            if Organisation.objects.filter(pk=organisation).exists():
                raise PermissionDenied
            raise Http404
        return _download(
            sheets.write_form(body, chosen), sheets.file_name(body, chosen), sheets.CONTENT_TYPE
        )

    def nomination_forms_view(self, request, pk):
        body, organisations = self.nominations_body(request, pk)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for organisation in organisations:
                archive.writestr(
                    sheets.file_name(body, organisation), sheets.write_form(body, organisation)
                )
        name = f"nomineringar-{slugify(body.display_name)}-{body.period.slug}.zip"
        return _download(out.getvalue(), name, "application/zip")

    def nominations_view(self, request, pk):
        body, organisations = self.nominations_body(request, pk)
        form = UploadForm()
        plan = rows = None
        if request.method == "POST" and "rader" in request.POST:
            rows = _unsign(request.POST["rader"], body, request.user)
            if rows is None:
                messages.error(
                    request,
                    gettext(
                        "Förhandsgranskningen har gått ut eller gäller inte längre. "
                        "Ladda upp filerna igen."
                    ),
                )
                return HttpResponseRedirect(request.path)
            reason = _reason(body, rows)
            try:
                plan = nominations.apply(body, rows, request.user, reason)
            except nominations.NominationsRefused as refused:
                plan = refused.plan
            else:
                messages.success(request, _done(plan))
                return HttpResponseRedirect(reverse("admin:bodies_body_roster", args=[body.pk]))
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                files = [(upload.name, _read(upload)) for upload in form.cleaned_data["files"]]
                rows, problems = sheets.read_forms(files)
                plan = nominations.check(body, rows, request.user)
                plan.problems = problems + plan.problems
        counts = nominations.vacancies(body)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": body,
            "body": body,
            "title": gettext("Nomineringar: %(body)s %(period)s")
            % {"body": body.display_name, "period": body.period.name},
            "organisations": [(o, *counts.get(o.pk, (0, 0))) for o in organisations],
            "form": form,
            "plan": plan,
            "signed": _sign(rows, body, request.user)
            if plan and plan.writes and not plan.problems
            else "",
            "max_size": filesizeformat(limits.max_bytes()),
        }
        return TemplateResponse(request, "admin/bodies/body/nominations.html", context)


def _read(upload):
    upload.seek(0)
    return upload.read(limits.max_bytes() + 1)


def _download(content, name, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _sign(rows, body, user):
    data = {"body": body.pk, "user": user.pk, "rows": [row.to_json() for row in rows]}
    return signing.dumps(data, salt=SALT, compress=True)


def _unsign(value, body, user):
    """The previewed rows, if the value was signed here for this body and user."""
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("body") != body.pk or data.get("user") != user.pk:
        return None
    try:
        return [nominations.Nomination.from_json(row) for row in data["rows"]]
    except (KeyError, TypeError):
        return None


def _reason(body, rows):
    files = sorted({row.file for row in rows})
    shown = ", ".join(files[:5]) + (" …" if len(files) > 5 else "")
    return gettext("Nomineringar till %(body)s %(period)s från %(files)s.") % {
        "body": body.display_name,
        "period": body.period.name,
        "files": shown,
    }


def _done(plan):
    return ngettext(
        "Nomineringarna är sparade: %(count)s plats tillsatt (%(new)s nya, %(changes)s byten).",
        "Nomineringarna är sparade: %(count)s platser tillsatta (%(new)s nya, %(changes)s byten).",
        len(plan.writes),
    ) % {"count": len(plan.writes), "new": len(plan.new), "changes": len(plan.changes)}
