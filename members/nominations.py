"""Nominations from the organisations: check a body's nominated people, then seat them.

After an election every organisation names the people for the seats it holds in each
body. The secretary sends each organisation a form (``samverkan/files/nominations.py``
writes and reads it as XLSX) and uploads the filled-in forms: ``check`` answers what
would happen – who is new, who replaces a holder, what is wrong, each with its file,
row and column – without writing; ``apply`` checks again and writes everything as one
change set, or nothing.

A nomination names a seat by its key (the seat's id, written into the form), so a
renamed organisation or a reordered body does not mix up rows.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext

from bodies.history import ChangeSet, change_set
from bodies.models import Seat
from members.models import Appointment, Party, Person
from members.roster import new_person

# The nominated fields, in the form's order; each is a column of the form.
FIELDS = ("key", "organisation", "first_name", "last_name", "party", "start", "end")


@dataclass
class Nomination:
    """One filled-in row of a nomination form, as read from the file.

    ``columns`` names each field's column as people see it in Excel ("J (Parti)").
    Dates are ISO strings so that a row survives the round trip through the page.
    """

    file: str
    row: int
    key: str
    organisation: str = ""
    first_name: str = ""
    last_name: str = ""
    party: str = ""
    start: str = ""
    end: str = ""
    columns: dict = field(default_factory=dict)

    @property
    def is_blank(self):
        return not any([self.first_name, self.last_name, self.party, self.start, self.end])

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        names = {*FIELDS, "file", "row", "columns"}
        return cls(**{name: value for name, value in data.items() if name in names})


@dataclass
class Problem:
    """What is wrong, and where: file, row and column (Excel letter and header)."""

    file: str
    row: int | None
    column: str
    message: str

    def place(self):
        parts = [self.file]
        if self.row:
            parts.append(gettext("rad %(row)s") % {"row": self.row})
        if self.column:
            parts.append(gettext("kolumn %(column)s") % {"column": self.column})
        return ", ".join(parts)

    def __str__(self):
        return f"{self.place()}: {self.message}"


@dataclass
class Entry:
    """One seat the upload fills: with whom, from when, and whom it replaces."""

    NEW, CHANGE, UNCHANGED = "new", "change", "unchanged"

    kind: str
    nomination: Nomination
    seat: Seat
    person: Person | None  # an existing person, or None for a new one
    first_name: str
    last_name: str
    party: Party | None
    start: datetime.date
    end: datetime.date | None
    replacing: Appointment | None = None
    party_change: bool = False

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def identity(self):
        if self.person is not None:
            return ("person", self.person.pk)
        organisation = self.seat.organisation_id
        return ("new", self.first_name.casefold(), self.last_name.casefold(), organisation)


@dataclass
class Plan:
    """What an upload would do: the entries by kind, and every problem found."""

    entries: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def of_kind(self, kind):
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def new(self):
        return self.of_kind(Entry.NEW)

    @property
    def changes(self):
        return self.of_kind(Entry.CHANGE)

    @property
    def unchanged(self):
        return self.of_kind(Entry.UNCHANGED)

    @property
    def writes(self):
        return [entry for entry in self.entries if entry.kind != Entry.UNCHANGED]


class NominationsRefused(Exception):
    """The nominations cannot be written; ``plan.problems`` says why."""

    def __init__(self, plan):
        self.plan = plan
        super().__init__("\n".join(str(problem) for problem in plan.problems))


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _fmt(day):
    return formats.date_format(day) if day else ""


class _Checker:
    """Reads the registry once for a body and checks each nomination against it."""

    def __init__(self, body, nominations, user):
        self.body = body
        self.period = body.period
        self.user = user
        self.nominations = nominations
        self.plan = Plan()
        keys = {_key(n.key) for n in nominations} - {None}
        self.seats = {
            seat.pk: seat
            for seat in Seat.objects.labelled(on=self.period.default_day())
            .select_related("body__period", "organisation")
            .filter(pk__in=keys)
        }
        self.held = {}
        for appointment in (
            Appointment.objects.filter(seat__body=body)
            .select_related("person", "seat")
            .order_by("start", "pk")
        ):
            self.held.setdefault(appointment.seat_id, []).append(appointment)
        self.parties = {party.abbreviation.casefold(): party for party in Party.objects.all()}
        organisations = {seat.organisation_id for seat in self.seats.values()}
        self.people = {}
        for person in Person.objects.filter(organisation__in=organisations).select_related("party"):
            name = (person.first_name.casefold(), person.last_name.casefold())
            self.people.setdefault((*name, person.organisation_id), []).append(person)

    def problem(self, nomination, column, message):
        place = nomination.columns.get(column, "") if column else ""
        self.plan.problems.append(Problem(nomination.file, nomination.row, place, message))

    def run(self):
        first_row = {}
        for nomination in self.nominations:
            if nomination.is_blank:
                continue
            entry = self.entry(nomination)
            if entry is None:
                continue
            seen = first_row.get(entry.seat.pk)
            if seen is not None:
                self.problem(
                    nomination,
                    "key",
                    gettext("Platsen är redan nominerad i %(file)s, rad %(row)s.")
                    % {"file": seen.file, "row": seen.row},
                )
                continue
            first_row[entry.seat.pk] = nomination
            self.plan.entries.append(entry)
        self.check_overlaps()
        return self.plan

    def entry(self, nomination):
        seat = self.seat(nomination)
        if seat is None:
            return None
        first, last = nomination.first_name, nomination.last_name
        if not (first and last):
            missing = "last_name" if first else "first_name"
            self.problem(nomination, missing, gettext("Skriv både förnamn och efternamn."))
            return None
        party = None
        if nomination.party:
            party = self.parties.get(nomination.party.casefold())
            if party is None:
                known = ", ".join(sorted(p.abbreviation for p in self.parties.values()))
                self.problem(
                    nomination,
                    "party",
                    gettext("Okänt parti ”%(party)s”. Skriv partiets förkortning: %(known)s.")
                    % {"party": nomination.party, "known": known},
                )
                return None
        start = _date(nomination.start) or self.period.start
        end = _date(nomination.end)
        if not self.dates_fit(nomination, start, end):
            return None
        person = self.person(nomination, seat)
        if person is False:
            return None
        entry = Entry(Entry.NEW, nomination, seat, person, first, last, party, start, end)
        if person is not None:
            first, last = person.first_name, person.last_name
            entry.first_name, entry.last_name = first, last
            entry.party_change = party is not None and person.party_id != party.pk
            if entry.party_change and not self.user.has_perm("members.change_person", person):
                self.problem(nomination, "party", gettext("Du får inte ändra personens parti."))
                return None
        return self.occupancy(entry)

    def seat(self, nomination):
        pk = _key(nomination.key)
        if pk is None:
            self.problem(
                nomination,
                "key",
                gettext("Platsnyckeln ”%(key)s” är inte ett nummer; ändra inte den kolumnen.")
                % {"key": nomination.key},
            )
            return None
        seat = self.seats.get(pk)
        if seat is None:
            self.problem(
                nomination,
                "key",
                gettext("Det finns ingen plats med nyckeln %(key)s.") % {"key": pk},
            )
            return None
        if seat.body_id != self.body.pk:
            self.problem(
                nomination,
                "key",
                gettext(
                    "Plats %(key)s hör till %(other)s, inte till %(body)s. Använd blanketten "
                    "för rätt organ och period."
                )
                % {
                    "key": pk,
                    "other": f"{seat.body.display_name} {seat.body.period.name}",
                    "body": f"{self.body.display_name} {self.period.name}",
                },
            )
            return None
        named = nomination.organisation
        if named and named.casefold() != seat.organisation.name.casefold():
            self.problem(
                nomination,
                "organisation",
                gettext("Plats %(key)s har %(organisation)s, inte %(named)s.")
                % {"key": pk, "organisation": seat.organisation.name, "named": named},
            )
            return None
        if not self.user.has_perm("bodies.change_seat", seat):
            self.problem(
                nomination,
                "key",
                gettext("Du får inte nominera till platser som %(organisation)s har.")
                % {"organisation": seat.organisation.name},
            )
            return None
        return seat

    def dates_fit(self, nomination, start, end):
        period, fits = self.period, True
        for name, day in (("start", start), ("end", end)):
            if day is not None and not period.contains(day):
                fits = False
                self.problem(
                    nomination,
                    name,
                    gettext(
                        "Datumet %(day)s ligger utanför mandatperioden %(period)s "
                        "(%(start)s–%(end)s)."
                    )
                    % {
                        "day": _fmt(day),
                        "period": period.name,
                        "start": _fmt(period.start),
                        "end": _fmt(period.end),
                    },
                )
        if fits and end is not None and end < start:
            self.problem(
                nomination,
                "end",
                gettext("Uppdraget kan inte sluta (%(end)s) innan det börjar (%(start)s).")
                % {"end": _fmt(end), "start": _fmt(start)},
            )
            fits = False
        return fits

    def person(self, nomination, seat):
        """The registry's person of that name in the seat's organisation, None for a new
        one, False when the name is ambiguous or the user may not add people."""
        name = (nomination.first_name.casefold(), nomination.last_name.casefold())
        found = self.people.get((*name, seat.organisation_id), [])
        if len(found) > 1:
            self.problem(
                nomination,
                "last_name",
                gettext(
                    "%(count)s personer i %(organisation)s heter %(name)s i registret. "
                    "Ge dem olika namn i registret först."
                )
                % {
                    "count": len(found),
                    "organisation": seat.organisation.name,
                    "name": f"{nomination.first_name} {nomination.last_name}",
                },
            )
            return False
        if found:
            return found[0]
        if not self.user.has_perm("members.add_person", Person(organisation=seat.organisation)):
            self.problem(nomination, "last_name", gettext("Du får inte lägga till personer."))
            return False
        return None

    def occupancy(self, entry):
        """New in a vacant seat, unchanged if already held by the person, or a change
        that ends the holder's appointment the day before."""
        overlapping = [
            a
            for a in self.held.get(entry.seat.pk, [])
            if (a.end is None or a.end >= entry.start)
            and (entry.end is None or a.start <= entry.end)
        ]
        if not overlapping:
            return entry
        if entry.person is not None and all(a.person_id == entry.person.pk for a in overlapping):
            entry.kind = Entry.UNCHANGED
            return entry
        holder = overlapping[-1]
        if len(overlapping) > 1 or holder.start >= entry.start:
            self.problem(
                entry.nomination,
                "start",
                gettext(
                    "Platsen innehas av %(person)s från %(from)s. En nominering som börjar "
                    "%(start)s kan inte ersätta det uppdraget: välj ett senare startdatum "
                    "eller ändra uppdraget i registret."
                )
                % {
                    "person": holder.person.full_name,
                    "from": _fmt(holder.start),
                    "start": _fmt(entry.start),
                },
            )
            return None
        if not self.user.has_perm("members.change_appointment", holder):
            self.problem(
                entry.nomination, "start", gettext("Du får inte avsluta innehavarens uppdrag.")
            )
            return None
        entry.kind, entry.replacing = Entry.CHANGE, holder
        return entry

    def check_overlaps(self):
        """A person holds at most one seat of the body at a time: in the file and in the
        registry (appointments this upload ends are counted as ended)."""
        ends = {
            entry.replacing.pk: entry.start - datetime.timedelta(days=1)
            for entry in self.plan.entries
            if entry.replacing is not None
        }
        by_person = {}
        for entry in list(self.plan.entries):
            others = by_person.setdefault(entry.identity, [])
            clash = next(
                (o for o in others if _overlap(o.start, o.end, entry.start, entry.end)), None
            )
            if clash is not None:
                self.refuse(
                    entry,
                    gettext(
                        "%(person)s är redan nominerad till %(seat)s i %(file)s, rad %(row)s, "
                        "för samma tid. En person kan ha bara en plats i ett organ åt gången."
                    )
                    % {
                        "person": entry.name,
                        "seat": clash.seat.short_label(),
                        "file": clash.nomination.file,
                        "row": clash.nomination.row,
                    },
                )
                continue
            others.append(entry)
            if entry.person is None or entry.kind == Entry.UNCHANGED:
                continue
            for appointments in self.held.values():
                for a in appointments:
                    if a.person_id != entry.person.pk or a.seat_id == entry.seat.pk:
                        continue
                    end = min(filter(None, [a.end, ends.get(a.pk)]), default=None)
                    if _overlap(a.start, end, entry.start, entry.end):
                        self.refuse(
                            entry,
                            gettext(
                                "%(person)s har redan en plats i %(body)s (%(seat)s) från "
                                "%(start)s. En person kan ha bara en plats i ett organ åt "
                                "gången."
                            )
                            % {
                                "person": entry.name,
                                "body": self.body.display_name,
                                "seat": a.seat.short_label(),
                                "start": _fmt(a.start),
                            },
                        )
                        break

    def refuse(self, entry, message):
        if entry in self.plan.entries:
            self.plan.entries.remove(entry)
        self.problem(entry.nomination, "last_name", message)


