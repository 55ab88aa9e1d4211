"""Export and import a region's structure as versioned JSON (docs/structure-json.md).

The JSON format is the machine-written sibling of the hand-maintained TOML file
(bodies/structure_file.py) and follows the same two steps on import:

1. The whole file is checked first – shape, types, references, the tree, dates – and
   *every* problem is reported with its place (``bodies[4].parent: okänt organ "kc-rd"
   i 2023-2026``). A file with problems writes nothing.
2. A clean file is written in one transaction, each object through its model's
   ``full_clean()``; any model error rolls everything back and is reported the same way.

Unlike the TOML loader, the import updates a filled database by stable keys (slugs;
a body by period and slug; a seat by its key within the body; an appointment by seat,
person and start), so importing the same file twice changes nothing. It never deletes
seats, appointments or anything else with history. Seats are explicit: nothing is
generated from the composition rules.

The export holds only what may be public: no e-mail, phone or internal note of a
person, and no unpublished person or their appointments.
"""

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Case, Prefetch, Value, When
from mptt.exceptions import InvalidMove

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
from bodies.structure_file import StructureFileError, _Checker, newest_period
from members.models import Appointment, Party, Person

FORMAT = "samverkan-structure"
VERSION = 1

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------
# Export


def seat_keys(seats):
    """Each seat's key within its body: ``organisation/role/n``, n counting from 1.

    ``seats`` are the body's seats in their order (``order``, then ``pk``); the n-th
    seat of an organisation and role gets n. The import derives the same keys from
    the order of a body's seats in the file, so a key is stable as long as the
    seats keep their order.
    """
    counts = Counter()
    keys = {}
    for seat in seats:
        organisation = seat.organisation.slug
        counts[(organisation, seat.role)] += 1
        keys[seat.pk] = f"{organisation}/{seat.role}/{counts[(organisation, seat.role)]}"
    return keys


def _date(day):
    return day.isoformat() if day else None


def export(periods=None, description=None):
    """The structure of the given periods (all by default) as a JSON-ready dict.

    Organisations, county parts, parties and published people are exported whole:
    they belong to the region, not to a period. A predecessor in a period that is
    not exported is left out like a missing one: the key is omitted, which the import
    reads as "keep what the database has" (``null`` in a file clears it).
    """
    all_periods = MandatePeriod.objects.order_by("start")
    periods = list(all_periods if periods is None else all_periods.filter(pk__in=periods))
    exported = {period.pk for period in periods}
    kind_order = Case(
        *[When(kind=kind, then=Value(n)) for n, kind in enumerate(Organisation.Kind.values)],
        default=Value(len(Organisation.Kind.values)),
    )
    data = {
        "format": FORMAT,
        "version": VERSION,
        "description": description
        if description is not None
        else "Samverkansstruktur " + ", ".join(period.name for period in periods),
        "county_parts": [
            {"slug": part.slug, "name": part.name}
            for part in CountyPart.objects.order_by("order", "name", "pk")
        ],
        "organisations": [
            {
                "slug": org.slug,
                "name": org.name,
                "short_name": org.short_name,
                "kind": org.kind,
                "code": org.code,
                "county_part": org.county_part.slug if org.county_part else None,
            }
            for org in Organisation.objects.select_related("county_part").order_by(
                kind_order, "name", "pk"
            )
        ],
        "parties": [
            {"abbreviation": party.abbreviation, "name": party.name}
            for party in Party.objects.order_by("order", "abbreviation", "pk")
        ],
        "periods": [
            {
                "slug": period.slug,
                "name": period.name,
                "start": _date(period.start),
                "end": _date(period.end),
                "status": period.status,
                "decision_reference": period.decision_reference,
                "decided_on": _date(period.decided_on),
            }
            for period in periods
        ],
        "people": [
            {
                "slug": person.slug,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "party": person.party.abbreviation if person.party else None,
                "organisation": person.organisation.slug if person.organisation else None,
                "title": person.title,
            }
            for person in Person.objects.public()
            .select_related("party", "organisation")
            .order_by("last_name", "first_name", "slug")
        ],
        "bodies": [],
    }
    seats = Seat.objects.select_related("organisation").order_by("order", "pk")
    bodies = (
        Body.objects.filter(period__in=periods)
        .select_related(
            "period",
            "parent",
            "supports",
            "predecessor__period",
            "lead_organisation",
            "county_part",
        )
        .prefetch_related(
            "member_organisations",
            Prefetch("rules", queryset=CompositionRule.objects.select_related("organisation")),
            Prefetch(
                "seats",
                queryset=seats.prefetch_related(
                    Prefetch(
                        "appointments",
                        queryset=Appointment.objects.public()
                        .select_related("person")
                        .order_by("start", "pk"),
                    )
                ),
            ),
        )
        .order_by("period__start", "tree_id", "lft")
    )
    for body in bodies:
        data["bodies"].append(_export_body(body, exported))
    return data


