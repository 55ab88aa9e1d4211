"""A registry about ten times the size of Örebro's, made quickly with bulk_create.

Used by the query-count tests: every public page must read the same number of
queries on this as on a handful of rows. ``generate()`` with the defaults gives
3 periods × 150 bodies, ~3,300 seats, 2,000 people (20 unpublished) and ~4,000
appointments; small numbers give a tiny registry of the same shape.

    >>> data = generate()            # the big one
    >>> data = generate(scale=0.02)  # a few of everything
"""

import datetime
import random
from dataclasses import dataclass

from django.db.models import Count

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from members.models import Appointment, Party, Person

KINDS = [
    Body.Kind.OFFICIALS_GROUP,
    Body.Kind.NETWORK,
    Body.Kind.POLITICAL_COUNCIL,
    Body.Kind.STEERING_GROUP,
    Body.Kind.PARTNERSHIP,
]
FIRST_NAMES = ["Anna", "Åsa", "Örjan", "Erik", "Märta", "Lars", "Karin", "Björn", "Eva", "Per"]
LAST_NAMES = ["Andersson", "Öberg", "Ek", "Lind", "Åström", "Nyström", "Berg", "Håkansson"]


@dataclass
class BigData:
    """The generated registry and the objects with the biggest public pages."""

    periods: list
    current: MandatePeriod
    biggest_body: Body
    busiest_person: Person
    biggest_organisation: Organisation
    biggest_county_part: CountyPart


def generate(
    scale=1.0,
    first_year=2019,
    bodies_per_period=150,
    municipalities=40,
    people=2000,
    unpublished=20,
    seed=1,
):
    """Create the registry; ``scale`` shrinks every count (at least one of each)."""
    rng = random.Random(seed)

    def scaled(number):
        return max(1, round(number * scale))

    bodies_per_period = max(3, scaled(bodies_per_period))
    municipalities = max(2, scaled(municipalities))
    people = max(4, scaled(people))
    unpublished = max(1, scaled(unpublished))

    periods = [
        MandatePeriod.objects.create(
            name=f"{year}–{year + 3}",
            slug=f"{year}-{year + 3}",
            start=datetime.date(year, 1, 1),
            end=datetime.date(year + 3, 12, 31),
            status=MandatePeriod.Status.PROPOSED if index == 2 else MandatePeriod.Status.DECIDED,
        )
        for index, year in enumerate(range(first_year, first_year + 12, 4))
    ]
    parts = CountyPart.objects.bulk_create(
        CountyPart(name=f"Länsdel {n}", slug=f"lansdel-{n}", order=n)
        for n in range(1, max(2, scaled(8)) + 1)
    )
    region = Organisation.objects.create(
        name="Region Storlän", slug="region-storlan", kind=Organisation.Kind.REGION, code="97"
    )
    organisations = [region]
    organisations += Organisation.objects.bulk_create(
        Organisation(
            name=f"Kommun {n:03d} i Storlän",
            slug=f"kommun-{n:03d}",
            kind=Organisation.Kind.MUNICIPALITY,
            code=f"9{n:03d}",
            county_part=parts[n % len(parts)],
        )
        for n in range(1, municipalities + 1)
    )
    organisations += Organisation.objects.bulk_create(
        Organisation(name=f"Förbund {n}", slug=f"forbund-{n}", kind=Organisation.Kind.OTHER)
        for n in range(1, scaled(5) + 1)
    )
    parties = [
        Party.objects.get_or_create(abbreviation=abbreviation, defaults={"name": name})[0]
        for abbreviation, name in [
            ("S", "Arbetarepartiet-Socialdemokraterna"),
            ("M", "Moderaterna"),
            ("C", "Centerpartiet"),
            ("KD", "Kristdemokraterna"),
        ]
    ]
    persons = Person.objects.bulk_create(
        Person(
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[n % len(LAST_NAMES)]}-{n}",
            slug=f"person-{n}",
            party=parties[n % len(parties)] if n % 3 else None,
            organisation=organisations[n % len(organisations)],
            title="" if n % 3 else "Tjänsteperson",
            email=f"person-{n}@example.se",
            phone=f"070-{n:07d}",
            is_published=n >= unpublished,
        )
        for n in range(people)
    )
    busiest = persons[unpublished]  # published, and given a seat in every body below

    previous = None
    for period in periods:
        previous = _bodies(period, bodies_per_period, organisations, region, parts, previous, rng)
    Body.objects.rebuild()

    bodies = list(Body.objects.filter(period__in=periods).order_by("period__start", "pk"))
    _seats(bodies, organisations, rng)
    _appointments(periods, persons, busiest, unpublished, rng)

    biggest_body = (
        Body.objects.filter(period__in=periods).annotate(n=Count("seats")).order_by("-n").first()
    )
    biggest_organisation = (
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .annotate(n=Count("seats"))
        .order_by("-n")
        .first()
    )
    biggest_part = (
        CountyPart.objects.filter(pk__in=[p.pk for p in parts])
        .annotate(n=Count("organisations__seats"))
        .order_by("-n")
        .first()
    )
    return BigData(
        periods=periods,
        current=periods[1],
        biggest_body=Body.objects.get(pk=biggest_body.pk),
        busiest_person=busiest,
        biggest_organisation=biggest_organisation,
        biggest_county_part=biggest_part,
    )


