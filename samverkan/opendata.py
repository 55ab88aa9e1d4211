"""Open data: the whole public registry of a period in one download, under a data
licence, with DCAT-AP-SE metadata that Sweden's data portal (dataportal.se) harvests.

The zip holds one CSV file per kind of record — the same public fields and ids as the
API (Popolo names), so a row of one file finds its rows in the others — and the
period's structure file (docs/structure-json.md). Only what public pages show: no
unpublished person, no internal notes, and a person's work e-mail, phone and photo only
where they consented (``Person.public_contact``). The CSV files are plain
RFC 4180 (UTF-8, commas) with the exact values, for programs; the spreadsheet exports
on the period pages are the ones made for Excel.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models import Body, ChangeStamp, MandatePeriod, Organisation, Seat
from meetings.models import Decision, DecisionResponse, Meeting
from meetings.privacy import UnpublishedNames
from members.models import Appointment, Person
from samverkan.files import structure_json

# The licences a registry is likely to choose, by the URI that DCAT-AP-SE names them by.
LICENCES = {
    "http://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}


def licence():
    uri = settings.OPEN_DATA_LICENCE
    return {"uri": uri, "name": LICENCES.get(uri, uri)}


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list]


def table_of(name, rows, columns):
    """A table of ``rows``: each column named beside how a row gives its value."""
    return Table(name, list(columns), [[value(row) for value in columns.values()] for row in rows])


def slug_of(obj):
    return obj.slug if obj else ""


def iso(day):
    return day.isoformat() if day else ""


def tables(period):
    """The period's public records as tables: a fixed number of queries at any size."""
    bodies = list(
        Body.objects.filter(period=period)
        .select_related("parent", "supports", "lead_organisation", "county_part")
        .order_by("tree_id", "lft")
    )
    seats = list(
        Seat.objects.filter(body__period=period)
        .select_related("body", "organisation")
        .order_by("body__tree_id", "body__lft", "order", "pk")
    )
    appointments = list(
        Appointment.objects.public()
        .filter(seat__body__period=period)
        .select_related("person", "seat")
        .order_by("seat__body__tree_id", "seat__body__lft", "seat__order", "start", "pk")
    )
    in_period = Appointment.objects.filter(seat__body__period=period, person=OuterRef("pk"))
    people = list(
        Person.objects.public()
        .filter(Exists(in_period))
        .select_related("party", "organisation")
        .order_by("last_name", "first_name", "slug")
    )
    organisations = Organisation.objects.select_related("county_part").order_by("name", "pk")
    meetings = (
        Meeting.objects.filter(body__period=period).select_related("body").order_by("start", "pk")
    )

    # The decisions as the public list shows them: screened texts, follow-up counted.
    decisions = list(
        Decision.objects.filter(body__period=period)
        .for_listing(UnpublishedNames())
        .order_by("body__tree_id", "body__lft", "year", "serial", "pk")
    )
    responses = (
        DecisionResponse.objects.filter(decision__body__period=period)
        .select_related("organisation")
        .order_by("decision_id", "organisation__name", "pk")
    )

    def body_id(body):
        return f"{period.slug}/{body.slug}" if body else ""

    return [
        table_of(
            "organizations.csv",
            organisations,
            {
                "id": lambda o: o.slug,
                "name": lambda o: o.name,
                "short_name": lambda o: o.short_name,
                "classification": lambda o: o.kind,
                "code": lambda o: o.code,
                "county_part": lambda o: slug_of(o.county_part),
            },
        ),
        table_of(
            "bodies.csv",
            bodies,
            {
                "id": body_id,
                "name": lambda b: b.name,
                "short_name": lambda b: b.short_name,
                "classification": lambda b: b.kind,
                "parent_id": lambda b: body_id(b.parent),
                "supports_id": lambda b: body_id(b.supports),
                "lead_organization": lambda b: slug_of(b.lead_organisation),
                "county_part": lambda b: slug_of(b.county_part),
                "purpose": lambda b: b.purpose,
                "legal_basis": lambda b: b.legal_basis,
                "min_meetings_per_year": lambda b: (
                    b.min_meetings_per_year if b.min_meetings_per_year is not None else ""
                ),
                "email": lambda b: b.public_email,
            },
        ),
        table_of(
            "posts.csv",
            seats,
            {
                "id": lambda s: str(s.pk),
                "organization_id": lambda s: body_id(s.body),
                "role": lambda s: s.role,
                "position": lambda s: s.position,
                "organization": lambda s: s.organisation.slug,
                "backs_post_id": lambda s: str(s.backs_id or ""),
            },
        ),
        # Contact details only as the person consented (``public_contact``).
        table_of(
            "persons.csv",
            people,
            {
                "id": lambda p: p.slug,
                "given_name": lambda p: p.first_name,
                "family_name": lambda p: p.last_name,
                "party": lambda p: p.party.abbreviation if p.party else "",
                "organization": lambda p: slug_of(p.organisation),
                "title": lambda p: p.title,
                "email": lambda p: p.public_contact().email,
                "phone": lambda p: p.public_contact().phone,
                "image": lambda p: p.public_contact().photo_url,
            },
        ),
        table_of(
            "memberships.csv",
            appointments,
            {
                "id": lambda a: str(a.pk),
                "post_id": lambda a: str(a.seat_id),
                "person_id": lambda a: a.person.slug,
                "start_date": lambda a: a.start.isoformat(),
                "end_date": lambda a: iso(a.end),
            },
        ),
        table_of(
            "events.csv",
            meetings,
            {
                "id": lambda m: str(m.pk),
                "organization_id": lambda m: body_id(m.body),
                "start_date": lambda m: m.start.isoformat(),
                "end_date": lambda m: m.end.isoformat(),
                "location": lambda m: m.place,
                "status": lambda m: m.status,
            },
        ),
        # The follow-up as the public list counts it (addressed, decided, declined).
        table_of(
            "decisions.csv",
            decisions,
            {
                "id": lambda d: str(d.pk),
                "number": lambda d: d.number,
                "organization_id": lambda d: body_id(d.body),
                "event_id": lambda d: str(d.meeting_id),
                "agenda_item": lambda d: str(d.agenda_item.number) if d.agenda_item else "",
                "classification": lambda d: d.kind,
                "title": lambda d: d.title,
                "text": lambda d: d.text,
                "addressee": lambda d: d.addressee,
                "status": lambda d: d.status,
                "follow_up_note": lambda d: d.follow_up_note,
                "addressed": lambda d: str(d.follow_up_counts()[0]),
                "decided": lambda d: str(d.follow_up_counts()[1]),
                "declined": lambda d: str(d.follow_up_counts()[2]),
            },
        ),
        table_of(
            "decision_responses.csv",
            responses,
            {
                "decision_id": lambda r: str(r.decision_id),
                "organization": lambda r: r.organisation.slug,
                "status": lambda r: r.status,
                "date": lambda r: iso(r.decided_on),
                "reference": lambda r: r.reference,
            },
        ),
    ]