def _export_body(body, exported_periods):
    entry = {
        "period": body.period.slug,
        "slug": body.slug,
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "parent": body.parent.slug if body.parent else None,
        "supports": body.supports.slug if body.supports else None,
    }
    if body.predecessor and body.predecessor.period_id in exported_periods:
        entry["predecessor"] = {
            "period": body.predecessor.period.slug,
            "body": body.predecessor.slug,
        }
    entry.update(
        {
            "purpose": body.purpose,
            "min_meetings_per_year": body.min_meetings_per_year,
            "min_members": body.min_members,
            "composition_note": body.composition_note,
            "legal_basis": body.legal_basis,
            "lead_organisation": body.lead_organisation.slug if body.lead_organisation else None,
            "county_part": body.county_part.slug if body.county_part else None,
            "closing_note": body.closing_note,
            "members": sorted(org.slug for org in body.member_organisations.all()),
            "rules": [
                {
                    "organisation": rule.organisation.slug if rule.organisation else None,
                    "ordinary": rule.ordinary,
                    "substitutes": rule.substitutes,
                }
                for rule in sorted(
                    body.rules.all(),
                    key=lambda rule: rule.organisation.slug if rule.organisation else "",
                )
            ],
        }
    )
    seats = list(body.seats.all())
    keys = seat_keys(seats)
    entry["seats"] = []
    for seat in seats:
        item = {"key": keys[seat.pk], "organisation": seat.organisation.slug, "role": seat.role}
        if seat.position != Seat.Position.MEMBER:
            item["position"] = seat.position
        if seat.office_label:
            item["office"] = seat.office_label
        if seat.backs_id:
            item["backs"] = keys.get(seat.backs_id)
        appointments = []
        for appointment in seat.appointments.all():
            row = {"person": appointment.person.slug, "start": _date(appointment.start)}
            row["end"] = _date(appointment.end)
            if appointment.appointed_by:
                row["appointed_by"] = appointment.appointed_by
            if appointment.note:
                row["note"] = appointment.note
            appointments.append(row)
        if appointments:
            item["appointments"] = appointments
        entry["seats"].append(item)
    return entry


def dumps(data):
    """The file's text: UTF-8 JSON, two-space indents, keys in the export's order."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# Reading and checking


def parse(text, name="filen"):
    """The file's JSON; a syntax error (e.g. a truncated file) is reported with its place."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise StructureFileError([f"{name}: filen är inte kodad som UTF-8"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()):
            message = "filen tar slut mitt i (är filen avklippt?)"
        else:
            message = _json_message(error.msg)
        place = f"rad {error.lineno}, kolumn {error.colno}"
        raise StructureFileError(
            [f"{name}: filen är inte giltig JSON ({place}): {message}"]
        ) from None
    if not isinstance(data, dict):
        raise StructureFileError([f"{name}: ett JSON-objekt {{…}} förväntas överst i filen"])
    return data


def _json_message(message):
    known = {
        "Expecting value": "ett värde saknas (är filen avklippt?)",
        "Unterminated string starting at": "en sträng tar aldrig slut (är filen avklippt?)",
        "Expecting ',' delimiter": "ett kommatecken saknas (är filen avklippt?)",
        "Expecting property name enclosed in double quotes": "ett fältnamn inom citattecken "
        "förväntas",
        "Extra data": "det finns text efter JSON-objektet",
    }
    return known.get(message, message)


def read(path):
    try:
        with open(path, "rb") as file:
            return parse(file.read(), str(path))
    except OSError as error:
        raise StructureFileError([f"{path}: {error.strerror}"]) from None