def _bodies(period, count, organisations, region, parts, previous, rng):
    """A forest of ``count`` bodies in the period: a few roots, the rest hung below."""
    bodies = Body.objects.bulk_create(
        Body(
            period=period,
            name=f"Organ {n:03d} {period.name}" if n else f"Stora rådet {period.name}",
            short_name=f"O{n}" if n % 4 == 0 else "",
            slug=f"organ-{n:03d}",
            kind=Body.Kind.POLITICAL_COUNCIL if n < 5 else KINDS[n % len(KINDS)],
            purpose="Samverkan om gemensamma frågor.\nÅterrapporterar en gång per år.",
            min_meetings_per_year=4 if n % 2 else None,
            min_members=len(organisations) * 2 if n == 0 else None,
            composition_note="Varje organisation utser två ledamöter." if n == 0 else "",
            lead_organisation=region if n % 3 == 0 else None,
            county_part=parts[n % len(parts)] if n % 5 == 1 else None,
            lft=0,
            rght=0,
            tree_id=0,
            level=0,
        )
        for n in range(count)
    )
    for n, body in enumerate(bodies):
        if n >= 5:
            body.parent_id = bodies[rng.randrange(0, n)].pk
        if body.kind == Body.Kind.OFFICIALS_GROUP:
            body.supports_id = bodies[rng.randrange(0, 5)].pk
        if previous:
            body.predecessor_id = previous[n].pk
    Body.objects.bulk_update(bodies, ["parent", "supports", "predecessor"], batch_size=500)
    big = bodies[0]
    big.member_organisations.set(organisations)
    CompositionRule.objects.create(body=big, ordinary=2, substitutes=2)
    CompositionRule.objects.create(body=big, organisation=region, ordinary=10, substitutes=10)
    return bodies


def _seats(bodies, organisations, rng):
    """Each period's big council: 2 + 2 seats per organisation; other bodies ~6 seats."""
    ordinary = []
    for body in bodies:
        members = organisations if body.name.startswith("Stora rådet") else None
        members = members or rng.sample(organisations, min(3, len(organisations)))
        for organisation in members:
            for order in range(2 if body.name.startswith("Stora rådet") else 1):
                ordinary.append(
                    Seat(
                        body=body,
                        organisation=organisation,
                        role=Seat.Role.ORDINARY,
                        order=order,
                        position=Seat.Position.CHAIR if not ordinary else Seat.Position.MEMBER,
                        office_label="Kommundirektör" if rng.random() < 0.05 else "",
                    )
                )
    ordinary = Seat.objects.bulk_create(ordinary, batch_size=500)
    Seat.objects.bulk_create(
        (
            Seat(
                body_id=seat.body_id,
                organisation_id=seat.organisation_id,
                role=Seat.Role.SUBSTITUTE,
                backs=seat,
                order=seat.order,
            )
            for seat in ordinary
        ),
        batch_size=500,
    )


