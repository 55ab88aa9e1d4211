"""The hand-maintained TOML structure file (docs/structure-file.md), translated into
the JSON file's data (a ``check.Plan``) and written by the same checker and writer.

What the TOML says more briefly than the JSON, the translation spells out:

- a body lists its ``periods``; it becomes one body per period, ``parent``,
  ``supports`` and ``closing_note`` either one value or ``{period = value}``, the
  predecessor the body with the same slug in the latest earlier period;
- ``members`` may name ``@municipalities`` or ``@county-part:SLUG``;
- seats are the ones named, then those the rules owe each organisation (a generated
  substitute backs the ordinary seat generated beside it), keyed as in the JSON;
- ``[[appointments]]`` name people per body; each gets a free seat of their
  organisation (a chair or vice chair takes a member seat when none has the position).

Each translated entry keeps the TOML's place, so every problem – of the translation,
the checker or a model's ``full_clean()`` – names the line the user wrote.
"""

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bodies.models import Organisation, Seat
from samverkan.files import check
from samverkan.files import models as m

ALL_MUNICIPALITIES = "@municipalities"
COUNTY_PART_MUNICIPALITIES = "@county-part:"


def per_period(value: str | dict[str, str] | None, period: str) -> str | None:
    """A body field that is either one value for all its periods or {period: value}."""
    return value.get(period) if isinstance(value, dict) else value


@dataclass
class _Seat:
    """A seat being planned (positions change as people are placed)."""

    organisation: str
    role: str
    position: str
    place: str
    office: str = ""
    backs: "_Seat | None" = None
    taken: bool = False
    appointments: list[m.AppointmentEntry] = field(default_factory=list)

    @property
    def counts_as_member(self) -> bool:
        return self.position not in (Seat.Position.SECRETARY, Seat.Position.CO_OPTED)


@dataclass
class _Body:
    entry: dict[str, Any]
    place: str
    seats: list[_Seat]