# Field kinds: "slug" and "text" are strings ("slug" required and non-empty), "int" a
# whole number ≥ 0 or null, "date" an ISO date (YYYY-MM-DD), "date?" a date or null,
# "ref" a string or null naming something else in the file.
SECTIONS = {
    "county_parts": {"slug": "slug", "name": "name"},
    "organisations": {
        "slug": "slug",
        "name": "name",
        "short_name": "text",
        "kind": "name",
        "code": "text",
        "county_part": "ref",
    },
    "parties": {"abbreviation": "slug", "name": "name"},
    "periods": {
        "slug": "slug",
        "name": "name",
        "start": "date",
        "end": "date",
        "status": "name",
        "decision_reference": "text",
        "decided_on": "date?",
    },
    "people": {
        "slug": "slug",
        "first_name": "name",
        "last_name": "name",
        "party": "ref",
        "organisation": "ref",
        "title": "text",
    },
    "bodies": {
        "period": "slug",
        "slug": "slug",
        "name": "name",
        "short_name": "text",
        "kind": "name",
        "parent": "ref",
        "supports": "ref",
        "predecessor": "predecessor",
        "purpose": "text",
        "min_meetings_per_year": "int",
        "min_members": "int",
        "composition_note": "text",
        "legal_basis": "text",
        "lead_organisation": "ref",
        "county_part": "ref",
        "closing_note": "text",
        "members": "list",
        "rules": "list",
        "seats": "list",
    },
    "rules": {"organisation": "ref", "ordinary": "count", "substitutes": "count"},
    "seats": {
        "key": "slug",
        "organisation": "slug",
        "role": "name",
        "position": "name",
        "office": "text",
        "backs": "ref",
        "appointments": "list",
    },
    "appointments": {
        "person": "slug",
        "start": "date",
        "end": "date?",
        "appointed_by": "text",
        "note": "text",
    },
}
TOP_LEVEL = {"$schema", "format", "version", "description", *SECTIONS} - {
    "rules",
    "seats",
    "appointments",
}
# Required fields of each section ("slug" fields always are).
REQUIRED = {
    "county_parts": {"name"},
    "organisations": {"name", "kind"},
    "parties": {"name"},
    "periods": {"name", "start", "end"},
    "people": {"first_name", "last_name"},
    "bodies": {"name", "kind"},
    "seats": {"role"},
    "appointments": {"start"},
}