def _appointments(periods, persons, busiest, unpublished, rng):
    """Most seats held for the whole period; some change holder half-way; some vacant.

    Nobody holds two seats of one body (the registry refuses it), so a person
    already seated in the body is passed over for the next one in the list.
    """
    appointments = []
    seated = set()  # (person, body)

    def free(person, body_id, n):
        while (person.pk, body_id) in seated:
            n += 1
            person = persons[n % len(persons)]
        seated.add((person.pk, body_id))
        return person

    seats = Seat.objects.filter(body__period__in=periods).select_related("body__period")
    for n, seat in enumerate(seats):
        period = seat.body.period
        if n % 10 == 9:
            continue  # vacant
        person = busiest if n % 25 == 0 else persons[rng.randrange(len(persons))]
        if n % 25 == 1:
            person = persons[(n // 25) % unpublished]  # someone who must never show
        person = free(person, seat.body_id, n)
        if n % 7 == 0:
            middle = datetime.date(period.start.year + 1, 6, 30)
            appointments.append(
                Appointment(
                    person=person, seat=seat, body_id=seat.body_id, start=period.start, end=middle
                )
            )
            successor = free(persons[rng.randrange(len(persons))], seat.body_id, n)
            appointments.append(
                Appointment(
                    person=successor,
                    seat=seat,
                    body_id=seat.body_id,
                    start=middle + datetime.timedelta(days=1),
                )
            )
        else:
            appointments.append(
                Appointment(person=person, seat=seat, body_id=seat.body_id, start=period.start)
            )
    Appointment.objects.bulk_create(appointments, batch_size=500)


def add_meetings(periods, busiest, per_year=4, today=None, seed=2):
    """``per_year`` meetings a year for every body of the periods, with attendance.

    Meetings before ``today`` are held, later ones planned. Each held meeting has one
    ordinary member on its attendance list (present or absent, so that every body has
    an attendance rate); ``busiest`` is on the list of every third held meeting as
    well. Returns the number of meetings made.
    """
    from django.utils import timezone

    from meetings.models import Attendance, Meeting

    rng = random.Random(seed)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    people = list(Person.objects.filter(is_published=True).values_list("pk", flat=True)[:500])
    made = 0
    for period in periods:
        bodies = list(period.bodies.values_list("pk", flat=True))
        meetings = []
        for year in range(period.start.year, period.end.year + 1):
            for number in range(per_year):
                for index, body in enumerate(bodies):
                    day = datetime.date(year, 1 + number * 12 // per_year, 1 + index % 27)
                    start = datetime.datetime.combine(day, datetime.time(8 + index % 9), tzinfo=tz)
                    meetings.append(
                        Meeting(
                            body_id=body,
                            start=start,
                            end=start + datetime.timedelta(hours=2),
                            status=Meeting.Status.HELD if day < today else Meeting.Status.PLANNED,
                            place="Regionens hus, sal B",
                            note="Dagordningen skickas ut en vecka före mötet.",
                        )
                    )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=1000)
        made += len(meetings)
        attendance = []
        for n, meeting in enumerate(m for m in meetings if m.status == Meeting.Status.HELD):
            other = rng.choice(people)
            if other != busiest.pk:
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        person_id=other,
                        status=Attendance.Status.PRESENT if n % 4 else Attendance.Status.ABSENT,
                    )
                )
            if n % 3 == 0:
                attendance.append(Attendance(meeting=meeting, person=busiest))
        Attendance.objects.bulk_create(attendance, batch_size=1000)
    return made
