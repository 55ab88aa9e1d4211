"""Load a region's structure from a hand-maintained TOML file (docs/structure-file.md).

Loading happens in two steps. First every reference, name and number in the file is
checked and *all* problems are reported with their place in the file
(``bodies[4].parent: okänt organ "kcrd"``). Only a file without problems is written,
in one transaction, and each object is validated by its model on the way: any model
error rolls the whole load back, so a bad file never leaves half a registry behind.
"""

import datetime
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from bodies.history import ChangeSet, change_set
from bodies.models import (
    Body,
    CompositionRule,
    CountyPart,
    MandatePeriod,
    Membership,
    Organisation,
    Seat,
)
from members.models import Appointment, Party, Person

FORMAT_VERSION = 1
ALL_MUNICIPALITIES = "@municipalities"
COUNTY_PART_MUNICIPALITIES = "@county-part:"


def per_period(entry, key, period):
    """A body field that is either one value for all its periods or {period: value}."""
    value = entry.get(key)
    return value.get(period) if isinstance(value, dict) else value


class StructureFileError(Exception):
    """The file has problems; ``problems`` lists each with its place in the file."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadSummary:
    """What a load wrote, counted per kind of row, in the words of ``labels``."""

    labels = {
        "organisations": "organisationer",
        "periods": "mandatperioder",
        "bodies": "organ",
        "seats": "platser",
        "people": "personer",
        "appointments": "uppdrag",
    }
    counts: Counter = field(default_factory=Counter)

    def __str__(self):
        return ", ".join(f"{self.counts[key]} {label}" for key, label in self.labels.items())


def read(path, error=StructureFileError):
    """Parse the TOML file; a syntax error is reported like any other problem."""
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as problem:
        raise error([f"{path}: filen går inte att läsa som TOML: {problem}"]) from None
    except OSError as problem:
        raise error([f"{path}: {problem.strerror}"]) from None


def newest_period(slugs):
    """The latest of the periods named, for finding an import's change set from it."""
    return MandatePeriod.objects.filter(slug__in=set(slugs)).order_by("-start").first()


def load(data, actor=None, reason=""):
    """Check the whole structure, then write it in one transaction.

    Everything written is one change set of ``actor`` (None: the system) with the
    reason, found from the newest period of the file.
    """
    _Checker(data).check()
    with change_set(actor, ChangeSet.Kind.STRUCTURE_IMPORT, reason) as change:
        summary = _Writer(data).write()
        change.period = newest_period(item["slug"] for item in data.get("periods", []))
    return summary