def _overlap(start, end, other_start, other_end):
    return (end is None or end >= other_start) and (other_end is None or other_end >= start)


def _key(text):
    text = str(text).strip()
    return int(text) if text.isdigit() else None


def check(body, nominations, user):
    """What the nominations would change in the body, and what is wrong; writes nothing."""
    return _Checker(body, nominations, user).run()


def apply(body, nominations, user, reason):
    """Seat every nominated person, as one change set; nothing if anything is wrong.

    Checked again here, inside the transaction: the registry may have changed since
    the preview. Holders being replaced are ended first, so that a person moving
    between seats of the body never holds two at once.
    """
    with change_set(user, ChangeSet.Kind.NOMINATIONS, reason, body.period):
        plan = check(body, nominations, user)
        if plan.problems:
            raise NominationsRefused(plan)
        try:
            _write(plan)
        except ValidationError as error:
            entry = getattr(error, "entry", None)
            nomination = entry.nomination if entry else Nomination("", 0, "")
            plan.problems = [
                Problem(nomination.file, nomination.row, "", message) for message in error.messages
            ]
            raise NominationsRefused(plan) from None
    return plan


def _write(plan):
    for entry in plan.writes:
        if entry.replacing is not None:
            entry.replacing.end = entry.start - datetime.timedelta(days=1)
            _save(entry.replacing, entry)
    created = {}
    for entry in plan.writes:
        person = entry.person or created.get(entry.identity)
        if person is None:
            person = new_person(
                entry.first_name,
                entry.last_name,
                party=entry.party,
                organisation=entry.seat.organisation,
            )
            _save(person, entry)
            created[entry.identity] = person
        elif entry.party_change:
            person.party = entry.party
            _save(person, entry)
        appointment = Appointment(person=person, seat=entry.seat, start=entry.start, end=entry.end)
        _save(appointment, entry)