def as_csv(table):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue().encode("utf-8")


def readme(period, base):
    terms = licence()
    return "\n".join(
        [
            _("Samverkansregistret, mandatperiod %(period)s") % {"period": period.name},
            "",
            _("Utgivare: %(owner)s") % {"owner": settings.SITE_OWNER},
            _("Licens: %(name)s (%(uri)s)") % terms,
            _("Uttaget: %(time)s") % {"time": timezone.localtime().isoformat(timespec="seconds")},
            _("Källa: %(url)s") % {"url": base},
            "",
            _(
                "CSV-filerna har samma id och fältnamn som API:et (Popolo). structure.json är "
                "periodens strukturfil. Bara det som visas på de publika sidorna finns med."
            ),
            "",
        ]
    ).encode("utf-8")


def period_zip(request, slug):
    period = get_object_or_404(MandatePeriod, slug=slug)
    out = io.BytesIO()
    # The archive's file times are the registry's last change: the same data gives the
    # same bytes (and ETag-friendly caches).
    moment = timezone.localtime(ChangeStamp.read().changed_at).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name, content):
            archive.writestr(zipfile.ZipInfo(name, date_time=moment), content, zipfile.ZIP_DEFLATED)

        add("LICENS.txt", readme(period, request.build_absolute_uri(reverse("opendata"))))
        for table in tables(period):
            add(table.name, as_csv(table))
        add("structure.json", structure_json.dumps(structure_json.export(periods=[period.pk])))
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="samverkan-{period.slug}.zip"'
    return response


