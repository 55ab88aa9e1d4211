"""Public pages of the decision register: the filtered list, one decision, the CSV.

The list is a GET form (no scripts); every page costs a fixed number of queries: the
choices, the count, the page (follow-up counts annotated) and the unpublished names.
"""

import csv
import io

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.models import MandatePeriod
from bodies.spreadsheets import neutralise
from meetings.models import Decision
from meetings.privacy import UnpublishedNames
from meetings.views import _body_choices

PAGE_SIZE = 25
# The CSV holds at most this many decisions (newest first); a registry has a few hundred.
CSV_MAX_ROWS = 5000


class DecisionFilterForm(forms.Form):
    """The list's filters, read from the query string."""

    q = forms.CharField(label=_("Sök i texten"), required=False, max_length=200)
    organ = forms.ChoiceField(label=_("Organ"), required=False)
    period = forms.ChoiceField(label=_("Mandatperiod"), required=False)
    typ = forms.ChoiceField(label=_("Typ"), required=False)
    status = forms.ChoiceField(label=_("Uppföljning"), required=False)

    def __init__(self, data, *, bodies, periods):
        super().__init__(data)
        self.fields["organ"].choices = [("", gettext("Alla organ")), *bodies]
        self.fields["period"].choices = [
            ("", gettext("Alla perioder")),
            *((period.slug, period.name) for period in periods),
        ]
        self.fields["typ"].choices = [("", gettext("Alla typer")), *Decision.Kind.choices]
        self.fields["status"].choices = [("", gettext("Alla")), *Decision.Status.choices]

    def value(self, name):
        """A valid value of the field, or "" (a bad value filters nothing)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name, "") if name not in self.errors else ""

    def apply(self, decisions):
        if organ := self.value("organ"):
            decisions = decisions.filter(body__slug=organ)
        if period := self.value("period"):
            decisions = decisions.filter(body__period__slug=period)
        if kind := self.value("typ"):
            decisions = decisions.filter(kind=kind)
        if status := self.value("status"):
            decisions = decisions.filter(status=status)
        if text := self.value("q").strip():
            decisions = decisions.text_matches(text)
        return decisions

    def query(self):
        """The valid filters as a query string, for page links and the CSV link."""
        names = ("q", "organ", "period", "typ", "status")
        return urlencode({name: self.value(name) for name in names if self.value(name)})


def _filtered(request):
    form = DecisionFilterForm(
        request.GET or None,
        bodies=_body_choices(),
        periods=list(MandatePeriod.objects.order_by("-start")),
    )
    names = UnpublishedNames()
    decisions = form.apply(Decision.objects.for_listing(names))
    text = form.value("q").strip()
    if text:
        # A text screened for the public must not be found by the words it hides.
        decisions = [d for d in decisions if d.visibly_matches(text)]
    return form, decisions


def decision_list(request):
    """/beslut/: every decision and recommendation, newest first, filtered."""
    form, decisions = _filtered(request)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = form.query()
    return render(
        request,
        "meetings/decisions.html",
        {
            "form": form,
            "page": page,
            "decisions": list(page.object_list),
            "page_query": f"{query}&sida=" if query else "sida=",
            "csv_url": reverse("meetings:decisions_csv") + (f"?{query}" if query else ""),
            "filtered": bool(query),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )


def decision(request, pk):
    """/beslut/12/: one decision with its follow-up per organisation."""
    decision = get_object_or_404(Decision.objects.for_decision_page(), pk=pk)
    return render(
        request,
        "meetings/decision.html",
        {
            "decision": decision,
            "responses": list(decision.responses.all()),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("meetings:decisions"), gettext("Beslut och rekommendationer")),
                (decision.meeting.get_absolute_url(), str(decision.meeting)),
            ],
        },
    )


def csv_headers():
    return [
        gettext("Nummer"),
        gettext("Organ"),
        gettext("Mandatperiod"),
        gettext("Mötesdag"),
        gettext("Typ"),
        gettext("Rubrik"),
        gettext("Beslutstext"),
        gettext("Mottagare"),
        gettext("Uppföljning"),
        gettext("Organisationernas beslut"),
        gettext("Adress"),
    ]


def decisions_csv(request):
    """/beslut/beslut.csv: the filtered list as CSV (Swedish Excel: BOM, semicolons)."""
    _form, decisions = _filtered(request)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_headers())
    for row in decisions[:CSV_MAX_ROWS]:
        values = [
            row.number,
            row.body.name,
            row.body.period.name,
            row.meeting.day.isoformat(),
            row.get_kind_display(),
            row.title,
            row.text,
            row.addressee,
            row.get_status_display(),
            row.follow_up_summary(),
            request.build_absolute_uri(row.get_absolute_url()),
        ]
        writer.writerow([neutralise(value) for value in values])
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="beslut.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
