"""Load meetings from a hand-maintained TOML file (see fixtures/orebro-meetings.toml).

Works like the structure files: the models (``models.MeetingFile``) say what the file
may hold; the checker below checks every reference, date and number against the file
and the registry already in the database; the writer saves each object through its
model's ``full_clean()``. All problems of all three come in one list, each with its
place (``meetings[0].attendance[3].person: okänd person "x"``); any problem rolls the
whole load back.

The file records minutes as written. Contradictions in them (an adjuster marked
absent) are not errors: the admin shows them as warnings.
"""

import datetime
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils import timezone

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
from samverkan.files import check, limits
from samverkan.files import models as m
from samverkan.files.limits import StructureFileError
from samverkan.files.load import newest_period
from samverkan.files.write import ImportReport, Writer

# The command's last line: what the load made.
LABELS = {
    "person": "personer",
    "duty": "återrapporteringskrav",
    "meeting": "möten",
    "agenda_item": "ärenden",
    "attendance": "närvaroposter",
}


class MeetingFileError(StructureFileError):
    """The file has problems; ``problems`` lists each with its place in the file."""


def read(path: str | Path) -> dict[str, Any]:
    return limits.read(path, "toml")


def aware(value: datetime.datetime) -> datetime.datetime:
    """A TOML local date-time is local time (Europe/Stockholm); an offset one is kept."""
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def summary(report: ImportReport) -> str:
    return report.created(LABELS)


class _RollBack(Exception):
    pass


def load(data: Mapping[str, Any], actor: Any = None, reason: str = "") -> ImportReport:
    """Check the whole file against itself and the registry, then write it atomically,
    recorded as one change set of ``actor`` found from the newest period of its meetings."""
    _, problems = check.validate(m.MeetingFile, data)
    sections = {
        section: check.entries(data, section, model)
        for section, model in m.MEETING_SECTIONS.items()
    }
    checker = _Checker(sections, data)
    problems += checker.check()
    report = ImportReport()
    writer = _Writer(sections, report)
    try:
        with change_set(actor, ChangeSet.Kind.MEETING_IMPORT, reason) as change:
            writer.write()
            if problems or writer.problems:
                raise _RollBack
            change.period = newest_period(
                salvaged.entry.period for _, salvaged in sections.get("meetings", [])
            )
            report.change_set = change
    except _RollBack:
        pass
    problems += check.unheard(writer.problems, problems)
    if problems:
        raise MeetingFileError(check.in_file_order(problems))
    return report


Sections = Mapping[str, list[tuple[str, check.Salvaged]]]


class _Checker:
    """What the models cannot say: references to the file and the registry, uniqueness."""

    def __init__(self, sections: Sections, data: Mapping[str, Any]) -> None:
        self.sections = sections
        self.data = data
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def check(self) -> list[str]:
        self.organisations = set(Organisation.objects.values_list("slug", flat=True))
        known_people = set(Person.objects.values_list("slug", flat=True))
        self.bodies = set(Body.objects.values_list("period__slug", "slug"))
        people: set[str] = set()
        for where, salvaged in self.sections["people"]:
            person: m.MeetingPerson = salvaged.entry
            if person.slug in known_people:
                self.problem(f"{where}.slug", f'"{person.slug}" finns redan i registret')
            elif person.slug in people:
                self.problem(f"{where}.slug", f'"{person.slug}" finns redan i filen')
            people.add(person.slug)
            self.organisation(f"{where}.organisation", person.organisation)
        self.people = people | known_people
        for where, salvaged in self.sections["reporting_duties"]:
            duty: m.Duty = salvaged.entry
            for period in duty.periods:
                self.body(f"{where}.reports_to", period, duty.reports_to)
                for j, slug in enumerate(duty.bodies):
                    self.body(f"{where}.bodies[{j}]", period, slug)
        uids: set[str] = set()
        for where, salvaged in self.sections["meetings"]:
            self.meeting(where, salvaged.entry, uids)
        return self.problems

    def body(self, where: str, period: str, slug: str) -> None:
        if (period, slug) not in self.bodies:
            self.problem(where, f'okänt organ "{slug}" i mandatperioden "{period}"')

    def person(self, where: str, slug: str | None) -> None:
        if slug and slug not in self.people:
            self.problem(where, f'okänd person "{slug}"')

    def organisation(self, where: str, slug: str | None) -> None:
        if slug and slug not in self.organisations:
            self.problem(where, f'okänd organisation "{slug}"')

    def meeting(self, where: str, meeting: m.MeetingEntry, uids: set[str]) -> None:
        self.body(f"{where}.body", meeting.period, meeting.body)
        if aware(meeting.end) <= aware(meeting.start):
            self.problem(f"{where}.end", "mötet måste sluta efter att det börjar")
        if meeting.uid is not None:
            try:
                uuid.UUID(meeting.uid)
            except ValueError:
                self.problem(f"{where}.uid", "ett UUID behövs")
            if meeting.uid in uids:
                self.problem(f"{where}.uid", f'"{meeting.uid}" finns redan i filen')
            uids.add(meeting.uid)
        self.person(f"{where}.chair", meeting.chair)
        self.person(f"{where}.secretary", meeting.secretary)
        for j, slug in enumerate(meeting.adjusters):
            self.person(f"{where}.adjusters[{j}]", slug)
        seen: set[str] = set()
        for j, entry in enumerate(meeting.attendance):
            place = f"{where}.attendance[{j}]"
            self.person(f"{place}.person", entry.person)
            if entry.person in seen:
                self.problem(f"{place}.person", f'"{entry.person}" finns redan i närvarolistan')
            seen.add(entry.person)
            self.person(f"{place}.replaces", entry.replaces)
            self.organisation(f"{place}.organisation", entry.organisation)
        self.numbers(where)
        for j, item in enumerate(meeting.agenda):
            if item.reports_on:
                self.body(f"{where}.agenda[{j}].reports_on", meeting.period, item.reports_on)

    def numbers(self, where: str) -> None:
        """Agenda numbers once each, also of items with other problems (read from the file)."""
        raw = check.at_place(self.data, where)
        agenda = raw.get("agenda") if isinstance(raw, dict) else None
        numbers: set[int] = set()
        for j, item in enumerate(agenda if isinstance(agenda, list) else []):
            number = item.get("number") if isinstance(item, dict) else None
            if isinstance(number, int) and number in numbers:
                self.problem(f"{where}.agenda[{j}].number", f"ärende {number} finns redan")
            if isinstance(number, int):
                numbers.add(number)