class Translation:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.plan = check.Plan()
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def translate(self) -> tuple[check.Plan, list[str]]:
        _, problems = check.validate(m.TomlStructure, self.data)
        self.problems += problems
        self.read_sections()
        self.name_keys()
        self.organisations = {org.slug: org for org in self.plan.organisations}
        self.people = {person.slug: person for person in self.plan.people}
        self.periods = {period.slug: period for period in self.plan.periods}
        self.bodies: dict[tuple[str, str], _Body] = {}
        for place, salvaged in check.entries(self.data, "bodies", m.TomlBody):
            self.body(place, salvaged.entry)
        self.predecessors()
        for place, salvaged in check.entries(self.data, "appointments", m.TomlAppointments):
            self.appointments(place, salvaged.entry)
        for body in self.bodies.values():
            self.plan.bodies.append(self.finish(body))
        return self.plan, self.problems

    def read_sections(self) -> None:
        """The sections the TOML and the JSON share, entry by entry."""
        plan = self.plan
        for section in ("county_parts", "organisations", "parties", "periods", "people"):
            for place, salvaged in check.entries(self.data, section, m.TOML_SECTIONS[section]):
                getattr(plan, section).append(plan.put(salvaged.entry, place))
        for person in plan.people:
            if isinstance(person, m.TomlPerson):
                plan.published[person.slug] = person.published

    def name_keys(self) -> None:
        """Every key the file names, valid entries or not: a reference to one is known."""
        plan = self.plan
        for section, key in check.KEYS.items():
            plan.named[section] |= check.keys(self.data, section, key)
        for item in check.items_of(self.data, "bodies"):
            if isinstance(item, dict) and isinstance(item.get("periods"), list):
                plan.named_bodies |= {
                    (period, item["slug"])
                    for period in item["periods"]
                    if isinstance(period, str) and isinstance(item.get("slug"), str)
                }

    def body(self, place: str, toml: m.TomlBody) -> None:
        members = self.members(place, toml)
        for period in dict.fromkeys(toml.periods):
            if period not in self.plan.named["periods"]:
                self.problem(f"{place}.periods", f'okänd mandatperiod "{period}"')
                continue
            if (period, toml.slug) in self.bodies:
                self.problem(f"{place}.slug", f'"{toml.slug}" finns redan i {period}')
                continue
            entry = {
                "period": period,
                "slug": toml.slug,
                "name": toml.name,
                "short_name": toml.short_name,
                "kind": toml.kind,
                "parent": per_period(toml.parent, period),
                "supports": per_period(toml.supports, period),
                "purpose": toml.purpose.strip(),
                "min_meetings_per_year": toml.min_meetings_per_year,
                "min_members": toml.min_members,
                "composition_note": toml.composition_note,
                "legal_basis": toml.legal_basis,
                "lead_organisation": toml.lead_organisation,
                "county_part": toml.county_part,
                "closing_note": per_period(toml.closing_note, period) or "",
                "members": members,
                "rules": toml.rules,
            }
            self.bodies[(period, toml.slug)] = _Body(entry, place, self.seats(place, toml, members))

    def members(self, place: str, toml: m.TomlBody) -> list[str]:
        """The member organisations' slugs, @municipalities and @county-part: spelled out."""
        members: list[str] = []
        for j, slug in enumerate(toml.members):
            where = f"{place}.members[{j}]"
            if slug == ALL_MUNICIPALITIES or slug.startswith(COUNTY_PART_MUNICIPALITIES):
                part = slug.removeprefix(COUNTY_PART_MUNICIPALITIES)
                if slug != ALL_MUNICIPALITIES and part not in self.plan.named["county_parts"]:
                    self.problem(where, f'okänd länsdel "{part}"')
                members += [
                    org.slug
                    for org in self.organisations.values()
                    if org.kind == Organisation.Kind.MUNICIPALITY
                    and (slug == ALL_MUNICIPALITIES or org.county_part == part)
                ]
            elif slug not in self.plan.named["organisations"]:
                self.problem(where, f'okänd organisation "{slug}"')
            elif slug in self.organisations:
                members.append(slug)
        return list(dict.fromkeys(members))

    def seats(self, place: str, toml: m.TomlBody, members: list[str]) -> list[_Seat]:
        """The seats the file names, then the rest that the rules give each organisation."""
        seats = [
            _Seat(
                organisation=seat.organisation,
                role=seat.role,
                position=seat.position,
                office=seat.office,
                place=f"{place}.seats[{j}]",
            )
            for j, seat in enumerate(toml.seats)
        ]
        general = next((rule for rule in toml.rules if not rule.organisation), None)
        specific = {rule.organisation: rule for rule in toml.rules if rule.organisation}
        owed = [(slug, specific.get(slug) or general) for slug in members]
        owed += [
            (slug, rule)
            for slug, rule in specific.items()
            if slug not in members and slug in self.organisations
        ]
        named = Counter((s.organisation, s.role) for s in seats if s.counts_as_member)
        for slug, rule in owed:
            if rule is None:
                continue
            ordinary = [
                _Seat(slug, Seat.Role.ORDINARY, Seat.Position.MEMBER, place)
                for _ in range(rule.ordinary - named[(slug, Seat.Role.ORDINARY)])
            ]
            seats += ordinary
            for n in range(rule.substitutes - named[(slug, Seat.Role.SUBSTITUTE)]):
                backs = ordinary[n] if n < len(ordinary) else None
                seats.append(
                    _Seat(slug, Seat.Role.SUBSTITUTE, Seat.Position.MEMBER, place, backs=backs)
                )
        return seats

    def predecessors(self) -> None:
        """The body with the same slug in the latest earlier period."""
        far = datetime.date.max
        by_start = sorted(
            self.bodies, key=lambda key: getattr(self.periods.get(key[0]), "start", far)
        )
        latest: dict[str, str] = {}
        for period, slug in by_start:
            if slug in latest:
                self.bodies[(period, slug)].entry["predecessor"] = m.Predecessor(
                    period=latest[slug], body=slug
                )
            latest[slug] = period

    def appointments(self, place: str, group: m.TomlAppointments) -> None:
        body = self.bodies.get((group.period, group.body))
        period = self.periods.get(group.period)
        if body is None or period is None:
            if (group.period, group.body) not in self.plan.named_bodies:
                self.problem(place, f'okänt organ "{group.body}" i {group.period}')
            return
        for j, entry in enumerate(group.people):
            where = f"{place}.people[{j}]"
            person = self.people.get(entry.person)
            if person is None:
                if entry.person not in self.plan.named["people"]:
                    self.problem(f"{where}.person", f'okänd person "{entry.person}"')
                continue
            organisation = entry.organisation or person.organisation
            seat = self.free_seat(body.seats, organisation, entry)
            if seat is None:
                org = self.organisations.get(organisation or "")
                self.problem(
                    where,
                    f"{body.entry['name']} har ingen ledig plats för "
                    f"{org.name if org else 'personens organisation'} ({entry.position})",
                )
                continue
            seat.taken = True
            seat.position = entry.position
            seat.appointments.append(
                self.plan.put(
                    m.AppointmentEntry(
                        person=entry.person,
                        start=entry.start or period.start,
                        end=entry.end or period.end,
                        appointed_by=entry.appointed_by,
                        note=entry.note if entry.note is not None else group.note,
                        officer_terms=entry.officer_terms,
                    ),
                    where,
                )
            )
            check.place_officer_terms(self.plan, seat.appointments[-1])

    @staticmethod
    def free_seat(
        seats: list[_Seat], organisation: str | None, entry: m.TomlAppointment
    ) -> _Seat | None:
        """A free seat of the organisation: one with the position, else a member seat."""
        candidates = [
            seat
            for seat in seats
            if not seat.taken and seat.organisation == organisation and seat.role == entry.role
        ]
        exact = [seat for seat in candidates if seat.position == entry.position]
        promotable = [
            seat
            for seat in candidates
            if seat.position == Seat.Position.MEMBER
            and entry.position in (Seat.Position.CHAIR, Seat.Position.VICE_CHAIR)
        ]
        found = exact or promotable
        return found[0] if found else None

    def finish(self, body: _Body) -> m.BodyEntry:
        """The body as the JSON's model: seats keyed, each entry with its TOML place."""
        keys = check.seat_key_counts(body.seats)  # type: ignore[arg-type]
        key_of = {id(seat): key for seat, key in zip(body.seats, keys, strict=True)}
        seats = [
            self.plan.put(
                m.SeatEntry(
                    key=key_of[id(seat)],
                    organisation=seat.organisation,
                    role=seat.role,
                    position=seat.position,
                    office=seat.office,
                    backs=key_of[id(seat.backs)] if seat.backs else None,
                    appointments=seat.appointments,
                ),
                seat.place,
            )
            for seat in body.seats
        ]
        entry = m.BodyEntry.model_validate({**body.entry, "seats": seats})
        # model_validate copies the nested models: their places are those of the copies.
        for seat, copied in zip(seats, entry.seats, strict=True):
            self.plan.put(copied, self.plan.at(seat))
            for appointment, copy in zip(seat.appointments, copied.appointments, strict=True):
                self.plan.put(copy, self.plan.at(appointment))
        for j, copied_rule in enumerate(entry.rules):
            self.plan.put(copied_rule, f"{body.place}.rules[{j}]")
        return self.plan.put(entry, body.place)


def plan(data: Mapping[str, Any]) -> tuple[check.Plan, list[str]]:
    """A TOML structure file's plan and the problems found translating it."""
    return Translation(data).translate()
