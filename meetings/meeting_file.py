"""Load meetings from a hand-maintained TOML file (see fixtures/orebro-meetings.toml).

Works like the structure loader (``bodies.structure_file``): first every reference,
date and choice in the file is checked against the file and the registry already in
the database, and *all* problems are reported with their place in the file
(``meetings[0].attendance[3].person: okänd person "x"``). Only a file without
problems is written, in one transaction; each object passes its model's
``full_clean()`` on the way and any model error rolls the whole load back.

The file records minutes as written. Contradictions in them (an adjuster marked
absent) are not errors: the admin shows them as warnings.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from bodies import structure_file
from bodies.history import ChangeSet, change_set
from bodies.models import Body, Organisation
from meetings.models import (
    Adjuster,
    AgendaItem,
    Attachment,
    Attendance,
    Meeting,
    ReportingDuty,
)
from members.models import Person

FORMAT_VERSION = 1


class MeetingFileError(structure_file.StructureFileError):
    """The file has problems; ``problems`` lists each with its place in the file."""


class LoadSummary(structure_file.LoadSummary):
    labels = {
        "people": "personer",
        "duties": "återrapporteringskrav",
        "meetings": "möten",
        "agenda_items": "ärenden",
        "attendances": "närvaroposter",
    }


def read(path):
    return structure_file.read(path, MeetingFileError)


def load(data, actor=None, reason=""):
    """Check the whole file against itself and the registry, then write it atomically.

    Everything written is one change set of ``actor`` (None: the system) with the
    reason, found from the newest period the meetings belong to.
    """
    _Checker(data).check()
    with change_set(actor, ChangeSet.Kind.MEETING_IMPORT, reason) as change:
        summary = _Writer(data).write()
        change.period = structure_file.newest_period(
            entry["period"] for entry in data.get("meetings", [])
        )
    return summary


def aware(value):
    """A TOML local date-time is local time (Europe/Stockholm); an offset one is kept."""
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class _Checker:
    """Finds every problem in the file before anything is written."""

    STATUSES = set(Meeting.Status.values)
    ROLES = set(Attendance.Role.values)
    ATTENDANCE = set(Attendance.Status.values)

    def __init__(self, data):
        self.data = data
        self.problems = []

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def items(self, section, data=None):
        value = (data if data is not None else self.data).get(section, [])
        if not isinstance(value, list):
            self.problem(section, "en lista förväntas")
            return []
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]

    def check(self):
        if self.data.get("format") != FORMAT_VERSION:
            self.problem("format", f"formatversion {FORMAT_VERSION} förväntas")
        organisations = set(Organisation.objects.values_list("slug", flat=True))
        known_people = set(Person.objects.values_list("slug", flat=True))
        self.bodies = set(Body.objects.values_list("period__slug", "slug"))
        people = set()
        for i, entry in self.items("people"):
            where = f"people[{i}]"
            for name in ("slug", "first_name", "last_name"):
                if not entry.get(name):
                    self.problem(f"{where}.{name}", "saknas")
            slug = entry.get("slug")
            if slug in known_people:
                self.problem(f"{where}.slug", f'"{slug}" finns redan i registret')
            elif slug in people:
                self.problem(f"{where}.slug", f'"{slug}" finns redan i filen')
            people.add(slug)
            org = entry.get("organisation")
            if org and org not in organisations:
                self.problem(f"{where}.organisation", f'okänd organisation "{org}"')
        self.people = people | known_people
        self.organisations = organisations
        self.check_duties()
        uids = set()
        for i, meeting in self.items("meetings"):
            self.check_meeting(f"meetings[{i}]", meeting, uids)
        if self.problems:
            raise MeetingFileError(self.problems)

    def body(self, where, period, slug):
        if not slug:
            self.problem(where, "saknas")
        elif (period, slug) not in self.bodies:
            self.problem(where, f'okänt organ "{slug}" i mandatperioden "{period}"')

    def person(self, where, slug):
        if slug not in self.people:
            self.problem(where, f'okänd person "{slug}"')

    def check_duties(self):
        for i, duty in self.items("reporting_duties"):
            where = f"reporting_duties[{i}]"
            periods = duty.get("periods") or []
            if not periods:
                self.problem(f"{where}.periods", "saknas")
            for period in periods:
                self.body(f"{where}.reports_to", period, duty.get("reports_to"))
                for j, slug in enumerate(duty.get("bodies", [])):
                    self.body(f"{where}.bodies[{j}]", period, slug)
            times = duty.get("times_per_year", 1)
            if not isinstance(times, int) or times < 1:
                self.problem(f"{where}.times_per_year", "ett heltal från 1 förväntas")

    def check_meeting(self, where, meeting, uids):
        period = meeting.get("period")
        self.body(f"{where}.body", period, meeting.get("body"))
        start, end = meeting.get("start"), meeting.get("end")
        for key, value in (("start", start), ("end", end)):
            if not isinstance(value, datetime.datetime):
                self.problem(f"{where}.{key}", "en tidpunkt som 2022-09-29T09:00:00 förväntas")
        both = isinstance(start, datetime.datetime) and isinstance(end, datetime.datetime)
        if both and aware(end) <= aware(start):
            self.problem(f"{where}.end", "mötet måste sluta efter att det börjar")
        status = meeting.get("status", Meeting.Status.PLANNED)
        if status not in self.STATUSES:
            self.problem(f"{where}.status", f'"{status}" är inte ett av {sorted(self.STATUSES)}')
        uid = meeting.get("uid")
        if uid is not None:
            try:
                uuid.UUID(str(uid))
            except ValueError:
                self.problem(f"{where}.uid", "ett UUID förväntas")
            if uid in uids:
                self.problem(f"{where}.uid", f'"{uid}" finns redan i filen')
            uids.add(uid)
        approved = meeting.get("minutes_approved_on")
        if approved is not None and not isinstance(approved, datetime.date):
            self.problem(f"{where}.minutes_approved_on", "ett datum som 2022-10-10 förväntas")
        for key in ("chair", "secretary"):
            if meeting.get(key):
                self.person(f"{where}.{key}", meeting[key])
        for j, slug in enumerate(meeting.get("adjusters", [])):
            self.person(f"{where}.adjusters[{j}]", slug)
        seen = set()
        for j, entry in self.items("attendance", meeting):
            place = f"{where}.attendance[{j}]"
            slug = entry.get("person")
            self.person(f"{place}.person", slug)
            if slug in seen:
                self.problem(f"{place}.person", f'"{slug}" finns redan i närvarolistan')
            seen.add(slug)
            if entry.get("status", "present") not in self.ATTENDANCE:
                self.problem(f"{place}.status", f'"{entry.get("status")}" är okänd närvaro')
            if entry.get("role") is not None and entry["role"] not in self.ROLES:
                self.problem(f"{place}.role", f'"{entry["role"]}" är en okänd roll')
            if entry.get("replaces"):
                self.person(f"{place}.replaces", entry["replaces"])
            org = entry.get("organisation")
            if org and org not in self.organisations:
                self.problem(f"{place}.organisation", f'okänd organisation "{org}"')
        numbers = set()
        for j, item in self.items("agenda", meeting):
            place = f"{where}.agenda[{j}]"
            number = item.get("number")
            if not isinstance(number, int) or number < 1:
                self.problem(f"{place}.number", "ett nummer från 1 förväntas")
            elif number in numbers:
                self.problem(f"{place}.number", f"ärende {number} finns redan")
            numbers.add(number)
            if not item.get("title"):
                self.problem(f"{place}.title", "saknas")
            if item.get("reports_on"):
                self.body(f"{place}.reports_on", period, item["reports_on"])


class _Writer:
    """Writes a checked file; every object passes its model's full_clean()."""

    def __init__(self, data):
        self.data = data
        self.summary = LoadSummary()
        self.problems = []

    def save(self, obj, where, counter, exclude=None):
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            for message in error.messages:
                self.problems.append(f"{where}: {message}")
            return None
        obj.save()
        self.summary.counts[counter] += 1
        return obj

    def stop_if_problems(self):
        if self.problems:
            raise MeetingFileError(self.problems)

    def write(self):
        self.organisations = {o.slug: o for o in Organisation.objects.all()}
        self.bodies = {(b.period.slug, b.slug): b for b in Body.objects.select_related("period")}
        for i, entry in enumerate(self.data.get("people", [])):
            self.save(
                Person(
                    slug=entry["slug"],
                    first_name=entry["first_name"],
                    last_name=entry["last_name"],
                    organisation=self.organisations.get(entry.get("organisation")),
                    title=entry.get("title", ""),
                    is_published=entry.get("published", True),
                ),
                f"people[{i}]",
                "people",
            )
        self.stop_if_problems()
        self.people = {p.slug: p for p in Person.objects.all()}
        for i, duty in enumerate(self.data.get("reporting_duties", [])):
            for period in duty["periods"]:
                for slug in duty.get("bodies", []):
                    self.save(
                        ReportingDuty(
                            body=self.bodies[(period, slug)],
                            reports_to=self.bodies[(period, duty["reports_to"])],
                            times_per_year=duty.get("times_per_year", 1),
                            note=duty.get("note", ""),
                        ),
                        f"reporting_duties[{i}]",
                        "duties",
                    )
        for i, entry in enumerate(self.data.get("meetings", [])):
            self.write_meeting(f"meetings[{i}]", entry)
        self.stop_if_problems()
        return self.summary

    def write_meeting(self, where, entry):
        period = entry["period"]
        meeting = Meeting(
            body=self.bodies[(period, entry["body"])],
            start=aware(entry["start"]),
            end=aware(entry["end"]),
            place=entry.get("place", ""),
            status=entry.get("status", Meeting.Status.PLANNED),
            chair=self.people.get(entry.get("chair")),
            secretary=self.people.get(entry.get("secretary")),
            minutes_approved_on=entry.get("minutes_approved_on"),
            note=entry.get("note", "").strip(),
        )
        if entry.get("uid"):
            meeting.uid = uuid.UUID(str(entry["uid"]))
        if not self.save(meeting, where, "meetings"):
            return
        # Row by row, not ``set()``: each adjuster gets its historical record.
        for slug in dict.fromkeys(entry.get("adjusters", [])):
            Adjuster.objects.create(meeting=meeting, person=self.people[slug])
        for j, item in enumerate(entry.get("agenda", [])):
            agenda_item = self.save(
                AgendaItem(
                    meeting=meeting,
                    number=item["number"],
                    title=item["title"],
                    presenters=item.get("presenters", ""),
                    text=item.get("text", "").strip(),
                    decision=item.get("decision", "").strip(),
                    reports_on=self.bodies.get((period, item.get("reports_on"))),
                ),
                f"{where}.agenda[{j}]",
                "agenda_items",
            )
            for k, title in enumerate(item.get("attachments", [])):
                if agenda_item:
                    self.save(
                        Attachment(agenda_item=agenda_item, title=title),
                        f"{where}.agenda[{j}].attachments[{k}]",
                        "attachments",
                    )
        roster = {a.person_id: a.seat for a in meeting.roster()}
        for j, item in enumerate(entry.get("attendance", [])):
            person = self.people[item["person"]]
            seat = roster.get(person.pk)
            role = item.get("role") or (
                Attendance.role_for_seat(seat) if seat else Attendance.Role.ORDINARY
            )
            self.save(
                Attendance(
                    meeting=meeting,
                    person=person,
                    role=role,
                    status=item.get("status", Attendance.Status.PRESENT),
                    replaces=self.people.get(item.get("replaces")),
                    organisation=self.organisations.get(item.get("organisation")),
                ),
                f"{where}.attendance[{j}]",
                "attendances",
            )