class _Checker:
    """Finds every problem in the file before anything is written."""

    KINDS = {
        "organisations": {choice.value for choice in Organisation.Kind},
        "bodies": {choice.value for choice in Body.Kind},
        "periods": {choice.value for choice in MandatePeriod.Status},
    }
    ROLES = {choice.value for choice in Seat.Role}
    POSITIONS = {choice.value for choice in Seat.Position}

    def __init__(self, data):
        self.data = data
        self.problems = []

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check(self):
        if self.data.get("format") != FORMAT_VERSION:
            self.problem("format", f"formatversion {FORMAT_VERSION} förväntas")
        parts = self.keyed("county_parts", "slug", required=("name",))
        organisations = self.keyed("organisations", "slug", required=("name", "kind"))
        parties = self.keyed("parties", "abbreviation", required=("name",))
        periods = self.keyed("periods", "slug", required=("name", "start", "end"))
        people = self.keyed("people", "slug", required=("first_name", "last_name"))

        for i, org in self.items("organisations"):
            self.choice(f"organisations[{i}].kind", org.get("kind"), self.KINDS["organisations"])
            self.reference(f"organisations[{i}].county_part", org.get("county_part"), parts)
        for i, period in self.items("periods"):
            where = f"periods[{i}]"
            self.choice(f"{where}.status", period.get("status", "proposed"), self.KINDS["periods"])
            start, end = period.get("start"), period.get("end")
            for key, value in (("start", start), ("end", end)):
                if not isinstance(value, datetime.date):
                    self.problem(f"{where}.{key}", "ett datum som 2023-01-01 förväntas")
            if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end <= start:
                self.problem(f"{where}.end", "perioden måste sluta efter att den börjar")
        for i, person in self.items("people"):
            self.reference(f"people[{i}].party", person.get("party"), parties, "parti")
            self.reference(f"people[{i}].organisation", person.get("organisation"), organisations)
        bodies = self.check_bodies(periods, organisations, parts)
        self.check_appointments(periods, bodies, people)
        if self.problems:
            raise StructureFileError(self.problems)

    def items(self, section):
        value = self.data.get(section, [])
        if not isinstance(value, list):
            self.problem(section, "en lista förväntas")
            return []
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]

    def keyed(self, section, key, required=()):
        """The section's entries by key, reporting missing fields and duplicate keys."""
        entries = {}
        for i, item in self.items(section):
            for name in (key, *required):
                if item.get(name) in (None, ""):
                    self.problem(f"{section}[{i}].{name}", "saknas")
            if item.get(key) in entries:
                self.problem(f"{section}[{i}].{key}", f'"{item[key]}" finns redan')
            entries[item.get(key)] = item
        return entries

    def choice(self, where, value, allowed):
        if value not in allowed:
            self.problem(where, f'"{value}" är inte ett av {", ".join(sorted(allowed))}')

    def reference(self, where, value, known, what="organisation"):
        if value not in (None, "") and value not in known:
            self.problem(where, f'okänd {what} "{value}"')

    def check_bodies(self, periods, organisations, parts):
        """Bodies by (period, slug); checks references, the tree and the seat quotas."""
        bodies = {}
        entries = self.items("bodies")
        for i, entry in entries:
            where = f"bodies[{i}]"
            for name in ("slug", "name", "kind", "periods"):
                if not entry.get(name):
                    self.problem(f"{where}.{name}", "saknas")
            self.choice(f"{where}.kind", entry.get("kind"), self.KINDS["bodies"])
            for period in entry.get("periods", []):
                if period not in periods:
                    self.problem(f"{where}.periods", f'okänd mandatperiod "{period}"')
                elif (period, entry.get("slug")) in bodies:
                    self.problem(f"{where}.slug", f'"{entry["slug"]}" finns redan i {period}')
                bodies[(period, entry.get("slug"))] = entry
            for key in ("lead_organisation",):
                self.reference(f"{where}.{key}", entry.get(key), organisations)
            self.reference(f"{where}.county_part", entry.get("county_part"), parts, "länsdel")
            for j, member in enumerate(entry.get("members", [])):
                if member.startswith(COUNTY_PART_MUNICIPALITIES):
                    part = member.removeprefix(COUNTY_PART_MUNICIPALITIES)
                    self.reference(f"{where}.members[{j}]", part, parts, "länsdel")
                elif member != ALL_MUNICIPALITIES:
                    self.reference(f"{where}.members[{j}]", member, organisations)
            for j, rule in enumerate(entry.get("rules", [])):
                self.reference(
                    f"{where}.rules[{j}].organisation", rule.get("organisation"), organisations
                )
            for j, seat in enumerate(entry.get("seats", [])):
                self.reference(
                    f"{where}.seats[{j}].organisation", seat.get("organisation"), organisations
                )
                if not seat.get("organisation"):
                    self.problem(f"{where}.seats[{j}].organisation", "saknas")
                self.choice(f"{where}.seats[{j}].role", seat.get("role", "ordinary"), self.ROLES)
                self.choice(
                    f"{where}.seats[{j}].position", seat.get("position", "member"), self.POSITIONS
                )
        for i, entry in entries:
            for key, what in (("parent", "rapporterar till"), ("supports", "stöd för")):
                for period in entry.get("periods", []):
                    target = per_period(entry, key, period)
                    if target and (period, target) not in bodies:
                        self.problem(
                            f"bodies[{i}].{key}", f'okänt organ "{target}" i {period} ({what})'
                        )
            if self.reaches_itself(entry, bodies):
                self.problem(
                    f"bodies[{i}].parent", "organet rapporterar i en cirkel till sig självt"
                )
        return bodies

    @staticmethod
    def reaches_itself(entry, bodies):
        for period in entry.get("periods", []):
            seen, current = set(), entry
            while current and per_period(current, "parent", period):
                if current.get("slug") in seen:
                    return True
                seen.add(current.get("slug"))
                current = bodies.get((period, per_period(current, "parent", period)))
                if current is entry:
                    return True
        return False

    def check_appointments(self, periods, bodies, people):
        for i, group in self.items("appointments"):
            where = f"appointments[{i}]"
            key = (group.get("period"), group.get("body"))
            if key not in bodies:
                self.problem(where, f'okänt organ "{group.get("body")}" i {group.get("period")}')
                continue
            period = periods[group["period"]]
            for j, entry in enumerate(group.get("people", [])):
                place = f"{where}.people[{j}]"
                if entry.get("person") not in people:
                    self.problem(f"{place}.person", f'okänd person "{entry.get("person")}"')
                for name in ("start", "end"):
                    day = entry.get(name)
                    if day is not None and not (period["start"] <= day <= period["end"]):
                        self.problem(f"{place}.{name}", "datumet ligger utanför mandatperioden")