def periods():
    return MandatePeriod.objects.order_by("-start")


def page(request):
    return render(
        request,
        "opendata.html",
        {
            "periods": periods(),
            "licence": licence(),
            "breadcrumbs": [(reverse("bodies:start"), _("Start"))],
        },
    )


def dcat(request):
    """DCAT-AP-SE: one catalogue, one dataset per mandate period, its distributions."""
    url = request.build_absolute_uri
    terms = {"@id": licence()["uri"]}
    publisher = {"@type": "foaf:Agent", "foaf:name": settings.SITE_OWNER}
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": settings.SITE_OWNER,
        "vcard:hasEmail": {"@id": f"mailto:{settings.SITE_CONTACT_EMAIL}"},
    }
    modified = ChangeStamp.read().changed_at.isoformat(timespec="seconds")
    datasets = []
    for period in periods():
        page_url = url(reverse("bodies:period", args=[period.slug]))
        datasets.append(
            {
                "@id": page_url,
                "@type": "dcat:Dataset",
                "dct:title": [
                    {"@language": "sv", "@value": f"Samverkansorganisationen {period.name}"},
                    {"@language": "en", "@value": f"Collaboration structure {period.name}"},
                ],
                "dct:description": {
                    "@language": "sv",
                    "@value": (
                        f"Råd, grupper och nätverk som {settings.SITE_OWNER}, kommunerna och "
                        f"länsstyrelsen driver tillsammans under mandatperioden {period.name}: "
                        "organ, platser, ledamöter och ersättare, uppdrag, möten, beslut och "
                        "rekommendationer."
                    ),
                },
                "dct:publisher": publisher,
                "dcat:contactPoint": contact,
                "dcat:keyword": [
                    {"@language": "sv", "@value": word}
                    for word in ("samverkan", "förtroendevalda", "mandatperiod", "region")
                ],
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"
                },
                "dct:language": {
                    "@id": "http://publications.europa.eu/resource/authority/language/SWE"
                },
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": {"@type": "xsd:date", "@value": period.start.isoformat()},
                    "dcat:endDate": {"@type": "xsd:date", "@value": period.end.isoformat()},
                },
                "dcat:landingPage": {"@id": page_url},
                "dct:modified": {"@type": "xsd:dateTime", "@value": modified},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": {
                            "@language": "sv",
                            "@value": "CSV-filer och strukturfil (zip)",
                        },
                        "dct:description": {
                            "@language": "sv",
                            "@value": (
                                "Organisationer, organ, platser, personer, uppdrag, möten, "
                                "beslut och rekommendationer med uppföljning per organisation "
                                "(CSV) och periodens strukturfil (JSON)."
                            ),
                        },
                        "dcat:accessURL": {"@id": url(reverse("opendata"))},
                        "dcat:downloadURL": {
                            "@id": url(reverse("opendata_zip", args=[period.slug]))
                        },
                        "dcat:mediaType": {
                            "@id": "http://www.iana.org/assignments/media-types/application/zip"
                        },
                        "dct:license": terms,
                    },
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": {"@language": "sv", "@value": "API (JSON, Popolo)"},
                        "dcat:accessURL": {"@id": url(reverse("api:docs"))},
                        "dcat:mediaType": {
                            "@id": "http://www.iana.org/assignments/media-types/application/json"
                        },
                        "dct:license": terms,
                    },
                ],
            }
        )
    catalogue = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": url(reverse("opendata_dcat")),
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "sv", "@value": f"Samverkansregistret – {settings.SITE_OWNER}"},
        "dct:description": {
            "@language": "sv",
            "@value": "Öppna data ur registret över den regionala samverkansorganisationen.",
        },
        "dct:publisher": publisher,
        "dct:license": terms,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/SWE"},
        "foaf:homepage": {"@id": url(reverse("bodies:start"))},
        "dct:modified": {"@type": "xsd:dateTime", "@value": modified},
        "dcat:dataset": datasets,
    }
    return JsonResponse(
        catalogue, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