def _save(obj, entry):
    try:
        obj.full_clean()
    except ValidationError as error:
        error.entry = entry
        raise
    obj.save()


def seats_for_form(body, organisation):
    """The seats of the body an organisation fills, in roster order, with their labels."""
    return (
        Seat.objects.labelled(on=body.period.default_day())
        .filter(body=body, organisation=organisation)
        .order_by("role", "order", "pk")
    )


def nominating_organisations(body, user):
    """The organisations whose nominations the user may handle for the body: every seat
    the organisation holds there must be one the user may change (bodies.change_seat)."""
    seats = Seat.objects.filter(body=body).select_related("organisation", "body__period")
    by_organisation = {}
    for seat in seats.order_by("organisation__name", "pk"):
        by_organisation.setdefault(seat.organisation, []).append(seat)
    return [
        organisation
        for organisation, held in by_organisation.items()
        if all(user.has_perm("bodies.change_seat", seat) for seat in held)
    ]


def vacancies(body):
    """Seat count and vacant seat count per organisation id, on the period's default day."""
    day = body.period.default_day()
    held = set(
        Appointment.objects.filter(seat__body=body)
        .filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)
        .values_list("seat_id", flat=True)
    )
    counts = {}
    for seat in Seat.objects.filter(body=body).only("pk", "organisation_id", "office_label"):
        total, vacant = counts.get(seat.organisation_id, (0, 0))
        counts[seat.organisation_id] = (total + 1, vacant + (seat.pk not in held))
    return counts
