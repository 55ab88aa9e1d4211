"""Small builders for test data: each makes one valid object with sensible defaults."""

import datetime
import itertools

from django.utils.text import slugify

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from members.models import Appointment, Party, Person

_numbers = itertools.count(1)


def period(name="2023–2026", start=None, end=None, status=MandatePeriod.Status.DECIDED):
    first_year = int(name[:4])
    return MandatePeriod.objects.create(
        name=name,
        slug=slugify(name.replace("–", "-")),
        start=start or datetime.date(first_year, 1, 1),
        end=end or datetime.date(first_year + 3, 12, 31),
        status=status,
    )


def county_part(name=None):
    name = name or f"Länsdel {next(_numbers)}"
    return CountyPart.objects.create(name=name, slug=slugify(name))


def organisation(name=None, kind=Organisation.Kind.MUNICIPALITY, **fields):
    name = name or f"Kommun {next(_numbers)}"
    return Organisation.objects.create(name=name, slug=slugify(name), kind=kind, **fields)


def body(period, name=None, kind=Body.Kind.POLITICAL_COUNCIL, parent=None, **fields):
    name = name or f"Råd {next(_numbers)}"
    return Body.objects.create(
        period=period, name=name, slug=slugify(name), kind=kind, parent=parent, **fields
    )


def rule(body, organisation=None, ordinary=1, substitutes=0):
    return CompositionRule.objects.create(
        body=body, organisation=organisation, ordinary=ordinary, substitutes=substitutes
    )


def seat(body, organisation, role=Seat.Role.ORDINARY, **fields):
    return Seat.objects.create(body=body, organisation=organisation, role=role, **fields)


def party(abbreviation="S", name="Arbetarepartiet-Socialdemokraterna"):
    return Party.objects.get_or_create(abbreviation=abbreviation, defaults={"name": name})[0]


def person(first_name="Anna", last_name=None, **fields):
    last_name = last_name or f"Andersson{next(_numbers)}"
    return Person.objects.create(
        first_name=first_name,
        last_name=last_name,
        slug=slugify(f"{first_name} {last_name}"),
        **fields,
    )


def appointment(person, seat, start=None, end=None, **fields):
    return Appointment.objects.create(
        person=person, seat=seat, start=start or seat.body.period.start, end=end, **fields
    )


def meeting(body, start=None, hours=3, **fields):
    """A meeting of the body; ``start`` is a local datetime or date (default: 09.00 on
    the period's first 1 March)."""
    from django.utils import timezone

    from meetings.models import Meeting

    if start is None:
        start = datetime.datetime(body.period.start.year, 3, 1, 9)
    elif not isinstance(start, datetime.datetime):
        start = datetime.datetime.combine(start, datetime.time(9))
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    fields.setdefault("status", "held" if start < timezone.now() else "planned")
    return Meeting.objects.create(
        body=body, start=start, end=start + datetime.timedelta(hours=hours), **fields
    )


def attendance(meeting, person, **fields):
    """An attendance row; role and organisation follow the person's seat on the day."""
    from meetings.models import Attendance

    row = Attendance(meeting=meeting, person=person, **fields)
    if "role" not in fields:
        seat = next((a.seat for a in meeting.roster() if a.person_id == person.pk), None)
        if seat is not None:
            row.role = Attendance.role_for_seat(seat)
            row.seat = seat
            row.organisation = row.organisation or seat.organisation
    row.save()
    return row


def pdf(javascript=False, attachment=False):
    """The bytes of a real one-page PDF made with pypdf, optionally with a script or a file."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('Hej');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if attachment:
        writer.add_attachment("hemligt.txt", b"en fil i filen")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