class _Writer(Writer):
    """Writes the meeting file's entries; what refers to something missing is skipped."""

    def __init__(self, sections: Sections, report: ImportReport) -> None:
        super().__init__(report)
        self.sections = sections

    def add(self, obj: Any, where: str, kind: str) -> bool:
        if self.save(obj, where):
            self.report.record(kind, where, "created")
            return True
        return False

    def write(self) -> None:
        organisations = {o.slug: o for o in Organisation.objects.all()}
        self.organisations = organisations
        self.bodies = {(b.period.slug, b.slug): b for b in Body.objects.select_related("period")}
        for where, salvaged in self.sections["people"]:
            entry: m.MeetingPerson = salvaged.entry
            self.add(
                Person(
                    slug=entry.slug,
                    first_name=entry.first_name,
                    last_name=entry.last_name,
                    organisation=organisations.get(entry.organisation or ""),
                    title=entry.title,
                    is_published=entry.published,
                ),
                where,
                "person",
            )
        self.people = {p.slug: p for p in Person.objects.all()}
        for where, salvaged in self.sections["reporting_duties"]:
            duty: m.Duty = salvaged.entry
            for period in duty.periods:
                reports_to = self.bodies.get((period, duty.reports_to))
                for slug in duty.bodies:
                    body = self.bodies.get((period, slug))
                    if body is None or reports_to is None:
                        continue
                    self.add(
                        ReportingDuty(
                            body=body,
                            reports_to=reports_to,
                            times_per_year=duty.times_per_year,
                            note=duty.note,
                        ),
                        where,
                        "duty",
                    )
        for where, salvaged in self.sections["meetings"]:
            self.write_meeting(where, salvaged.entry)

    def write_meeting(self, where: str, entry: m.MeetingEntry) -> None:
        period = entry.period
        body = self.bodies.get((period, entry.body))
        if body is None:
            return
        meeting = Meeting(
            body=body,
            start=aware(entry.start),
            end=aware(entry.end),
            place=entry.place,
            status=entry.status,
            chair=self.people.get(entry.chair or ""),
            secretary=self.people.get(entry.secretary or ""),
            minutes_approved_on=entry.minutes_approved_on,
            note=entry.note.strip(),
        )
        if entry.uid:
            try:
                meeting.uid = uuid.UUID(entry.uid)
            except ValueError:
                return  # reported by the checker
        if not self.add(meeting, where, "meeting"):
            return
        # Row by row, not ``set()``: each adjuster keeps its historical record.
        for slug in dict.fromkeys(s for s in entry.adjusters if s in self.people):
            Adjuster.objects.get_or_create(meeting=meeting, person=self.people[slug])
        for j, item in enumerate(entry.agenda):
            agenda_item = AgendaItem(
                meeting=meeting,
                number=item.number,
                title=item.title,
                presenters=item.presenters,
                text=item.text.strip(),
                decision=item.decision.strip(),
                reports_on=self.bodies.get((period, item.reports_on or "")),
            )
            if self.add(agenda_item, f"{where}.agenda[{j}]", "agenda_item"):
                for k, title in enumerate(item.attachments):
                    self.add(
                        Attachment(agenda_item=agenda_item, title=title),
                        f"{where}.agenda[{j}].attachments[{k}]",
                        "attachment",
                    )
        roster = {a.person_id: a.seat for a in meeting.roster()}
        for j, present in enumerate(entry.attendance):
            person = self.people.get(present.person)
            if person is None:
                continue
            seat = roster.get(person.pk)
            role = present.role or (
                Attendance.role_for_seat(seat) if seat else Attendance.Role.ORDINARY
            )
            self.add(
                Attendance(
                    meeting=meeting,
                    person=person,
                    role=role,
                    status=present.status,
                    replaces=self.people.get(present.replaces or ""),
                    organisation=self.organisations.get(present.organisation or ""),
                ),
                f"{where}.attendance[{j}]",
                "attendance",
            )