class _JsonChecker(_Checker):
    """Checks a JSON structure the way the TOML checker does, plus the JSON's types."""

    def check(self):
        data = self.data
        if data.get("format") != FORMAT:
            self.problem("format", f'"{FORMAT}" förväntas')
        if data.get("version") != VERSION:
            self.problem("version", f"formatversion {VERSION} förväntas")
        if not isinstance(data.get("description", ""), str):
            self.problem("description", "en text förväntas")
        for key in data:
            if key not in TOP_LEVEL:
                self.problem(key, "okänt fält")
        for section in ("county_parts", "organisations", "parties", "periods", "people", "bodies"):
            if section not in data:
                self.problem(section, "saknas")
            for i, item in self.items(section):
                self.fields(f"{section}[{i}]", item, section)
        parts = self.keyed("county_parts", "slug")
        organisations = self.keyed("organisations", "slug")
        parties = self.keyed("parties", "abbreviation")
        periods = self.keyed("periods", "slug")
        people = self.keyed("people", "slug")

        for i, org in self.items("organisations"):
            self.choice(f"organisations[{i}].kind", org.get("kind"), self.KINDS["organisations"])
            self.reference(
                f"organisations[{i}].county_part", org.get("county_part"), parts, "länsdel"
            )
        for i, period in self.items("periods"):
            where = f"periods[{i}]"
            self.choice(f"{where}.status", period.get("status", "proposed"), self.KINDS["periods"])
            start, end = self.day(period.get("start")), self.day(period.get("end"))
            if start and end and end <= start:
                self.problem(f"{where}.end", "perioden måste sluta efter att den börjar")
        for i, person in self.items("people"):
            self.reference(f"people[{i}].party", person.get("party"), parties, "parti")
            self.reference(f"people[{i}].organisation", person.get("organisation"), organisations)
        self.check_bodies(periods, organisations, parts, people)
        if self.problems:
            raise StructureFileError(list(dict.fromkeys(self.problems)))

    def choice(self, where, value, allowed):
        if isinstance(value, str):  # a missing or mistyped value is reported by fields()
            super().choice(where, value, allowed)

    def reference(self, where, value, known, what="organisation"):
        if isinstance(value, str):
            super().reference(where, value, known, what)

    def items(self, section, container=None, where=None):
        container = self.data if container is None else container
        where = where or section
        value = container.get(section, [])
        if not isinstance(value, list):
            self.problem(where, "en lista […] förväntas")
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                found.append((i, item))
            else:
                self.problem(f"{where}[{i}]", "ett objekt {…} förväntas")
        return found

    def keyed(self, section, key, required=()):
        """Like the TOML checker's, without reporting the fields a second time."""
        entries = {}
        for i, item in self.items(section):
            value = item.get(key)
            if isinstance(value, str) and value in entries:
                self.problem(f"{section}[{i}].{key}", f'"{value}" finns redan')
            if isinstance(value, str):
                entries[value] = item
        return entries

    def fields(self, where, item, section):
        """Report unknown fields, missing required ones and values of the wrong type."""
        spec = SECTIONS[section]
        for name in item:
            if name not in spec:
                self.problem(f"{where}.{name}", "okänt fält")
        for name, kind in spec.items():
            place = f"{where}.{name}"
            required = kind == "slug" or name in REQUIRED.get(section, ())
            if name not in item or item[name] is None:
                if required:
                    self.problem(place, "saknas")
                elif kind in ("slug", "name", "date", "count") and name in item:
                    self.problem(place, "får inte vara null")
                continue
            value = item[name]
            if kind in ("slug", "name"):
                if not isinstance(value, str):
                    self.problem(place, "en text förväntas")
                elif not value.strip():
                    self.problem(place, "får inte vara tomt")
            elif kind in ("text", "ref"):
                if not isinstance(value, str):
                    self.problem(place, "en text förväntas")
            elif kind in ("int", "count"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    self.problem(place, "ett heltal (0 eller större) förväntas")
            elif kind in ("date", "date?"):
                if self.day(value) is None:
                    self.problem(place, 'ett datum som "2023-01-01" förväntas')
            elif kind == "list":
                if not isinstance(value, list):
                    self.problem(place, "en lista […] förväntas")
            elif kind == "predecessor" and not (
                isinstance(value, dict)
                and set(value) == {"period", "body"}
                and all(isinstance(v, str) and v for v in value.values())
            ):
                self.problem(place, 'ett objekt {"period": …, "body": …} förväntas')

    @staticmethod
    def day(value):
        if not isinstance(value, str) or not DATE.match(value):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None

    def check_bodies(self, periods, organisations, parts, people):
        entries = self.items("bodies")
        bodies = {}
        for i, entry in entries:
            key = (entry.get("period"), entry.get("slug"))
            if not all(isinstance(part, str) for part in key):
                continue
            if key[0] not in periods:
                self.problem(f"bodies[{i}].period", f'okänd mandatperiod "{key[0]}"')
            elif key in bodies:
                self.problem(f"bodies[{i}].slug", f'"{key[1]}" finns redan i {key[0]}')
            bodies[key] = (i, entry)
        for i, entry in entries:
            where = f"bodies[{i}]"
            period = entry.get("period")
            self.choice(f"{where}.kind", entry.get("kind"), self.KINDS["bodies"])
            self.reference(
                f"{where}.lead_organisation", entry.get("lead_organisation"), organisations
            )
            self.reference(f"{where}.county_part", entry.get("county_part"), parts, "länsdel")
            for key in ("parent", "supports"):
                target = entry.get(key)
                if isinstance(target, str) and target and (period, target) not in bodies:
                    self.problem(f"{where}.{key}", f'okänt organ "{target}" i {period}')
                if target == entry.get("slug") and target:
                    self.problem(f"{where}.{key}", "ett organ kan inte peka på sig självt")
            predecessor = entry.get("predecessor")
            if isinstance(predecessor, dict) and predecessor.get("period") in periods:
                target = (predecessor["period"], predecessor.get("body"))
                earlier = self.day(periods[predecessor["period"]].get("start"))
                later = self.day(periods[period].get("start")) if period in periods else None
                if target not in bodies:
                    self.problem(
                        f"{where}.predecessor",
                        f'okänt organ "{predecessor.get("body")}" i {predecessor["period"]}',
                    )
                elif earlier and later and earlier >= later:
                    self.problem(
                        f"{where}.predecessor", "föregångaren måste höra till en tidigare period"
                    )
            members = entry.get("members", [])
            if isinstance(members, list):
                for j, member in enumerate(members):
                    if not isinstance(member, str):
                        self.problem(f"{where}.members[{j}]", "en text förväntas")
                    else:
                        self.reference(f"{where}.members[{j}]", member, organisations)
            seen_rules = set()
            for j, rule in self.items("rules", entry, f"{where}.rules"):
                self.fields(f"{where}.rules[{j}]", rule, "rules")
                organisation = rule.get("organisation")
                self.reference(f"{where}.rules[{j}].organisation", organisation, organisations)
                if organisation in seen_rules:
                    self.problem(
                        f"{where}.rules[{j}].organisation", "organet har redan en sådan regel"
                    )
                seen_rules.add(organisation)
            self.check_seats(where, entry, organisations, people, periods.get(period))
            if self.reaches_itself_in(entry, bodies):
                self.problem(f"{where}.parent", "organet rapporterar i en cirkel till sig självt")
        return bodies

    @staticmethod
    def reaches_itself_in(entry, bodies):
        """Whether following the parents from the body leads back to it."""
        period, seen = entry.get("period"), set()
        current = entry
        while isinstance(current.get("parent"), str) and current.get("parent"):
            key = (period, current["parent"])
            if key in seen or key not in bodies:
                return False
            seen.add(key)
            current = bodies[key][1]
            if current is entry:
                return True
        return False

    def check_seats(self, where, entry, organisations, people, period):
        counts = Counter()
        keys = {}
        seats = self.items("seats", entry, f"{where}.seats")
        for j, seat in seats:
            place = f"{where}.seats[{j}]"
            self.fields(place, seat, "seats")
            organisation, role = seat.get("organisation"), seat.get("role")
            self.reference(f"{place}.organisation", organisation, organisations)
            self.choice(f"{place}.role", role, self.ROLES)
            self.choice(f"{place}.position", seat.get("position", "member"), self.POSITIONS)
            if isinstance(organisation, str) and isinstance(role, str):
                counts[(organisation, role)] += 1
                expected = f"{organisation}/{role}/{counts[(organisation, role)]}"
                if isinstance(seat.get("key"), str) and seat["key"] != expected:
                    self.problem(
                        f"{place}.key",
                        f'"{seat["key"]}" ska vara "{expected}" (organisation/platstyp/nummer '
                        "i filens ordning)",
                    )
                keys[expected] = seat
        for j, seat in seats:
            place = f"{where}.seats[{j}]"
            backs = seat.get("backs")
            if isinstance(backs, str) and backs:
                if backs not in keys:
                    self.problem(f"{place}.backs", f'okänd plats "{backs}" i organet')
                elif seat.get("role") != Seat.Role.SUBSTITUTE:
                    self.problem(f"{place}.backs", "bara en ersättarplats kan backa en plats")
                elif keys[backs].get("role") != Seat.Role.ORDINARY:
                    self.problem(f"{place}.backs", f'"{backs}" är ingen ordinarie plats')
            self.check_appointments(place, seat, people, period)

    def check_appointments(self, where, seat, people, period):
        spans = []
        for k, appointment in self.items("appointments", seat, f"{where}.appointments"):
            place = f"{where}.appointments[{k}]"
            self.fields(place, appointment, "appointments")
            self.reference(f"{place}.person", appointment.get("person"), people, "person")
            start, end = self.day(appointment.get("start")), self.day(appointment.get("end"))
            if start and end and end < start:
                self.problem(f"{place}.end", "uppdraget kan inte sluta innan det börjar")
                continue
            if period is not None:
                first, last = self.day(period.get("start")), self.day(period.get("end"))
                for name, day in (("start", start), ("end", end)):
                    if day and first and last and not first <= day <= last:
                        self.problem(f"{place}.{name}", "datumet ligger utanför mandatperioden")
            if start:
                for other_k, other_start, other_end in spans:
                    if start <= (other_end or datetime.date.max) and other_start <= (
                        end or datetime.date.max
                    ):
                        self.problem(
                            place,
                            f"överlappar appointments[{other_k}] på samma plats "
                            f"({other_start.isoformat()}–"
                            f"{other_end.isoformat() if other_end else 'tills vidare'})",
                        )
                        break
                spans.append((k, start, end))


# ---------------------------------------------------------------------------
# Writing


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): each change and counts per kind."""

    dry_run: bool = False
    changes: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    change_set: object = None  # the history's record of a real run that changed something

    LABELS = {
        "county_part": "länsdelar",
        "organisation": "organisationer",
        "party": "partier",
        "period": "mandatperioder",
        "person": "personer",
        "body": "organ",
        "rule": "sammansättningsregler",
        "seat": "platser",
        "appointment": "uppdrag",
    }

    def record(self, kind, key, action, fields=()):
        self.counts[(kind, action)] += 1
        if action != "unchanged":
            self.changes.append((kind, key, action, tuple(fields)))

    @property
    def changed(self):
        return bool(self.changes)

    def lines(self):
        signs = {"created": "+", "updated": "~", "deleted": "-"}
        for kind, key, action, fields in self.changes:
            detail = f" ({', '.join(fields)})" if fields else ""
            yield f"{signs[action]} {self.LABELS[kind]}: {key}{detail}"

    def summary(self):
        parts = []
        for kind, label in self.LABELS.items():
            created = self.counts[(kind, "created")]
            updated = self.counts[(kind, "updated")]
            deleted = self.counts[(kind, "deleted")]
            unchanged = self.counts[(kind, "unchanged")]
            if created or updated or deleted or unchanged:
                counts = [f"{created} nya", f"{updated} ändrade", f"{unchanged} oförändrade"]
                if deleted:
                    counts.append(f"{deleted} borttagna")
                parts.append(f"{label}: " + ", ".join(counts))
        return "; ".join(parts) if parts else "filen innehåller ingenting"

    def __str__(self):
        return self.summary()


class _DryRunDone(Exception):
    """Raised inside the transaction to roll a dry run (or a run changing nothing) back."""


def check(data):
    """Every problem in the file, before anything is written; raises StructureFileError."""
    _JsonChecker(data).check()


def import_structure(data, dry_run=False, actor=None, reason=""):
    """Check the whole file, then write it in one transaction (rolled back in a dry run).

    What a real run writes is one change set of ``actor`` (None: the system) with the
    reason, found from the newest period of the file; a run that changes nothing
    leaves no change set.
    """
    check(data)
    report = ImportReport(dry_run=dry_run)
    try:
        with change_set(actor, ChangeSet.Kind.STRUCTURE_IMPORT, reason) as change:
            _Writer(data, report).write()
            if dry_run or not report.changed:
                raise _DryRunDone
            change.period = newest_period(item["slug"] for item in data.get("periods", []))
            report.change_set = change
    except _DryRunDone:
        pass
    return report


def _value(value):
    """A file value as the model holds it: dates parsed, null text as ""."""
    if isinstance(value, str) and DATE.match(value):
        return datetime.date.fromisoformat(value)
    return value


class _Writer:
    """Writes a checked file, creating or updating each object by its stable key."""

    def __init__(self, data, report):
        self.data = data
        self.report = report
        self.problems = []

    def upsert(self, obj, values, where, kind, key, record=True):
        """Create ``obj`` (unsaved) or update it with the values that differ; full_clean first.

        ``record=False`` for a second write to an object this import just created.
        """
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            action, changed = "created", ()
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if not changed:
                if record:
                    self.report.record(kind, key, "unchanged")
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            action = "updated"
        try:
            obj.full_clean()
            obj.save()
        except ValidationError as error:
            for message in error.messages:
                self.problems.append(f"{where}: {message}")
            return obj
        except InvalidMove as error:
            self.problems.append(f"{where}.parent: {error}")
            return obj
        if record:
            self.report.record(kind, key, action, [name.removesuffix("_id") for name in changed])
        return obj

    def stop_if_problems(self):
        if self.problems:
            raise StructureFileError(self.problems)

    def write(self):
        data = self.data
        parts = {part.slug: part for part in CountyPart.objects.all()}
        for i, item in enumerate(data["county_parts"]):
            parts[item["slug"]] = self.upsert(
                parts.get(item["slug"]) or CountyPart(slug=item["slug"]),
                {"name": item["name"], "order": i},
                f"county_parts[{i}]",
                "county_part",
                item["slug"],
            )
        self.stop_if_problems()
        self.organisations = {org.slug: org for org in Organisation.objects.all()}
        for i, item in enumerate(data["organisations"]):
            part = parts.get(item.get("county_part"))
            self.organisations[item["slug"]] = self.upsert(
                self.organisations.get(item["slug"]) or Organisation(slug=item["slug"]),
                {
                    "name": item["name"],
                    "short_name": item.get("short_name") or "",
                    "kind": item["kind"],
                    "code": item.get("code") or "",
                    "county_part_id": part.pk if part else None,
                },
                f"organisations[{i}]",
                "organisation",
                item["slug"],
            )
        parties = {party.abbreviation: party for party in Party.objects.all()}
        for i, item in enumerate(data["parties"]):
            parties[item["abbreviation"]] = self.upsert(
                parties.get(item["abbreviation"]) or Party(abbreviation=item["abbreviation"]),
                {"name": item["name"], "order": i},
                f"parties[{i}]",
                "party",
                item["abbreviation"],
            )
        self.periods = {period.slug: period for period in MandatePeriod.objects.all()}
        for i, item in enumerate(data["periods"]):
            self.periods[item["slug"]] = self.upsert(
                self.periods.get(item["slug"]) or MandatePeriod(slug=item["slug"]),
                {
                    "name": item["name"],
                    "start": _value(item["start"]),
                    "end": _value(item["end"]),
                    "status": item.get("status") or MandatePeriod.Status.PROPOSED,
                    "decision_reference": item.get("decision_reference") or "",
                    "decided_on": _value(item.get("decided_on")),
                },
                f"periods[{i}]",
                "period",
                item["slug"],
            )
        self.people = {person.slug: person for person in Person.objects.all()}
        for i, item in enumerate(data["people"]):
            party = parties.get(item.get("party"))
            organisation = self.organisations.get(item.get("organisation"))
            # Publication, contact details and notes are the secretary's, not the file's.
            self.people[item["slug"]] = self.upsert(
                self.people.get(item["slug"]) or Person(slug=item["slug"]),
                {
                    "first_name": item["first_name"],
                    "last_name": item["last_name"],
                    "party_id": party.pk if party else None,
                    "organisation_id": organisation.pk if organisation else None,
                    "title": item.get("title") or "",
                },
                f"people[{i}]",
                "person",
                item["slug"],
            )
        self.stop_if_problems()
        self.write_bodies(parts)
        self.stop_if_problems()

    def write_bodies(self, parts):
        """Bodies period by period (earliest first), parents before children."""
        entries = list(enumerate(self.data["bodies"]))
        slugs = {item["period"] for _, item in entries} | {
            item["predecessor"]["period"]
            for _, item in entries
            if isinstance(item.get("predecessor"), dict)
        }
        self.bodies = {
            (body.period.slug, body.slug): body
            for body in Body.objects.filter(period__slug__in=slugs).select_related("period")
        }
        order = {slug: period.start for slug, period in self.periods.items()}
        by_key = {(item["period"], item["slug"]): (i, item) for i, item in entries}
        done = set()
        ordered = []
        self.created_bodies = set()

        def visit(key):
            if key in done:
                return
            done.add(key)
            i, item = by_key[key]
            if item.get("parent"):
                visit((item["period"], item["parent"]))
            ordered.append((i, item))

        for _, item in sorted(entries, key=lambda e: (order[e[1]["period"]], e[0])):
            visit((item["period"], item["slug"]))

        for i, item in ordered:
            period = self.periods[item["period"]]
            key = (item["period"], item["slug"])
            parent = self.bodies.get((item["period"], item.get("parent")))
            values = {
                "name": item["name"],
                "short_name": item.get("short_name") or "",
                "kind": item["kind"],
                "parent_id": parent.pk if parent else None,
                "purpose": item.get("purpose") or "",
                "min_meetings_per_year": item.get("min_meetings_per_year"),
                "min_members": item.get("min_members"),
                "composition_note": item.get("composition_note") or "",
                "legal_basis": item.get("legal_basis") or "",
                "lead_organisation_id": self._pk(self.organisations, item.get("lead_organisation")),
                "county_part_id": self._pk(parts, item.get("county_part")),
                "closing_note": item.get("closing_note") or "",
            }
            if "predecessor" in item:
                predecessor = item["predecessor"]
                target = (
                    self.bodies.get((predecessor["period"], predecessor["body"]))
                    if predecessor
                    else None
                )
                if predecessor and target is None:
                    self.problems.append(
                        f'bodies[{i}].predecessor: okänt organ "{predecessor["body"]}" i '
                        f"{predecessor['period']} (varken i filen eller i databasen)"
                    )
                    continue
                values["predecessor_id"] = target.pk if target else None
            body = self.bodies.get(key) or Body(period=period, slug=item["slug"])
            if body.pk is None:
                self.created_bodies.add(key)
            self.bodies[key] = self.upsert(
                body, values, f"bodies[{i}]", "body", f"{item['period']}/{item['slug']}"
            )
        self.stop_if_problems()
        for i, item in entries:
            key = (item["period"], item["slug"])
            body = self.bodies[key]
            supports = self.bodies.get((item["period"], item.get("supports")))
            if body.supports_id != (supports.pk if supports else None):
                self.upsert(
                    body,
                    {"supports_id": supports.pk if supports else None},
                    f"bodies[{i}].supports",
                    "body",
                    f"{item['period']}/{item['slug']}",
                    record=key not in self.created_bodies,
                )
            self.write_members(i, item, body)
            self.write_rules(i, item, body)
        self.stop_if_problems()
        for i, item in entries:
            self.write_seats(i, item, self.bodies[(item["period"], item["slug"])])

    @staticmethod
    def _pk(objects, slug):
        obj = objects.get(slug) if slug else None
        return obj.pk if obj else None

    def write_members(self, i, item, body):
        wanted = {self.organisations[slug].pk for slug in item.get("members", [])}
        current = set(body.member_organisations.values_list("pk", flat=True)) if body.pk else set()
        if wanted != current:
            # Row by row, not ``set()``: each membership gets its historical record.
            for membership in body.memberships.exclude(organisation_id__in=wanted):
                membership.delete()
            for organisation_id in wanted - current:
                Membership.objects.create(body=body, organisation_id=organisation_id)
            if (item["period"], item["slug"]) not in self.created_bodies:
                self.report.record(
                    "body", f"{item['period']}/{item['slug']}", "updated", ["members"]
                )

    def write_rules(self, i, item, body):
        key = f"{item['period']}/{item['slug']}"
        existing = {rule.organisation_id: rule for rule in body.rules.all()}
        wanted = set()
        for j, rule in enumerate(item.get("rules", [])):
            organisation_id = self._pk(self.organisations, rule.get("organisation"))
            wanted.add(organisation_id)
            self.upsert(
                existing.get(organisation_id)
                or CompositionRule(body=body, organisation_id=organisation_id),
                {"ordinary": rule.get("ordinary", 1), "substitutes": rule.get("substitutes", 0)},
                f"bodies[{i}].rules[{j}]",
                "rule",
                f"{key}: {rule.get('organisation') or 'varje medlemsorganisation'}",
            )
        for organisation_id, rule in existing.items():
            if organisation_id not in wanted:
                rule.delete()
                self.report.record("rule", f"{key}: {rule.organisation or 'varje'}", "deleted")

    def write_seats(self, i, item, body):
        where = f"bodies[{i}]"
        body_key = f"{item['period']}/{item['slug']}"
        existing_seats = list(body.seats.select_related("organisation").order_by("order", "pk"))
        keys = seat_keys(existing_seats)
        existing = {keys[seat.pk]: seat for seat in existing_seats}
        seats = {}
        created = set()
        entries = item.get("seats", [])
        for j, entry in enumerate(entries):
            organisation = self.organisations[entry["organisation"]]
            seat = existing.get(entry["key"]) or Seat(body=body)
            if seat.pk is None:
                created.add(entry["key"])
            seats[entry["key"]] = self.upsert(
                seat,
                {
                    "organisation_id": organisation.pk,
                    "role": entry["role"],
                    "position": entry.get("position") or Seat.Position.MEMBER,
                    "office_label": entry.get("office") or "",
                    "order": j,
                },
                f"{where}.seats[{j}]",
                "seat",
                f"{body_key}/{entry['key']}",
            )
        self.stop_if_problems()
        for j, entry in enumerate(entries):
            seat = seats[entry["key"]]
            backs = seats.get(entry.get("backs")) if entry.get("backs") else None
            if seat.backs_id != (backs.pk if backs else None):
                self.upsert(
                    seat,
                    {"backs_id": backs.pk if backs else None},
                    f"{where}.seats[{j}].backs",
                    "seat",
                    f"{body_key}/{entry['key']}",
                    record=entry["key"] not in created,
                )
        for j, entry in enumerate(entries):
            self.write_appointments(
                f"{where}.seats[{j}]", entry, seats[entry["key"]], f"{body_key}/{entry['key']}"
            )

    def write_appointments(self, where, entry, seat, seat_key):
        if seat.pk is None:
            return
        existing = {
            (appointment.person_id, appointment.start): appointment
            for appointment in seat.appointments.all()
        }
        rows = list(enumerate(entry.get("appointments", [])))
        # Updates first (they may shorten a term and so make room), then new terms.
        rows.sort(key=lambda row: (self._existing(existing, row[1]) is None, row[0]))
        for k, row in rows:
            person = self.people[row["person"]]
            start = _value(row["start"])
            self.upsert(
                existing.get((person.pk, start))
                or Appointment(seat=seat, person=person, start=start),
                {
                    "end": _value(row.get("end")),
                    "appointed_by": row.get("appointed_by") or "",
                    "note": row.get("note") or "",
                },
                f"{where}.appointments[{k}]",
                "appointment",
                f"{seat_key}: {row['person']} från {row['start']}",
            )

    def _existing(self, existing, row):
        person = self.people.get(row["person"])
        return existing.get((person.pk if person else None, _value(row["start"])))