class _Writer:
    """Writes a checked file; every object passes its model's full_clean()."""

    def __init__(self, data):
        self.data = data
        self.summary = LoadSummary()
        self.problems = []

    def save(self, obj, where, counter):
        try:
            obj.full_clean()
        except ValidationError as error:
            for message in error.messages:
                self.problems.append(f"{where}: {message}")
            return obj
        obj.save()
        self.summary.counts[counter] += 1
        return obj

    def write(self):
        parts = {
            item["slug"]: self.save(
                CountyPart(slug=item["slug"], name=item["name"], order=i),
                f"county_parts[{i}]",
                "county_parts",
            )
            for i, item in enumerate(self.data.get("county_parts", []))
        }
        self.organisations = {}
        for i, item in enumerate(self.data.get("organisations", [])):
            self.organisations[item["slug"]] = self.save(
                Organisation(
                    slug=item["slug"],
                    name=item["name"],
                    short_name=item.get("short_name", ""),
                    kind=item["kind"],
                    code=item.get("code", ""),
                    county_part=parts.get(item.get("county_part")),
                ),
                f"organisations[{i}]",
                "organisations",
            )
        parties = {
            item["abbreviation"]: self.save(
                Party(abbreviation=item["abbreviation"], name=item["name"], order=i),
                f"parties[{i}]",
                "parties",
            )
            for i, item in enumerate(self.data.get("parties", []))
        }
        self.periods = {}
        for i, item in enumerate(self.data.get("periods", [])):
            self.periods[item["slug"]] = self.save(
                MandatePeriod(
                    slug=item["slug"],
                    name=item["name"],
                    start=item["start"],
                    end=item["end"],
                    status=item.get("status", MandatePeriod.Status.PROPOSED),
                    decision_reference=item.get("decision_reference", ""),
                ),
                f"periods[{i}]",
                "periods",
            )
        self.people = {}
        for i, item in enumerate(self.data.get("people", [])):
            self.people[item["slug"]] = self.save(
                Person(
                    slug=item["slug"],
                    first_name=item["first_name"],
                    last_name=item["last_name"],
                    party=parties.get(item.get("party")),
                    organisation=self.organisations.get(item.get("organisation")),
                    title=item.get("title", ""),
                    is_published=item.get("published", True),
                ),
                f"people[{i}]",
                "people",
            )
        self.stop_if_problems()
        self.write_bodies(parts)
        self.write_appointments()
        self.stop_if_problems()
        return self.summary

    def stop_if_problems(self):
        if self.problems:
            raise StructureFileError(self.problems)

    def write_bodies(self, parts):
        """Create each period's forest in file order, parents before children."""
        self.bodies = {}
        entries = list(enumerate(self.data.get("bodies", [])))
        pending = [(i, entry, slug) for i, entry in entries for slug in entry["periods"]]
        periods_in_order = sorted(self.periods, key=lambda slug: self.periods[slug].start)
        pending.sort(key=lambda item: periods_in_order.index(item[2]))
        while pending:
            ready = [
                item
                for item in pending
                if not per_period(item[1], "parent", item[2])
                or (item[2], per_period(item[1], "parent", item[2])) in self.bodies
            ]
            if not ready:  # the checker rules out cycles; this guards against a loop
                raise StructureFileError(["bodies: trädet kan inte byggas"])
            for i, entry, period in ready:
                self.write_body(i, entry, period, parts)
            pending = [item for item in pending if item not in ready]
        self.stop_if_problems()
        for i, entry in entries:
            for period in entry["periods"]:
                supports = per_period(entry, "supports", period)
                if supports:
                    body = self.bodies[(period, entry["slug"])]
                    body.supports = self.bodies[(period, supports)]
                    self.save(body, f"bodies[{i}].supports", "links")
        for i, entry in entries:
            for period in entry["periods"]:
                self.write_seats(i, entry, self.bodies[(period, entry["slug"])])

    def write_body(self, i, entry, period_slug, parts):
        period = self.periods[period_slug]
        # The predecessor is the body with the same slug in the latest earlier period.
        earlier = [
            self.bodies[(slug, entry["slug"])]
            for slug in sorted(self.periods, key=lambda slug: self.periods[slug].start)
            if (slug, entry["slug"]) in self.bodies and self.periods[slug].start < period.start
        ]
        body = Body(
            period=period,
            slug=entry["slug"],
            name=entry["name"],
            short_name=entry.get("short_name", ""),
            kind=entry["kind"],
            parent=self.bodies.get((period_slug, per_period(entry, "parent", period_slug))),
            predecessor=earlier[-1] if earlier else None,
            purpose=entry.get("purpose", "").strip(),
            min_meetings_per_year=entry.get("min_meetings_per_year"),
            min_members=entry.get("min_members"),
            composition_note=entry.get("composition_note", ""),
            lead_organisation=self.organisations.get(entry.get("lead_organisation")),
            county_part=parts.get(entry.get("county_part")),
            legal_basis=entry.get("legal_basis", ""),
            closing_note=per_period(entry, "closing_note", period_slug) or "",
        )
        self.bodies[(period_slug, entry["slug"])] = self.save(body, f"bodies[{i}]", "bodies")
        if body.pk:
            # Row by row, not ``set()``: each membership gets its historical record.
            for organisation in {o.pk: o for o in self.member_organisations(entry)}.values():
                Membership.objects.create(body=body, organisation=organisation)

    def member_organisations(self, entry):
        members = []
        for slug in entry.get("members", []):
            if slug == ALL_MUNICIPALITIES or slug.startswith(COUNTY_PART_MUNICIPALITIES):
                part = slug.removeprefix(COUNTY_PART_MUNICIPALITIES)
                members += [
                    org
                    for org in self.organisations.values()
                    if org.kind == Organisation.Kind.MUNICIPALITY
                    and (slug == ALL_MUNICIPALITIES or org.county_part.slug == part)
                ]
            else:
                members.append(self.organisations[slug])
        return members

    def write_seats(self, i, entry, body):
        """The seats the file names, then the rest that the rules give each organisation."""
        where = f"bodies[{i}]"
        seats = []
        for j, item in enumerate(entry.get("seats", [])):
            seat = Seat(
                body=body,
                organisation=self.organisations[item["organisation"]],
                role=item.get("role", Seat.Role.ORDINARY),
                position=item.get("position", Seat.Position.MEMBER),
                office_label=item.get("office", ""),
                order=len(seats),
            )
            seats.append(self.save(seat, f"{where}.seats[{j}]", "seats"))
        rules = entry.get("rules", [])
        for j, rule in enumerate(rules):
            composition_rule = CompositionRule(
                body=body,
                organisation=self.organisations.get(rule.get("organisation")),
                ordinary=rule.get("ordinary", 1),
                substitutes=rule.get("substitutes", 0),
            )
            self.save(composition_rule, f"{where}.rules[{j}]", "rules")
        general = next((rule for rule in rules if not rule.get("organisation")), None)
        specific = {rule["organisation"]: rule for rule in rules if rule.get("organisation")}
        members = self.member_organisations(entry)
        owed = [(org, specific.get(org.slug) or general) for org in members]
        owed += [
            (self.organisations[slug], rule)
            for slug, rule in specific.items()
            if self.organisations[slug] not in members
        ]
        named = Counter((s.organisation_id, s.role) for s in seats if s.counts_as_member)
        for org, rule in owed:
            if not rule:
                continue
            ordinary_seats = []
            missing_ordinary = rule.get("ordinary", 1) - named[(org.pk, Seat.Role.ORDINARY)]
            for _ in range(max(missing_ordinary, 0)):
                seat = Seat(body=body, organisation=org, order=len(seats))
                seats.append(self.save(seat, where, "seats"))
                ordinary_seats.append(seat)
            missing_substitutes = rule.get("substitutes", 0) - named[(org.pk, Seat.Role.SUBSTITUTE)]
            for n in range(max(missing_substitutes, 0)):
                # Each generated substitute backs the ordinary seat generated beside it.
                backs = ordinary_seats[n] if n < len(ordinary_seats) else None
                seat = Seat(
                    body=body,
                    organisation=org,
                    role=Seat.Role.SUBSTITUTE,
                    backs=backs,
                    order=len(seats),
                )
                seats.append(self.save(seat, where, "seats"))

    def write_appointments(self):
        taken = defaultdict(bool)
        for i, group in enumerate(self.data.get("appointments", [])):
            period = self.periods[group["period"]]
            body = self.bodies[(group["period"], group["body"])]
            seats = list(body.seats.select_related("organisation").order_by("order", "pk"))
            for j, entry in enumerate(group.get("people", [])):
                where = f"appointments[{i}].people[{j}]"
                person = self.people[entry["person"]]
                seat = self.free_seat(seats, taken, person, entry)
                if seat is None:
                    self.problems.append(
                        f"{where}: {body.name} har ingen ledig plats för "
                        f"{person.organisation or 'personens organisation'} "
                        f"({entry.get('position', 'member')})"
                    )
                    continue
                taken[seat.pk] = True
                position = entry.get("position")
                if position and seat.position != position:
                    seat.position = position
                    self.save(seat, where, "positions")
                appointment = Appointment(
                    person=person,
                    seat=seat,
                    start=entry.get("start", period.start),
                    end=entry.get("end", period.end),
                    appointed_by=entry.get("appointed_by", ""),
                    note=entry.get("note", group.get("note", "")),
                )
                self.save(appointment, where, "appointments")

    @staticmethod
    def free_seat(seats, taken, person, entry):
        """A free seat of the person's organisation: one with the position, else a member seat."""
        organisation = entry.get("organisation") or (
            person.organisation.slug if person.organisation else None
        )
        role = entry.get("role", Seat.Role.ORDINARY)
        position = entry.get("position", Seat.Position.MEMBER)
        candidates = [
            seat
            for seat in seats
            if not taken[seat.pk] and seat.organisation.slug == organisation and seat.role == role
        ]
        exact = [seat for seat in candidates if seat.position == position]
        promotable = [
            seat
            for seat in candidates
            if seat.position == Seat.Position.MEMBER
            and position in (Seat.Position.CHAIR, Seat.Position.VICE_CHAIR)
        ]
        return (exact or promotable or [None])[0]
