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


def contact_columns(contact):
    """email, phone and the photo's site path: only what the person consented to."""
    return [contact.email, contact.phone, contact.photo_url]


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
        Table(
            "organizations.csv",
            ["id", "name", "short_name", "classification", "code", "county_part"],
            [
                [
                    o.slug,
                    o.name,
                    o.short_name,
                    o.kind,
                    o.code,
                    o.county_part.slug if o.county_part else "",
                ]
                for o in organisations
            ],
        ),
        Table(
            "bodies.csv",
            [
                "id",
                "name",
                "short_name",
                "classification",
                "parent_id",
                "supports_id",
                "lead_organization",
                "county_part",
                "purpose",
                "legal_basis",
                "min_meetings_per_year",
                "email",
            ],
            [
                [
                    body_id(b),
                    b.name,
                    b.short_name,
                    b.kind,
                    body_id(b.parent),
                    body_id(b.supports),
                    b.lead_organisation.slug if b.lead_organisation else "",
                    b.county_part.slug if b.county_part else "",
                    b.purpose,
                    b.legal_basis,
                    b.min_meetings_per_year if b.min_meetings_per_year is not None else "",
                    b.public_email,
                ]
                for b in bodies
            ],
        ),
        Table(
            "posts.csv",
            ["id", "organization_id", "role", "position", "organization", "backs_post_id"],
            [
                [
                    str(s.pk),
                    body_id(s.body),
                    s.role,
                    s.position,
                    s.organisation.slug,
                    str(s.backs_id or ""),
                ]
                for s in seats
            ],
        ),
        Table(
            "persons.csv",
            [
                "id",
                "given_name",
                "family_name",
                "party",
                "organization",
                "title",
                "email",
                "phone",
                "image",
            ],
            [
                [
                    p.slug,
                    p.first_name,
                    p.last_name,
                    p.party.abbreviation if p.party else "",
                    p.organisation.slug if p.organisation else "",
                    p.title,
                    *contact_columns(p.public_contact()),
                ]
                for p in people
            ],
        ),
        Table(
            "memberships.csv",
            ["id", "post_id", "person_id", "start_date", "end_date"],
            [
                [
                    str(a.pk),
                    str(a.seat_id),
                    a.person.slug,
                    a.start.isoformat(),
                    a.end.isoformat() if a.end else "",
                ]
                for a in appointments
            ],
        ),
        Table(
            "events.csv",
            ["id", "organization_id", "start_date", "end_date", "location", "status"],
            [
                [
                    str(m.pk),
                    body_id(m.body),
                    m.start.isoformat(),
                    m.end.isoformat(),
                    m.place,
                    m.status,
                ]
                for m in meetings
            ],
        ),
        Table(
            "decisions.csv",
            [
                "id",
                "number",
                "organization_id",
                "event_id",
                "agenda_item",
                "classification",
                "title",
                "text",
                "addressee",
                "status",
                "follow_up_note",
                "addressed",
                "decided",
                "declined",
            ],
            [
                [
                    str(d.pk),
                    d.number,
                    body_id(d.body),
                    str(d.meeting_id),
                    str(d.agenda_item.number) if d.agenda_item else "",
                    d.kind,
                    d.title,
                    d.text,
                    d.addressee,
                    d.status,
                    d.follow_up_note,
                    *[str(count) for count in d.follow_up_counts()],
                ]
                for d in decisions
            ],
        ),
        Table(
            "decision_responses.csv",
            ["decision_id", "organization", "status", "date", "reference"],
            [
                [
                    str(r.decision_id),
                    r.organisation.slug,
                    r.status,
                    r.decided_on.isoformat() if r.decided_on else "",
                    r.reference,
                ]
                for r in responses
            ],
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
